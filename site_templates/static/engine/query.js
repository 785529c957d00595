// query.js: the query language (museumxtd_search/analysis/query.py).

// query.py's _TOKEN: a [property(:value)], an opening parenthesis (-( excludes the
// group), a closing one, a token holding quoted words, or anything up to a space or a
// parenthesis.
const QUERY_TOKEN = new RegExp('\\[[^\\]]*\\]|-?\\(|\\)|(?:[^' + PY_SPACE + '"()]*"[^"]*"?)+[^' +
  PY_SPACE + '"()]*|[^' + PY_SPACE + "()]+", "gu");
const OPERATORS = new Set(["AND", "&&", "OR", "||", "NOT"]);
const PARENTHESES = new Set(["(", "-(", ")"]);
const SPACES = new RegExp("[" + PY_SPACE + "]+", "u");

/**
 * parse_query(): {units, excluded, tags, filters, choices, excludedGroups, warnings,
 * plain, tokens, ignored}; never throws. Filters are {kind: "path"|"file"|"property"|
 * "tag"|"section", name, value, negated}. A choice is a list of alternatives: a
 * clause, a filter, or a group {group: true, units, choices, excluded, filters,
 * excludedGroups} (query.py's Group, its tags among its filters).
 */
function parseQuery(input) {
  const query = {
    units: [], excluded: [], tags: [], warnings: [], plain: true, tokens: [], ignored: [],
    filters: [], choices: [], excludedGroups: [],
  };
  // section:(a b) is one token, as section:"a b" would be (line:(a b), block:(a b) too).
  const normalized = normalize(input).replace(derived().sectionGroup,
    (whole, inside) => 'section:"' + inside.replace(/"/g, " ") + '"');
  if ((normalized.split('"').length - 1) % 2) {
    query.warnings.push("unbalanced quote: read as if closed at the end");
  }
  query.tokens = normalized.match(QUERY_TOKEN) || [];
  const plain = plainWords(query.tokens);
  const language = queryLanguage(plain);
  const reading = {
    query, at: 0, kept: 0, stopped: false, language,
    asking: asksAQuestion(plain, language),
    warn(message) {
      if (!query.warnings.includes(message)) query.warnings.push(message);
    },
  };
  const level = readLevel(reading, 0);
  query.units = level.units;
  query.choices = level.choices;
  query.excluded = level.excluded;
  query.filters = level.filters;
  query.tags = level.tags;
  query.excludedGroups = level.excludedGroups;
  if (query.ignored.length && !query.units.length && !query.excluded.length &&
      !query.tags.length && !query.filters.length && !query.choices.length &&
      !query.excludedGroups.length) {
    query.warnings.push("only common words (" + query.ignored.join(", ") +
      "): nothing to search for");
  }
  return query;
}

/** _Level: what one level of parentheses holds while it is read. */
function newLevel() {
  return { units: [], choices: [], excluded: [], filters: [], tags: [], excludedGroups: [] };
}

/** _Level.group(): the level as a group, its tags among its filters. */
function levelGroup(level) {
  return {
    group: true, units: level.units, choices: level.choices, excluded: level.excluded,
    filters: level.filters.concat(level.tags.map((tag) =>
      ({ kind: "tag", name: "", value: tag, negated: false }))),
    excludedGroups: level.excludedGroups,
  };
}

/** _Level.positive(): whether it asks notes to have something. */
function levelPositive(level) {
  return Boolean(level.units.length || level.choices.length || level.tags.length ||
    level.filters.some((wanted) => !wanted.negated));
}

function levelEmpty(level) {
  return !(levelPositive(level) || level.excluded.length || level.filters.length ||
    level.excludedGroups.length);
}

/** _read_level(): tokens into a level until its ")" (depth > 0) or the end. */
function readLevel(reading, depth) {
  const query = reading.query;
  const maxWords = rules().max_query_words;
  const maxDepth = rules().max_group_depth;
  const level = newLevel();
  let negateNext = false;
  let joinNext = false;
  let last = null; // ["unit", list], ["choice", list], ["filter", f], ["tag", v], ["group", …]
  let skipped = 0;
  let closed = depth === 0;
  while (reading.at < query.tokens.length && !reading.stopped) {
    const position = reading.at;
    let token = query.tokens[position];
    reading.at += 1;
    if (token === ")") {
      if (skipped) skipped -= 1;
      else if (depth) {
        closed = true;
        break;
      } else reading.warn("unbalanced parentheses: a ) without ( was ignored");
      continue;
    }
    if (token === "AND" || token === "&&") continue;
    if (token === "OR" || token === "||") {
      joinNext = last !== null;
      query.plain = false;
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      query.plain = false;
      continue;
    }
    if (token === "(" || token === "-(") {
      query.plain = false;
      const negateGroup = negateNext || token === "-(";
      negateNext = false;
      if (depth + 1 > maxDepth) {
        reading.warn("parentheses nested deeper than " + maxDepth +
          ": the inner ones are read as spaces");
        skipped += 1;
        continue;
      }
      const inner = readLevel(reading, depth + 1);
      if (levelEmpty(inner)) {
        reading.warn("empty parentheses () were ignored");
        continue;
      }
      if ((negateGroup || joinNext) && !levelPositive(inner)) {
        reading.warn("a group with only excluded words cannot be joined by OR or " +
          "excluded: ignored");
        joinNext = false;
        continue;
      }
      if (negateGroup) {
        level.excludedGroups.push(levelGroup(inner));
        joinNext = false;
      } else if (joinNext) {
        last = joinLast(level, last, groupAlternatives(inner));
        joinNext = false;
      } else {
        const starts = mergeLevel(level, inner);
        if (levelPositive(inner)) last = ["group", inner, starts];
      }
      continue;
    }
    const negate = negateNext || (token.startsWith("-") && token.length > 1 && token !== "--");
    negateNext = false;
    if (token.startsWith("-") && negate) token = token.slice(1);
    const filterCount = level.filters.length;
    const tagCount = level.tags.length;
    for (const clause of parseClauses(token, query, negate, level)) {
      clause.token = position;
      if (clause.kind === "word" && (isCommonWord(clause.text, reading.language) ||
          (reading.asking && !negate && isQuestionWord(clause.text)))) {
        query.ignored.push(clause.text);
        continue;
      }
      if (reading.kept === maxWords) {
        query.warnings.push("query too long: only the first " + maxWords + " words are searched");
        joinNext = false;
        reading.stopped = true;
        break;
      }
      reading.kept += 1;
      if (negate) level.excluded.push(clause);
      else if (joinNext) last = joinLast(level, last, [clause]);
      else {
        level.units.push([clause]);
        last = ["unit", level.units[level.units.length - 1]];
      }
      joinNext = false;
    }
    if (negate || reading.stopped) continue;
    if (level.tags.length > tagCount) {
      if (joinNext) {
        last = joinLast(level, last,
          [{ kind: "tag", name: "", value: level.tags.pop(), negated: false }]);
        joinNext = false;
      } else last = ["tag", level.tags[level.tags.length - 1]];
    } else if (level.filters.length > filterCount &&
        level.filters[level.filters.length - 1].kind !== "section") {
      if (joinNext) {
        last = joinLast(level, last, [level.filters.pop()]);
        joinNext = false;
      } else last = ["filter", level.filters[level.filters.length - 1]];
    }
  }
  if ((skipped || !closed) && !reading.stopped) {
    reading.warn("unbalanced parentheses: a ( without ) closes at the end of the query");
  }
  if (negateNext || joinNext) reading.warn("operator without a word after it was ignored");
  return level;
}

const isClause = (part) => part.group === undefined && part.negated === undefined;

/** _group_alternatives(): a group as the alternatives of an OR. */
function groupAlternatives(inner) {
  const others = (names) => names.every((name) => !inner[name].length);
  if (inner.units.length === 1 &&
      others(["choices", "excluded", "filters", "tags", "excludedGroups"])) {
    return inner.units[0].slice();
  }
  if (inner.choices.length === 1 &&
      others(["units", "excluded", "filters", "tags", "excludedGroups"])) {
    return inner.choices[0].slice();
  }
  if (inner.tags.length + inner.filters.length === 1 &&
      others(["units", "choices", "excluded", "excludedGroups"]) &&
      !(inner.filters.length && inner.filters[0].negated)) {
    return levelGroup(inner).filters.slice();
  }
  return [levelGroup(inner)];
}

const LEVEL_LISTS = ["units", "choices", "excluded", "filters", "tags", "excludedGroups"];

/** _merge(): a group neither joined nor negated, added as if without parentheses. */
function mergeLevel(level, inner) {
  const starts = LEVEL_LISTS.map((name) => level[name].length);
  for (const name of LEVEL_LISTS) level[name].push(...inner[name]);
  return starts;
}

/** _unmerge(): a merged group's parts taken back out. */
function unmergeLevel(level, inner, starts) {
  LEVEL_LISTS.forEach((name, number) => level[name].splice(starts[number], inner[name].length));
}

/** _join(): `last OR joined`; returns the new `last`. */
function joinLast(level, last, joined) {
  const [kind, item] = last;
  if ((kind === "unit" && joined.every(isClause)) || kind === "choice") {
    item.push(...joined);
    return last;
  }
  let alternatives;
  if (kind === "unit") {
    removeItem(level.units, item);
    alternatives = item.slice();
  } else if (kind === "filter") {
    removeItem(level.filters, item);
    alternatives = [item];
  } else if (kind === "tag") {
    level.tags.splice(level.tags.lastIndexOf(item), 1);
    alternatives = [{ kind: "tag", name: "", value: item, negated: false }];
  } else {
    unmergeLevel(level, item, last[2]);
    alternatives = groupAlternatives(item);
  }
  const choice = alternatives.concat(joined);
  if (choice.every(isClause)) {
    level.units.push(choice);
    return ["unit", choice];
  }
  level.choices.push(choice);
  return ["choice", choice];
}

/** _remove(): remove `item` itself (not an equal one). */
function removeItem(items, item) {
  const at = items.lastIndexOf(item);
  if (at >= 0) items.splice(at, 1);
}

/** group_clauses(): the words a group scores with, in the order written. */
function groupClauses(group) {
  const found = group.units.flat();
  for (const choice of group.choices) found.push(...choiceClauses(choice));
  return found;
}

/** choice_clauses(): the words a choice scores with: its words, its groups' words. */
function choiceClauses(choice) {
  const found = [];
  for (const alternative of choice) {
    if (isClause(alternative)) found.push(alternative);
    else if (alternative.group) found.push(...groupClauses(alternative));
  }
  return found;
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

/** is_question_word(): a French question word of the rules (comment, pourquoi...). */
function isQuestionWord(text) {
  return derived().questionWords.has(fold(text.toLowerCase()));
}

/** asks_a_question(): a French query with words to search besides its question words. */
function asksAQuestion(found, language) {
  return language === "fr" &&
    found.some((word) => !isCommonWord(word, language) && !isQuestionWord(word));
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
    if (OPERATORS.has(token) || PARENTHESES.has(token)) continue;
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
function parseClauses(token, query, negate, level) {
  const match = derived().fieldQuery.exec(token);
  if (!match || !rules().section_like.includes(match[1].toLowerCase())) {
    const clause = parseClause(token, query, negate, level);
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
  level.filters.push({ kind: "section", name: "", value: found.join(" "), negated: negate });
  return negate ? [] : found.map((word) => ({ kind: "word", text: stripChars(word, "*?~^"),
    field: null }));
}

/**
 * _clause(): one token as {kind: "word"|"phrase"|"prefix", text, field}, or null;
 * parseQuery adds `token`, the clause's index in `tokens`.
 */
function parseClause(token, query, negate, level) {
  let field = null;
  if (token.startsWith("[")) {
    query.plain = false;
    if (token.endsWith("]")) {
      parseFilter(token, query, negate, level);
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
        level.tags.push(value);
      } else {
        level.filters.push({ kind: name.startsWith("tag") ? "tag" : name, name: "", value,
          negated: negate });
      }
      return null;
    }
    if (rules().read_as_words.includes(name)) {
      const message = name + ": not supported here: its words are searched in the whole note";
      if (!query.warnings.includes(message)) query.warnings.push(message);
      field = null;
    } else {
      field = name === "content" ? "content" : "title";
    }
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
function parseFilter(token, query, negate, level) {
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
  level.filters.push({ kind: "property", name, value, negated: negate });
}
