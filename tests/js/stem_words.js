#!/usr/bin/env node
// Reads words from stdin, one per line, and prints "french_stem<TAB>english_stem"
// for each, using the browser stemmer port. tests/test_stemmer_port.py compares the
// output with the Python snowballstemmer package.
"use strict";

const path = require("path");
const MXSnowball = require(
  path.join(__dirname, "..", "..", "site_templates", "static", "snowball.js"),
);

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const text = Buffer.concat(chunks).toString("utf8");
  const words = text.split("\n");
  if (words.length && words[words.length - 1] === "") words.pop();
  const lines = words.map((word) => MXSnowball.french(word) + "\t" + MXSnowball.english(word));
  process.stdout.write(lines.length ? lines.join("\n") + "\n" : "");
});
