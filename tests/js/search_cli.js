#!/usr/bin/env node
// Runs the site's search engine under Node on the client index in <site search
// folder>, reading its JSON files from disk. The engine is the site's own
// static/search-core.js, beside the search folder (what export writes).
//
//   node tests/js/search_cli.js <site search folder> < queries.txt
//       One query per line, optionally followed by a tab and comma-separated tags,
//       then a tab and engine.search's other options as JSON ({"sort": "date",
//       "anyTag": true, "facets": true}).
//       Prints one JSON line per query:
//       {query, total, suggestion, paths: [top 10 paths], results: [...], warnings,
//        files: [index files first fetched for this query, fragments left out]}
//
//   node tests/js/search_cli.js <site search folder> --tokens < texts.jsonl
//       One JSON line per input line {"text": ..., "language": "fr"|"en"} (and
//       optionally "initials": [...], the first letters of the terms wanted):
//       {"tokens": [[term, surface, start, end], ...], "key": key(text)}
//
//   node tests/js/search_cli.js <site search folder> --places < texts.jsonl
//       One JSON line per input line {"text": ...}: where the client looks for it,
//       {"bucket": the number of its post-<n> file, "shard": shardKey(text, depth)}
//
// tests/test_client_parity.py compares both outputs with the Python CLI side.
"use strict";

const fs = require("fs");
const path = require("path");
const folder = process.argv[2];
const mode = process.argv[3] || "--search";
if (!folder || !["--search", "--tokens", "--places"].includes(mode)) {
  process.stderr.write("usage: search_cli.js <site search folder> [--tokens|--places] < input\n");
  process.exit(2);
}

const MXSearch = require(path.resolve(folder, "..", "static", "search-core.js"));

// A data file is MXSearchData("name",<data>);, read as search-ui.js reads it over HTTP
// (packed files are inflated by Node's DecompressionStream, as by a browser's).
function readJson(name) {
  return MXSearch.parseDataFile(fs.readFileSync(path.join(folder, name + ".js"), "utf8"));
}

function inputLines() {
  const text = fs.readFileSync(0, "utf8");
  const lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

async function printTokens() {
  MXSearch.useRules((await readJson("manifest")).rules);
  const output = inputLines().map((line) => {
    const { text, language, initials } = JSON.parse(line);
    const tokens = MXSearch.tokens(text, language, initials && new Set(initials))
      .map((t) => [t.term, t.surface, t.start, t.end]);
    return JSON.stringify({ tokens, key: MXSearch.key(text) });
  });
  process.stdout.write(output.length ? output.join("\n") + "\n" : "");
}

async function printPlaces() {
  const manifest = await readJson("manifest");
  MXSearch.useRules(manifest.rules);
  const output = inputLines().map((line) => {
    const { text } = JSON.parse(line);
    return JSON.stringify({
      // The engine's IndexView.postingsFile: a filter's term after the words' buckets.
      bucket: text.includes(manifest.rules.filter_term_mark)
        ? manifest.buckets + MXSearch.termBucket(text, manifest.filter_buckets)
        : MXSearch.termBucket(text, manifest.buckets),
      shard: MXSearch.shardKey(text, manifest.shard_depth),
    });
  });
  process.stdout.write(output.length ? output.join("\n") + "\n" : "");
}

async function printSearches() {
  let fetched = [];
  const engine = MXSearch.createEngine(async (name) => {
    if (!name.startsWith("fragments/")) fetched.push(name);
    return readJson(name);
  });
  for (const line of inputLines()) {
    const [query, tagText, optionText] = line.split("\t");
    const tags = (tagText || "").split(",").filter((t) => t !== "");
    const options = optionText ? JSON.parse(optionText) : {};
    fetched = [];
    const response = await engine.search(query, { limit: 10, tags, ...options });
    process.stdout.write(JSON.stringify({
      query: response.query,
      total: response.total,
      suggestion: response.suggestion,
      paths: response.results.map((r) => r.path),
      results: response.results,
      warnings: response.warnings,
      facets: response.facets,
      files: fetched.sort(),
    }) + "\n");
  }
}

const command = { "--tokens": printTokens, "--places": printPlaces, "--search": printSearches };
command[mode]().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
