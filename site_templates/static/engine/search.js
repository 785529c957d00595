// search.js: a query's text to ranked results with excerpts
// (museumxtd_search/engine/search.py, GardenSearcher.search).

/** _unique(): order-keeping deduplication. */
function unique(items) {
  return Array.from(new Set(items));
}

/**
 * createEngine(load): `load(name)` returns (a Promise of) the parsed data file
 * "manifest", "words-<k>", "post-<n>" or "fragments/<k>"; each file is fetched once.
 *
 *   engine.search(text, {limit: 10, tags: []}) -> Promise of {query, total,
 *     suggestion, warnings, results: [{doc, path, url, title, tags, score,
 *     snippet, highlights, section, anchor}]}, as `museumxtd-search query --json`
 *     (scores unrounded). Fragments are fetched for the results returned only.
 *   engine.manifest() -> Promise of the manifest (tag list, rules), its rules in use by
 *     the pipeline's functions (MXSearch.terms, tokens...).
 */
function createEngine(load) {
  const files = new Map();
  let view = null;

  function file(name) {
    let promise = files.get(name);
    if (!promise) {
      promise = Promise.resolve().then(() => load(name));
      files.set(name, promise);
      // A failed fetch (offline, server hiccup) is retried by the next query.
      promise.catch(() => files.delete(name));
    }
    return promise;
  }

  /** The index's manifest, its format checked and its rules in use. */
  async function indexView() {
    const data = await file("manifest");
    if (!view || view.manifest !== data) view = new IndexView(data, file);
    return view;
  }

  async function manifest() {
    return (await indexView()).manifest;
  }

  /** GardenSearcher.known(): every word of the clause is somewhere in the garden. */
  function clauseWords(index, clause) {
    return analyse(normalize(clause.text), "fr").map((t) => fold(t.surface));
  }

  /**
   * GardenSearcher.known_by_stem(): each word of the clause is in the garden as
   * spelt (its words shard loaded) or through its stem (a term of it has postings
   * in a field a word clause searches).
   */
  async function knownByStem(index, clause) {
    const shared = rules();
    const fieldTerms = (word) => Object.keys(shared.weights).flatMap((name) =>
      terms(word, shared.field_language[name] === "en" ? "en" : "fr").map((term) => [name, term]));
    const words = analyse(normalize(clause.text), "fr").map((t) => t.surface);
    await index.load(words.flatMap((w) => fieldTerms(w).map(([, term]) => index.postingsFile(term))));
    return words.length > 0 && words.every((w) => index.wordNotes(fold(w)) ||
      fieldTerms(w).some(([name, term]) => (index.postings(name, term) || []).length > 0));
  }

  /**
   * GardenSearcher._repair(): unknown last word -> prefix, other unknown words ->
   * typo fix (unless known by stem); when anything was rewritten, the other words in
   * their garden spelling.
   */
  async function repair(index, parsed) {
    const clauses = parsed.units.flat();
    const wordsOf = clauses.map((c) => (c.kind === "word" ? clauseWords(index, c) : []));
    await index.load(wordsOf.flat().map((w) => index.wordsFile(w)));
    const replacements = new Map(); // token position -> [old, new]
    let corrections = 0;
    for (let number = 0; number < clauses.length; number++) {
      const clause = clauses[number];
      const found = wordsOf[number];
      if (clause.kind !== "word" || (found.length && found.every((w) => index.wordNotes(w)))) {
        continue;
      }
      const folded = fold(normalize(clause.text).toLowerCase());
      if (number === clauses.length - 1 && codePointLength(folded) >= 2) {
        const names = index.prefixFiles(folded);
        await index.load(names);
        if (prefixExpansions(folded, index.vocabulary(names)).length) {
          replacements.set(clause.token, [clause.text, clause.text + "*"]);
          continue;
        }
      }
      if (await knownByStem(index, clause)) continue;
      if (allowedEdits(folded) === 0 || corrections === rules().max_corrections) continue;
      corrections += 1;
      await index.loadAllWords();
      const correction = bestCorrection(folded, index.vocabulary());
      if (correction) {
        await index.load([index.wordsFile(correction)]);
        const spelling = index.displayForm(correction);
        replacements.set(clause.token, [clause.text, spelling === undefined ? correction : spelling]);
      }
    }
    if (!replacements.size) return null;
    const others = clauses.filter((c) => c.kind === "word" && !replacements.has(c.token) &&
      !c.text.toLowerCase().includes(" "));
    await index.load(others.map((c) => index.wordsFile(fold(c.text.toLowerCase()))));
    for (const clause of others) {
      const typed = clause.text.toLowerCase();
      const spelling = index.displayForm(fold(typed));
      if (spelling && spelling !== typed) replacements.set(clause.token, [clause.text, spelling]);
    }
    const words = parsed.tokens.slice();
    for (const [position, [old, replacement]] of replacements) {
      // str.replace(old, new, 1): the first occurrence, no pattern characters.
      const at = words[position].indexOf(old);
      if (at >= 0) {
        words[position] = words[position].slice(0, at) + replacement +
          words[position].slice(at + old.length);
      }
    }
    return words.join(" ");
  }

  /** The words shards a prefix clause's expansions come from. */
  function prefixFiles(index, clause) {
    return index.prefixFiles(fold(normalize(clause.text).toLowerCase()));
  }

  /** clause_terms(): {french: [[terms]], english: [[terms]], exact, field, phrase}. */
  function clauseTerms(index, clause) {
    if (clause.kind === "prefix") {
      const folded = fold(normalize(clause.text).toLowerCase());
      const found = prefixExpansions(folded, index.vocabulary(prefixFiles(index, clause)));
      return {
        french: unique(found.flatMap((w) => terms(w, "fr"))).map((t) => [t]),
        english: unique(found.flatMap((w) => terms(w, "en"))).map((t) => [t]),
        exact: [],
        field: clause.field,
        phrase: false,
      };
    }
    const french = terms(clause.text, "fr");
    const english = terms(clause.text, "en");
    const frenchGroups = french.length ? [french] : [];
    const englishGroups = english.length ? [english] : [];
    const alike = new Map();
    const ownTerm = (french.length ? french : english.length ? english : [""])[0];
    // joined_word(): a word typed with hyphens is also searched written in one piece.
    const joined = clause.kind === "word" && clause.text.includes("-") ? [clause.text.replace(/-/g, "")] : [];
    for (const partner of partners(index, clause).concat(joined)) {
      for (const [group, groups] of [[terms(partner, "fr"), frenchGroups],
        [terms(partner, "en"), englishGroups]]) {
        if (!group.length) continue;
        groups.push(group);
        for (const term of group) {
          if (!french.includes(term) && !english.includes(term)) alike.set(term, ownTerm);
        }
      }
    }
    return {
      french: frenchGroups,
      english: englishGroups,
      exact: tokens(clause.text, "fr").map((t) => t.surface),
      field: clause.field,
      phrase: clause.kind === "phrase" || french.length > 1,
      alike,
    };
  }

  /** The folded word of a one-word clause whose partners are looked for, or null. */
  function pairedWord(clause) {
    if (clause.kind !== "word" || clause.field !== null) return null;
    return fold(normalize(clause.text).toLowerCase());
  }

  /** The words some note pairs with the clause's word (its words shard loaded). */
  function pairCandidates(index, clause) {
    const word = pairedWord(clause);
    if (word === null) return [];
    return own(index.wordsShard(word).pairs || {}, word) || [];
  }

  /**
   * Searcher.partners(): the candidates that cross languages with the clause's
   * word (their posting buckets loaded: pairFiles).
   */
  function partners(index, clause) {
    const word = pairedWord(clause);
    return pairCandidates(index, clause).filter((other) =>
      crossesLanguages(index, word, other) || crossesLanguages(index, other, word));
  }

  /** Searcher.crosses_languages(). */
  function crossesLanguages(index, french, english) {
    const [frenchNotes, frenchInEnglish] = languageNotes(index, french);
    const [englishInFrench, englishNotes] = languageNotes(index, english);
    return frenchNotes > frenchInEnglish && englishNotes >= Math.max(englishInFrench, 1);
  }

  /** Searcher._language_notes(): (French notes, English notes) holding the word. */
  function languageNotes(index, word) {
    const french = terms(word, "fr");
    const english = terms(word, "en");
    return [
      french.length ? (index.postings("body", french[0]) || []).length : 0,
      english.length ? (index.postings("body_en", english[0]) || []).length : 0,
    ];
  }

  /** The posting buckets deciding the pairs of the clauses' words (languageNotes). */
  function pairFiles(index, clauses) {
    const names = [];
    for (const clause of clauses) {
      const word = pairedWord(clause);
      for (const other of pairCandidates(index, clause)) {
        for (const each of [word, other]) {
          names.push(...terms(each, "fr").slice(0, 1).concat(terms(each, "en").slice(0, 1))
            .map((term) => index.postingsFile(term)));
        }
      }
    }
    return names;
  }

  /**
   * clause_query(): the leaves of the clause's Or, each {field, words, slop,
   * weight}: one word is a Term query, several a Phrase (positional fields only).
   */
  function clauseLeaves(index, analysed) {
    const shared = rules();
    const fields = analysed.field === "title" ? shared.title_fields
      : analysed.field === "content" ? shared.content_fields : Object.keys(shared.weights);
    const leaves = [];
    for (const name of fields) {
      const weight = shared.weights[name];
      const english = shared.field_language[name] === "en";
      for (const group of english ? analysed.english : analysed.french) {
        // One word is a Term; several a Phrase, which only positional fields can answer.
        if (group.length === 1 || shared.positional.includes(name)) {
          leaves.push({ field: name, words: group, slop: 1, weight });
        }
      }
    }
    if (analysed.field === null && !analysed.phrase) {
      for (const word of analysed.exact) {
        leaves.push({ field: shared.exact_field, words: [word], slop: 1,
          weight: shared.exact_weight });
      }
    }
    return leaves;
  }

  /** proximity_query(): single words of the query close together, in order. */
  function proximityLeaves(index, units) {
    const shared = rules();
    const found = units
      .filter((u) => u.length === 1 && u[0].french.length === 1 && u[0].french[0].length === 1 &&
        u[0].field === null)
      .map((u) => u[0].french[0][0]);
    if (found.length < 2) return [];
    return shared.positional
      .filter((name) => shared.field_language[name] !== "en")
      .map((name) => ({
        field: name,
        words: found,
        slop: shared.proximity_slop,
        weight: shared.weights[name] * shared.proximity_weight,
      }));
  }

  /**
   * The posting buckets the leaves read. The exact field holds only words with a
   * non-ASCII character, so an all-ASCII exact word needs no bucket.
   */
  function leafFiles(index, leaves) {
    const names = [];
    for (const leaf of leaves) {
      for (const word of leaf.words) {
        if (leaf.field !== rules().exact_field || !ASCII.test(word)) {
          names.push(index.postingsFile(word));
        }
      }
    }
    return names;
  }

  /** GardenSearcher._hit(): one result with its snippet, from the note's fragment. */
  async function hit(index, doc, score, queryTerms, alike) {
    const fragment = index.fragmentIn(await file(index.fragmentFile(doc)), doc);
    const snippets = makeSnippets(fragment.text, fragment.sections, queryTerms,
      fragment.language === "en" ? "en" : "fr", undefined, alike);
    const snippet = snippets[0];
    return {
      doc, path: fragment.path, url: fragment.url, title: fragment.title,
      tags: fragment.tags, score,
      snippet: snippet.text, highlights: snippet.highlights,
      section: snippet.section, anchor: snippet.anchor, date: fragment.date || "",
      sections: snippets.map((part) => ({
        section: part.section, anchor: part.anchor, snippet: part.text,
        highlights: part.highlights,
      })),
    };
  }

  /**
   * The files a parsed query reads that are known before any vocabulary is: the
   * words shards of its tags, its title key and its words (whether each word
   * exists), and the posting buckets of its non-prefix clauses' terms. Fetched
   * together, so a query costs one round of requests.
   */
  function knownFiles(index, parsed, tagKeys, queryKey) {
    const names = tagKeys.concat(queryKey ? [queryKey] : []).map((k) => index.wordsFile(k));
    const nested = nestedParts(parsed);
    for (const wanted of parsed.filters.concat(nested.filters)) {
      if (wanted.kind === "section") {
        for (const word of wanted.value.split(" ")) {
          for (const term of terms(word, "fr").concat(terms(word, "en"))) {
            names.push(index.postingsFile(term));
          }
        }
        continue;
      }
      for (const found of filterLookups(wanted)) {
        names.push(found.tag !== undefined ? index.wordsFile(found.tag)
          : index.postingsFile(found.term));
      }
    }
    for (const clause of parsed.units.flat().concat(nested.clauses)) {
      if (clause.kind !== "word") continue;
      for (const word of clauseWords(index, clause)) names.push(index.wordsFile(word));
    }
    for (const clause of parsed.units.flat().concat(parsed.excluded, nested.clauses)) {
      if (clause.kind === "prefix") continue;
      names.push(...leafFiles(index, clauseLeaves(index, clauseTerms(index, clause))));
    }
    return names;
  }

  /**
   * Every clause and filter inside the query's choices and excluded groups (at any
   * depth, excluded ones included): what their files and partners are loaded for.
   */
  function nestedParts(parsed) {
    const clauses = [];
    const filters = [];
    const visitGroup = (group) => {
      clauses.push(...group.units.flat(), ...group.excluded);
      filters.push(...group.filters);
      group.choices.forEach(visitChoice);
      group.excludedGroups.forEach(visitGroup);
    };
    const visitChoice = (choice) => {
      for (const alternative of choice) {
        if (alternative.group) visitGroup(alternative);
        else if (alternative.negated !== undefined) filters.push(alternative);
        else clauses.push(alternative);
      }
    };
    parsed.choices.forEach(visitChoice);
    parsed.excludedGroups.forEach(visitGroup);
    return { clauses, filters };
  }

  /** Searcher._filter_docs(): the notes a filter keeps, as marks (one per note). */
  async function filterMarks(index, wanted) {
    const count = index.docCount;
    const marks = new Uint8Array(count);
    if (wanted.kind === "section") {
      for (const doc of await sectionDocs(index, wanted.value)) marks[doc] = 1;
      return marks;
    }
    const found = filterLookups(wanted).map((lookup) => lookupDocs(index, lookup));
    const having = new Int32Array(count);
    found.forEach((docs, number) => {
      for (const doc of docs) if (having[doc] === number) having[doc] += 1;
    });
    for (let doc = 0; doc < count; doc++) if (having[doc] === found.length) marks[doc] = 1;
    return marks;
  }

  /** Searcher._clause_docs(): the notes a clause matches, as marks. */
  function clauseMarks(index, clause, memo) {
    return markDocs(index, clauseLeaves(index, clauseTerms(index, clause)), memo,
      new Uint8Array(index.docCount));
  }

  /** Searcher._choice_docs(): the notes any alternative of an OR matches. */
  async function choiceMarks(index, choice, memo) {
    const marks = new Uint8Array(index.docCount);
    for (const alternative of choice) {
      const found = alternative.group ? await groupMarks(index, alternative, memo)
        : alternative.negated !== undefined ? await filterMarks(index, alternative)
          : clauseMarks(index, alternative, memo);
      for (let doc = 0; doc < marks.length; doc++) if (found[doc]) marks[doc] = 1;
    }
    return marks;
  }

  /** Searcher._group_docs(): the notes matching all of a group. */
  async function groupMarks(index, group, memo) {
    const count = index.docCount;
    const parts = [];
    for (const unit of group.units) {
      const marks = new Uint8Array(count);
      for (const clause of unit) {
        const found = clauseMarks(index, clause, memo);
        for (let doc = 0; doc < count; doc++) if (found[doc]) marks[doc] = 1;
      }
      parts.push(marks);
    }
    for (const choice of group.choices) parts.push(await choiceMarks(index, choice, memo));
    for (const wanted of group.filters) {
      if (!wanted.negated) parts.push(await filterMarks(index, wanted));
    }
    const result = new Uint8Array(count);
    if (!parts.length) return result;
    for (let doc = 0; doc < count; doc++) result[doc] = parts.every((marks) => marks[doc]) ? 1 : 0;
    const leftOut = [];
    for (const clause of group.excluded) leftOut.push(clauseMarks(index, clause, memo));
    for (const wanted of group.filters) {
      if (wanted.negated) leftOut.push(await filterMarks(index, wanted));
    }
    for (const inner of group.excludedGroups) leftOut.push(await groupMarks(index, inner, memo));
    for (const marks of leftOut) {
      for (let doc = 0; doc < count; doc++) if (marks[doc]) result[doc] = 0;
    }
    return result;
  }

  /**
   * filter_queries(): what a filter asks of the index, [{tag: key}] or one
   * {term} of the filter field per word of its value (a note must have them all).
   */
  function filterLookups(wanted) {
    if (wanted.kind === "tag") return [{ tag: key(wanted.value) }];
    if (wanted.kind === "property" && !wanted.value) return [{ term: "has:" + key(wanted.name) }];
    const prefix = wanted.kind === "property" ? "prop:" + key(wanted.name) + ":"
      : wanted.kind + ":";
    return filterWords(wanted.value).map((word) => ({ term: prefix + word }));
  }

  /** The notes a filter lookup finds (their files loaded). */
  function lookupDocs(index, found) {
    if (found.tag !== undefined) return index.tagNotes(found.tag);
    return (index.postings(rules().filter_field, found.term) || []).map((p) => p[0]);
  }

  /**
   * Searcher._section_docs(): the notes with a section holding every word of
   * `value` (section:): of the notes whose text has them all (their fragments are
   * fetched), those where one section does.
   */
  async function sectionDocs(index, value) {
    const words = value.split(" ");
    let candidates = null;
    for (const word of words) {
      const french = terms(word, "fr");
      const english = terms(word, "en");
      if (!french.length && !english.length) continue;
      const found = new Set();
      for (const [field, wordTerms] of [["body", french], ["body_en", english]]) {
        if (!wordTerms.length) continue;
        let docs = null;
        for (const term of wordTerms) {
          const here = new Set((index.postings(field, term) || []).map((p) => p[0]));
          docs = docs === null ? here : new Set([...docs].filter((doc) => here.has(doc)));
        }
        for (const doc of docs) found.add(doc);
      }
      candidates = candidates === null ? found
        : new Set([...candidates].filter((doc) => found.has(doc)));
    }
    const ordered = Array.from(candidates || []).sort((a, b) => a - b);
    const fragments = await Promise.all(ordered.map((doc) => file(index.fragmentFile(doc))));
    return ordered.filter((doc, number) => {
      const fragment = index.fragmentIn(fragments[number], doc);
      const language = fragment.language === "en" ? "en" : "fr";
      return sectionHoldsAll(fragment.text, fragment.sections,
        words.map((word) => terms(word, language)), language);
    });
  }

  /**
   * GardenSearcher._list(): only filters, every matching note by title. `docs` are
   * in title order already (tag lists are written so): only the notes shown are read.
   */
  async function list(index, docs, limit) {
    return Promise.all(docs.slice(0, limit).map((d) => hit(index, d, 0.0, new Set())));
  }

  /**
   * facet_counts(): per facet ("tags", then the declared ones), [[value, notes],
   * ...] among `docs`: most notes first, then by key; a value shown as first
   * written in path (document) order.
   */
  function facetCounts(facetsFile, docs) {
    const result = {};
    const ordered = Array.from(docs).sort((a, b) => a - b);
    for (const name of facetsFile.facet_names) {
      const table = facetsFile.facets[name];
      const counts = new Map(); // key -> [value, notes]
      for (const doc of ordered) {
        for (const at of table.notes[doc]) {
          const [valueKey, value] = table.values[at];
          const entry = counts.get(valueKey);
          if (entry) entry[1] += 1;
          else counts.set(valueKey, [value, 1]);
        }
      }
      result[name] = Array.from(counts.entries())
        .sort((x, y) => (y[1][1] - x[1][1]) || compareCodePoints(x[0], y[0]))
        .map((entry) => entry[1]);
    }
    return result;
  }

  /**
   * Searcher._newest_first(): `items` (in ranking order) by date, newest first, a
   * stable sort (notes of one date keep their order; undated ones last).
   */
  function newestFirst(items, dateOf) {
    return items.sort((x, y) => {
      const a = dateOf(x);
      const b = dateOf(y);
      return a > b ? -1 : a < b ? 1 : 0;
    });
  }

  /**
   * GardenSearcher.search(): the same results, in the same order, as the CLI.
   * Options: limit (10), tags ([]: all must be on a note, or one with anyTag),
   * sort ("relevance" or "date": newest first), facets (true: the response's
   * `facets`, counted over every result; "loaded": only if the facets file is here).
   */
  async function search(text, options = {}) {
    const limit = options.limit === undefined ? 10 : options.limit;
    const extraTags = options.tags || [];
    const anyTag = Boolean(options.anyTag);
    const byDate = options.sort === "date";
    text = text === undefined || text === null ? "" : String(text);
    const index = await indexView();
    // facets: true counts them (fetching the facets file if need be); "loaded" counts
    // them only when that file is already here, so a page can show the first results
    // without waiting for it, and count facets in the same search ever after.
    const wantFacets = options.facets === "loaded"
      ? index.loaded.has("facets") : Boolean(options.facets);
    let parsed = parseQuery(text);
    const warnings = parsed.warnings.slice();
    const tagKeysOf = (query) => extraTags.concat(query.tags).map(key).filter((k) => k);
    // The exact title key ranks notes only for plain queries with words.
    const titleKeyOf = (query, typed) => (query.plain && query.units.length ? key(typed) : "");
    // Start fetching what the query as typed needs while its words are checked.
    index.load(knownFiles(index, parsed, tagKeysOf(parsed), titleKeyOf(parsed, text)))
      .catch(() => {}); // awaited (and retried) below
    const suggestion = await repair(index, parsed);
    if (suggestion) parsed = parseQuery(suggestion);
    const tagKeys = tagKeysOf(parsed);
    const queryKey = titleKeyOf(parsed, suggestion || text);

    // Prefix clauses need their words shards before their terms are known.
    const nested = nestedParts(parsed);
    const allClauses = parsed.units.flat().concat(parsed.excluded, nested.clauses);
    const vocabularyFiles = allClauses.filter((c) => c.kind === "prefix")
      .flatMap((c) => prefixFiles(index, c));
    await index.load(vocabularyFiles.concat(knownFiles(index, parsed, tagKeys, queryKey)));
    // Pairs across languages: the words shards of excluded words too, then the
    // buckets telling which pairs cross languages.
    const wordClauses = allClauses.filter((c) => pairedWord(c) !== null);
    await index.load(wordClauses.map((c) => index.wordsFile(pairedWord(c))));
    await index.load(pairFiles(index, wordClauses));
    const units = parsed.units.map((unit) => unit.map((c) => clauseTerms(index, c)));
    const unitClauses = units.map((unit) => unit.map((c) => clauseLeaves(index, c)));
    const maskLeaves = parsed.excluded.flatMap((c) => clauseLeaves(index, clauseTerms(index, c)));
    const proximity = proximityLeaves(index, units);
    // A choice's words score after the units', as one more unit (engine/search.py).
    const choiceUnits = parsed.choices.map(choiceClauses).filter((clauses) => clauses.length)
      .map((clauses) => clauses.map((c) => clauseTerms(index, c)));
    const choiceClauseLeaves = choiceUnits.map((unit) => unit.map((c) => clauseLeaves(index, c)));
    const nestedLeaves = nested.clauses.flatMap((c) => clauseLeaves(index, clauseTerms(index, c)));
    await index.load(leafFiles(index, unitClauses.flat(2).concat(maskLeaves, proximity,
      nestedLeaves)));

    // Filters: notes in every list (per note, how many of the lists it is in): the
    // tags', then each word's of the positive filters.
    const count = index.docCount;
    const givenKeys = extraTags.map(key).filter((k) => k);
    const unionOfGiven = anyTag && givenKeys.length > 1;
    let lists;
    if (unionOfGiven) {
      // --any-tag: one list, the notes with any of the given tags.
      const marks = new Uint8Array(count);
      for (const tagKey of givenKeys) for (const doc of index.tagNotes(tagKey)) marks[doc] = 1;
      lists = [[]];
      for (let doc = 0; doc < count; doc++) if (marks[doc]) lists[0].push(doc);
    } else {
      lists = givenKeys.map((tagKey) => index.tagNotes(tagKey));
    }
    for (const tagKey of parsed.tags.map(key).filter((k) => k)) lists.push(index.tagNotes(tagKey));
    const negatedLists = [];
    for (const wanted of parsed.filters) {
      if (wanted.kind === "section") {
        const docs = await sectionDocs(index, wanted.value);
        if (wanted.negated) negatedLists.push([docs]);
        else lists.push(docs);
        continue;
      }
      const found = filterLookups(wanted).map((lookup) => lookupDocs(index, lookup));
      if (wanted.negated) negatedLists.push(found);
      else lists.push(...found);
    }
    const memo = new Map();
    // A choice (an OR holding a filter or a group): every result satisfies it.
    for (const choice of parsed.choices) {
      const marks = await choiceMarks(index, choice, memo);
      const docs = [];
      for (let doc = 0; doc < count; doc++) if (marks[doc]) docs.push(doc);
      lists.push(docs);
    }
    let filter = null;
    lists.forEach((docs, number) => {
      if (filter === null) filter = new Int32Array(count);
      for (const doc of docs) if (filter[doc] === number) filter[doc] += 1;
    });
    const required = lists.length;
    const mask = markDocs(index, maskLeaves, memo, new Uint8Array(count));
    for (const group of parsed.excludedGroups) {
      const marks = await groupMarks(index, group, memo);
      for (let doc = 0; doc < count; doc++) if (marks[doc]) mask[doc] = 1;
    }
    for (const found of negatedLists) {
      // -[auteur:Jean Dupont]: the notes having every word are left out.
      const having = new Int32Array(count);
      found.forEach((docs, number) => {
        for (const doc of docs) if (having[doc] === number) having[doc] += 1;
      });
      for (let doc = 0; doc < count; doc++) if (having[doc] === found.length) mask[doc] = 1;
    }
    // The notes file only when something needs it (dates, or the order of a listing
    // without a tag list to follow); the facets file only for facets.
    const listsInOrder = tagKeys.length && !unionOfGiven;
    const needed = [];
    const scored = units.length + choiceUnits.length;
    if (byDate || (!scored && filter !== null && !listsInOrder)) needed.push("notes");
    if (wantFacets) needed.push("facets");
    if (needed.length) await index.load(needed);
    const notesFile = index.loaded.get("notes");
    const response = (total, results, docs) => {
      const answer = { query: text, total, suggestion, results, warnings };
      if (wantFacets) answer.facets = facetCounts(index.loaded.get("facets"), docs);
      return answer;
    };

    if (!scored) {
      if (filter === null) return response(0, [], []);
      // Every tag lists its notes in title order, the order of this listing; without
      // tags (or with any of several), the notes file gives that order.
      const ordered = listsInOrder ? index.tagNotes(tagKeys[0]) : notesFile.order;
      let docs = ordered.filter((doc) => filter[doc] === required && !mask[doc]);
      const all = docs;
      if (byDate) docs = newestFirst(docs.slice(), (doc) => notesFile.dates[doc]);
      return response(docs.length, await list(index, docs, limit), all);
    }

    const kept = (doc) => !mask[doc] && (filter === null || filter[doc] === required);
    const { scores, unitsMatched, touched } = queryScores(index,
      unitClauses.concat(choiceClauseLeaves), proximity, memo, kept, unitClauses.length);
    const exactDocs = new Uint8Array(count);
    if (queryKey) for (const doc of index.keyNotes(queryKey)) exactDocs[doc] = 1;
    // Every kept note satisfies each choice (ranking.py's every_allowed): it counts as
    // matched, and a note kept by a choice's filter alone is a result scoring 0.
    const choices = choiceUnits.length;
    const resultDocs = touched.slice();
    if (choices) {
      const reached = new Uint8Array(count);
      for (const doc of touched) reached[doc] = 1;
      for (let doc = 0; doc < count; doc++) if (!reached[doc] && kept(doc)) resultDocs.push(doc);
    }
    const rows = resultDocs.map((doc) => [doc, unitsMatched[doc] + choices,
      exactDocs[doc] ? 0 : 1, scores[doc] * index.boost(doc)]);
    const queryTerms = new Set();
    for (const unit of units.concat(choiceUnits)) {
      for (const clause of unit) {
        for (const group of clause.french.concat(clause.english)) {
          for (const term of group) queryTerms.add(term);
        }
      }
    }
    const shown = byDate
      ? newestFirst(rows.slice().sort(compareRows), (row) => notesFile.dates[row[0]])
        .slice(0, limit)
      : firstRows(rows, limit);
    const alike = new Map();
    for (const unit of units.concat(choiceUnits)) {
      for (const clause of unit) for (const [term, own] of clause.alike || []) alike.set(term, own);
    }
    const results = await Promise.all(
      shown.map((row) => hit(index, row[0], row[3], queryTerms, alike)));
    return response(rows.length, results, rows.map((row) => row[0]));
  }

  return { search, manifest };
}

// What search-core.js gives its users: the engine, and the pipeline's functions
// (after `useRules`, which an engine calls when it loads its manifest).
const PUBLIC = {
  useRules,
  normalize,
  fold,
  tokens,
  terms,
  key,
  parseQuery,
  filterWords,
  allowedEdits,
  editDistance,
  bestCorrection,
  prefixExpansions,
  makeSnippet,
  makeSnippets,
  highlightParts,
  shardKey,
  termBucket,
  decodeBase85,
  unpackData,
  parseDataFile,
  createEngine,
};
