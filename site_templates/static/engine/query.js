// query.js: the query language (museumxtd_search/analysis/query.py).

// query.py's _TOKEN: a [property(:value)], a token holding quoted words, or anything
// up to a space.
const QUERY_TOKEN = new RegExp('\\[[^\\]]*\\]|(?:[^' + PY_SPACE + '"]*"[^"]*"?)+[^' + PY_SPACE +
  '"]*|[^' + PY_SPACE + "]+", "gu");
const OPERATORS = new Set(["AND", "&&", "OR", "||", "NOT"]);
const SECTION_GROUP = new RegExp("section[" + PY_SPACE + "]*:[" + PY_SPACE + "]*\\(([^()]*)\\)", "giu");
const SPACES = new RegExp("[" + PY_SPACE + "]+", "u");

/**
 * parse_query(): {units, excluded, tags, filters, warnings, plain, tokens, ignored};
 * never throws. Filters are {kind: "path"|"file"|"property"|"tag", name, value,
 * negated}.
 */
function parseQuery(input) {
  const maxWords = rules().max_query_words;
  const query = {
    units: [], excluded: [], tags: [], warnings: [], plain: true, tokens: [], ignored: [],
    filters: [],
  };
  // section:(a b) is one token, as section:"a b" would be.
  const normalized = normalize(input).replace(SECTION_GROUP,
    (whole, inside) => 'section:"' + inside.replace(/"/g, " ") + '"');
  const count = (character) => normalized.split(character).length - 1;
  if (count('"') % 2) {
    query.warnings.push("unbalanced quote: read as if closed at the end");
  }
  if (count("(") !== count(")")) {
    query.warnings.push("unbalanced parentheses: read as plain words");
  }
  const text = normalized.replace(/[()]/g, " ");
  let negateNext = false;
  let joinNext = false;
  query.tokens = text.match(QUERY_TOKEN) || [];
  const language = queryLanguage(plainWords(query.tokens));
  let kept = 0;
  for (let position = 0; position < query.tokens.length; position++) {
    let token = query.tokens[position];
    if (token === "AND" || token === "&&") continue;
    if (token === "OR" || token === "||") {
      joinNext = query.units.length > 0;
      query.plain = false;
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      query.plain = false;
      continue;
    }
    const negate = negateNext || (token.startsWith("-") && token.length > 1 && token !== "--");
    negateNext = false;
    if (token.startsWith("-") && negate) token = token.slice(1);
    let tooLong = false;
    for (const clause of parseClauses(token, query, negate)) {
      clause.token = position;
      if (clause.kind === "word" && isCommonWord(clause.text, language)) {
        query.ignored.push(clause.text);
        continue;
      }
      if (kept === maxWords) {
        query.warnings.push("query too long: only the first " + maxWords + " words are searched");
        joinNext = false;
        tooLong = true;
        break;
      }
      kept += 1;
      if (negate) query.excluded.push(clause);
      else if (joinNext) query.units[query.units.length - 1].push(clause);
      else query.units.push([clause]);
      joinNext = false;
    }
    if (tooLong) break;
  }
  if (negateNext || joinNext) query.warnings.push("operator without a word after it was ignored");
  if (query.ignored.length && !query.units.length && !query.excluded.length &&
      !query.tags.length && !query.filters.length) {
    query.warnings.push("only common words (" + query.ignored.join(", ") +
      "): nothing to search for");
  }
  return query;
}

/**
 * is_common_word(): a stop word in both languages, or in the language the query
 * reads as; a stop word of the other language only is a real word here.
 */
function isCommonWord(text, language) {
  const frenchStop = !terms(text, "fr").length;
  const englishStop = !terms(text, "en").length;
  return (frenchStop && englishStop) || (language === "fr" ? frenchStop : englishStop);
}

/** query_language(): "en" when more words are English-only stop words, else "fr". */
function queryLanguage(found) {
  let french = 0;
  let english = 0;
  for (const word of found) {
    const frenchStop = !terms(word, "fr").length;
    const englishStop = !terms(word, "en").length;
    if (frenchStop && !englishStop) french += 1;
    if (englishStop && !frenchStop) english += 1;
  }
  return english > french ? "en" : "fr";
}

/** _plain_words(): the plain words among the tokens, as typed. */
function plainWords(queryTokens) {
  const found = [];
  for (let token of queryTokens) {
    if (OPERATORS.has(token)) continue;
    if (token.startsWith("-") && token.length > 1 && token !== "--") token = token.slice(1);
    if (derived().fieldQuery.test(token) || token.startsWith('"') || token.startsWith("[") ||
        token.endsWith("*")) continue;
    token = stripChars(token, "*?~^");
    if (token) found.push(token);
  }
  return found;
}

/**
 * _clauses(): the clauses of one token: none (a filter), one, or for section:(a b)
 * each of its words (and a section filter; -section:(…) is the filter only).
 */
function parseClauses(token, query, negate) {
  const match = derived().fieldQuery.exec(token);
  if (!match || match[1].toLowerCase() !== "section") {
    const clause = parseClause(token, query, negate);
    return clause === null ? [] : [clause];
  }
  query.plain = false;
  const found = stripChars(match[2], '"').split(SPACES)
    .filter((word) => word && stripChars(word, "*?~^"));
  if (!found.some((word) => terms(word, "fr").length || terms(word, "en").length)) {
    query.warnings.push("section: needs words after it (as in section:(musée numérique)): " +
      "ignored");
    return [];
  }
  query.filters.push({ kind: "section", name: "", value: found.join(" "), negated: negate });
  return negate ? [] : found.map((word) => ({ kind: "word", text: stripChars(word, "*?~^"),
    field: null }));
}

/**
 * _clause(): one token as {kind: "word"|"phrase"|"prefix", text, field}, or null;
 * parseQuery adds `token`, the clause's index in `tokens`.
 */
function parseClause(token, query, negate = false) {
  let field = null;
  if (token.startsWith("[")) {
    query.plain = false;
    if (token.endsWith("]")) {
      parseFilter(token, query, negate);
      return null;
    }
    query.warnings.push(token + ": [ without ] is read as words");
    token = stripChars(token, "[", true, false);
  }
  const match = derived().fieldQuery.exec(token);
  if (match) {
    const name = match[1].toLowerCase();
    token = match[2];
    query.plain = false;
    if (["path", "file", "tag", "tags"].includes(name)) {
      let value = stripSpaces(stripChars(token, '"'));
      if (name.startsWith("tag")) value = stripChars(value, "#", true, false);
      if (!filterWords(value).length) {
        query.warnings.push(name + ": needs words after it (as in " + name + ":musée): ignored");
      } else if (name.startsWith("tag") && !negate) {
        query.tags.push(value);
      } else {
        query.filters.push({ kind: name.startsWith("tag") ? "tag" : name, name: "", value,
          negated: negate });
      }
      return null;
    }
    field = "title";
  }
  if (token.startsWith('"')) {
    query.plain = false;
    const phrase = stripSpaces(stripChars(token, '"'));
    return phrase ? { kind: "phrase", text: phrase, field } : null;
  }
  if (token.endsWith("*") && stripChars(token, "*", false, true).length >= 1) {
    query.plain = false;
    return { kind: "prefix", text: stripChars(token, "*", false, true), field };
  }
  token = stripChars(token, "*?~^");
  return token ? { kind: "word", text: token, field } : null;
}

/**
 * filter_words(): the words a filter's value asks for, its analysed terms, or its
 * folded words when it has none.
 */
function filterWords(text) {
  const found = terms(text, "fr");
  return found.length ? found : key(text).split("_").filter((word) => word);
}

/** _filter(): a closed [property] or [property:value] token: its filter, or a warning. */
function parseFilter(token, query, negate) {
  const inside = token.slice(1, -1);
  const colon = inside.indexOf(":");
  let name = colon < 0 ? inside : inside.slice(0, colon);
  let value = colon < 0 ? "" : inside.slice(colon + 1);
  name = stripSpaces(stripChars(stripSpaces(name), '"'));
  value = stripSpaces(stripChars(stripSpaces(value), '"'));
  if (!key(name)) {
    query.warnings.push(token + " names no property (write [auteur] or [auteur:Malraux]): " +
      "ignored");
    return;
  }
  if (value && !filterWords(value).length) {
    query.warnings.push(token + ": the value has no words: ignored");
    return;
  }
  query.filters.push({ kind: "property", name, value, negated: negate });
}
