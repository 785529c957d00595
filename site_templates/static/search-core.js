/*
 * search-core.js: the search engine of the exported site, in dependency-free
 * JavaScript. It answers a query from the client index (docs/client-index.md)
 * EXACTLY like the CLI answers it from the Whoosh index, so every part below mirrors
 * one Python function, named in its comment:
 *
 *   normalize, fold            museumxtd_search/analysis/folding.py
 *   tokens, terms, key         museumxtd_search/analysis/pipeline.py
 *   parseQuery                 museumxtd_search/analysis/query.py
 *   editDistance, bestCorrection, prefixExpansions
 *                              museumxtd_search/analysis/typos.py
 *   makeSnippet                museumxtd_search/analysis/snippets.py
 *   createEngine().search      museumxtd_search/index/search.py (GardenSearcher)
 *
 * tests/test_client_parity.py runs this file under Node over every word of the
 * gardens and a list of queries, and compares it with the Python side: change
 * both sides together.
 *
 * Python strings are sequences of code points, JavaScript strings of UTF-16 units.
 * Every offset this file returns (token offsets, snippet highlights) counts code
 * points, like Python; `highlightParts` cuts a snippet at those offsets for display.
 *
 * Usage: load snowball.js, then this file, as classic <script>s (global MXSearch);
 * under Node, require() returns the same object.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module && module.exports) {
    module.exports = factory(require("./snowball.js"));
  } else {
    root.MXSearch = factory(root.MXSnowball);
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (MXSnowball) {
  "use strict";

  // ---------------------------------------------------------------------------
  // Python string semantics
  // ---------------------------------------------------------------------------

  // str.isspace(): category Zs, or bidirectional class WS, B or S. Unlike JS \s it
  // includes U+001C-U+001F and U+0085, and excludes U+FEFF.
  const PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
    "\\u202f\\u205f\\u3000";
  const SPACE_CHAR = new RegExp("^[" + PY_SPACE + "]$");
  const OUTER_SPACES = new RegExp("^[" + PY_SPACE + "]+|[" + PY_SPACE + "]+$", "g");
  const SURROGATE = /[\uD800-\uDFFF]/;
  const ASCII = /^[\x00-\x7f]*$/;
  const hasOwn = Object.prototype.hasOwnProperty;

  /** `obj[name]` only when it is the object's own property (terms may be "constructor"). */
  function own(obj, name) {
    return obj && hasOwn.call(obj, name) ? obj[name] : undefined;
  }

  function isSpace(ch) {
    return SPACE_CHAR.test(ch);
  }

  /** len(s) in Python: the number of code points. */
  function codePointLength(s) {
    return SURROGATE.test(s) ? Array.from(s).length : s.length;
  }

  /** The string itself when it is all BMP (indexable by code point), else its code points. */
  function codePoints(s) {
    return SURROGATE.test(s) ? Array.from(s) : s;
  }

  /** Python's str comparison (code point order), as -1, 0 or 1. */
  function compareCodePoints(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      let x = a.charCodeAt(i);
      let y = b.charCodeAt(i);
      if (x !== y) {
        // UTF-16 order differs from code point order only between surrogates and
        // U+E000-U+FFFF: move the surrogates above.
        if (x >= 0xd800 && y >= 0xd800) {
          x += x >= 0xe000 ? -0x800 : 0x2000;
          y += y >= 0xe000 ? -0x800 : 0x2000;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  /** str.strip(chars) / lstrip / rstrip for a set of BMP characters. */
  function stripChars(s, chars, left = true, right = true) {
    let start = 0;
    let end = s.length;
    while (left && start < end && chars.includes(s[start])) start += 1;
    while (right && end > start && chars.includes(s[end - 1])) end -= 1;
    return s.slice(start, end);
  }

  /** str.strip() without arguments. */
  function stripSpaces(s) {
    return s.replace(OUTER_SPACES, "");
  }

  // ---------------------------------------------------------------------------
  // folding.py
  // ---------------------------------------------------------------------------

  const SPECIAL_LETTERS = {
    "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
  };
  const SPECIAL_LETTER = /[œŒæÆßøØłŁđĐı]/g;
  // APOSTROPHES[1:]: typographic apostrophes that become "'".
  const TYPOGRAPHIC_APOSTROPHE = /[’‘ʼ`´]/g;

  /** normalize(): NFKC, then every typographic apostrophe to "'". */
  function normalize(text) {
    return String(text).normalize("NFKC").replace(TYPOGRAPHIC_APOSTROPHE, "'");
  }

  const combiningCache = new Map();

  /**
   * unicodedata.combining(ch) != 0, without a Unicode table: canonical reordering
   * moves a mark of class 1..239 in front of U+0345 (class 240, the highest), so the
   * NFD of "\u0345" + ch differs exactly when ch has a non-zero class (ch is already
   * decomposed, being a character of an NFKD result).
   */
  function isCombining(ch) {
    if (ch.charCodeAt(0) < 0x300) return false;
    let result = combiningCache.get(ch);
    if (result === undefined) {
      result = ch === "\u0345" || ("\u0345" + ch).normalize("NFD") !== "\u0345" + ch;
      combiningCache.set(ch, result);
    }
    return result;
  }

  const foldCache = new Map();

  /** fold(): strip accents and ligatures, "Œuvres Évaluées" -> "Oeuvres Evaluees". */
  function fold(word) {
    if (ASCII.test(word)) return word;
    let folded = foldCache.get(word);
    if (folded === undefined) {
      const decomposed = word.replace(SPECIAL_LETTER, (c) => SPECIAL_LETTERS[c]).normalize("NFKD");
      folded = "";
      for (const ch of decomposed) if (!isCombining(ch)) folded += ch;
      if (foldCache.size > 200000) foldCache.clear();
      foldCache.set(word, folded);
    }
    return folded;
  }

  // ---------------------------------------------------------------------------
  // pipeline.py
  // ---------------------------------------------------------------------------

  // Python's [^\W_] is a letter or a number (str.isalnum), marks excluded.
  const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  const PLAIN_WORD = /[\p{L}\p{N}]+/gu;
  // str.isdigit() of one character: decimal digits plus the other Numeric_Type=Digit
  // characters (superscripts, circled digits...), listed from Python's unicodedata.
  const DIGIT = new RegExp(
    "^(?:\\p{Nd}|[\\xb2\\xb3\\xb9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079" +
      "\\u2080-\\u2089\\u2460-\\u2468\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd" +
      "\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792\\u{10a40}-\\u{10a43}" +
      "\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}])$",
    "u",
  );

  // The stop words and elisions come from the manifest ("analysis"): one definition,
  // in stopwords.py. Each constants object is turned into sets once.
  const analysisSets = new WeakMap();

  function analysisOf(constants) {
    if (!constants || !constants.stop_words) {
      throw new Error("MXSearch: pass the manifest's analysis constants");
    }
    let sets = analysisSets.get(constants);
    if (!sets) {
      sets = {
        stopWords: { fr: new Set(constants.stop_words.fr), en: new Set(constants.stop_words.en) },
        elisions: new Set(constants.elisions),
      };
      analysisSets.set(constants, sets);
    }
    return sets;
  }

  const stemCache = new Map();

  /** _stem(): Snowball French or English, as snowballstemmer does. */
  function stem(word, language) {
    const cacheKey = language + ":" + word;
    let result = stemCache.get(cacheKey);
    if (result === undefined) {
      result = language === "en" ? MXSnowball.english(word) : MXSnowball.french(word);
      if (stemCache.size > 400000) stemCache.clear();
      stemCache.set(cacheKey, result);
    }
    return result;
  }

  const initialCache = new Map();

  /** _initial(): the first letter of what `char` folds to, lowercase ("" if none). */
  function initialOf(char) {
    let initial = initialCache.get(char);
    if (initial === undefined) {
      const folded = fold(char.toLowerCase());
      initial = folded ? String.fromCodePoint(folded.codePointAt(0)) : "";
      if (initialCache.size > 4096) initialCache.clear();
      initialCache.set(char, initial);
    }
    return initial;
  }

  /**
   * _may_start_with(): whether a part of `word` (split at apostrophes) may give a term
   * whose first letter is in `initials`; a part starting with what folds to nothing may.
   */
  function mayStartWith(word, initials) {
    const firstOf = (piece) => {
      if (!piece) return "";
      const code = piece.charCodeAt(0);
      if (code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : piece[0];
      return initialOf(String.fromCodePoint(piece.codePointAt(0)));
    };
    const initial = firstOf(word);
    if (!initial || initials.has(initial)) return true;
    if (!word.includes("'")) return false;
    return word.split("'").slice(1).some((piece) => {
      const next = firstOf(piece);
      return !next || initials.has(next);
    });
  }

  /**
   * _words(): (lowercase word, start, end) with elisions split off. `text` is
   * normalised; offsets are code points, like Python's.
   */
  function words(text, elisions, initials) {
    const result = [];
    const astral = SURROGATE.test(text);
    // Matches come in order, so UTF-16 indexes convert to code points in one pass.
    let unit = 0;
    let point = 0;
    const toPoint = (index) => {
      if (!astral) return index;
      while (unit < index) {
        const c = text.charCodeAt(unit);
        unit += c >= 0xd800 && c <= 0xdbff && unit + 1 < text.length ? 2 : 1;
        point += 1;
      }
      return point;
    };
    WORD.lastIndex = 0;
    let match;
    while ((match = WORD.exec(text)) !== null) {
      if (initials && !mayStartWith(match[0], initials)) continue;
      const word = match[0].toLowerCase();
      const start = toPoint(match.index);
      const end = toPoint(match.index + match[0].length);
      if (!word.includes("'")) {
        result.push([word, start, end]);
        continue;
      }
      const parts = word.split("'");
      let offset = start;
      parts.forEach((part, index) => {
        const length = codePointLength(part);
        if (!(index === 0 && parts.length > 1 && elisions.has(fold(part)))) {
          result.push([part, offset, offset + length]);
        }
        offset += length + 1;
      });
    }
    return result;
  }

  /**
   * tokens() on text that is already normalised (what Python's tokens() receives).
   * With `initials` (first letters of the terms wanted), as Python's: words none of
   * whose parts can give a term starting with one of them are skipped unanalysed
   * (stemming keeps a word's first folded letter, so the tokens of the terms wanted
   * are the same).
   */
  function analyse(text, language, constants, initials) {
    const sets = analysisOf(constants);
    const stopWords = language === "en" ? sets.stopWords.en : sets.stopWords.fr;
    const result = [];
    for (const [word, start, end] of words(text, sets.elisions, initials)) {
      const folded = fold(word);
      if (codePointLength(folded) < 2 && !DIGIT.test(folded)) continue;
      if (stopWords.has(folded)) continue;
      result.push({ term: stem(folded, language), surface: word, start, end });
    }
    return result;
  }

  /**
   * tokens(normalize(text), language, initials): [{term, surface, start, end}], code
   * point offsets; `initials`, a Set of first letters, as in analyse().
   */
  function tokens(text, language, constants, initials) {
    return analyse(normalize(text), language === "en" ? "en" : "fr", constants, initials);
  }

  /** terms(): the stemmed terms of `text`, in order. */
  function terms(text, language, constants) {
    return tokens(text, language, constants).map((token) => token.term);
  }

  /** key(): folded words joined by "_", nothing dropped (exact title keys, tag keys). */
  function key(text) {
    const normalized = normalize(text);
    const parts = [];
    PLAIN_WORD.lastIndex = 0;
    let match;
    while ((match = PLAIN_WORD.exec(normalized)) !== null) parts.push(fold(match[0].toLowerCase()));
    return parts.join("_");
  }

  // ---------------------------------------------------------------------------
  // query.py
  // ---------------------------------------------------------------------------

  const QUERY_TOKEN = new RegExp('"[^"]*"?|[^' + PY_SPACE + "]+", "gu");
  const FIELD_PREFIX = /^(title|titre|tag|tags)\s*:(.*)$/i;

  /**
   * parse_query(): {units, excluded, tags, warnings, plain, tokens, ignored}; never
   * throws. `constants` are the manifest's analysis constants (for is_common_word).
   */
  const MAX_QUERY_WORDS = 32; // query.py MAX_QUERY_WORDS
  const MAX_CORRECTIONS = 5; // typos.py MAX_CORRECTIONS

  function parseQuery(input, constants) {
    const query = {
      units: [], excluded: [], tags: [], warnings: [], plain: true, tokens: [], ignored: [],
    };
    const normalized = normalize(input);
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
      const clause = parseClause(token, query);
      if (clause === null) continue;
      clause.token = position;
      if (clause.kind === "word" && isCommonWord(clause.text, constants)) {
        query.ignored.push(clause.text);
        continue;
      }
      if (kept === MAX_QUERY_WORDS) { // query.MAX_QUERY_WORDS
        query.warnings.push("query too long: only the first " + MAX_QUERY_WORDS +
          " words are searched");
        joinNext = false;
        break;
      }
      kept += 1;
      if (negate) query.excluded.push(clause);
      else if (joinNext) query.units[query.units.length - 1].push(clause);
      else query.units.push([clause]);
      joinNext = false;
    }
    if (negateNext || joinNext) query.warnings.push("operator without a word after it was ignored");
    if (query.ignored.length && !query.units.length && !query.excluded.length &&
        !query.tags.length) {
      query.warnings.push("only common words (" + query.ignored.join(", ") +
        "): nothing to search for");
    }
    return query;
  }

  /** is_common_word(): a stop word in French or in English, ignored in queries. */
  function isCommonWord(text, constants) {
    return !terms(text, "fr", constants).length || !terms(text, "en", constants).length;
  }

  /**
   * _clause(): one token as {kind: "word"|"phrase"|"prefix", text, field}, or null;
   * parseQuery adds `token`, the clause's index in `tokens`.
   */
  function parseClause(token, query) {
    let field = null;
    const match = FIELD_PREFIX.exec(token);
    if (match) {
      const name = match[1].toLowerCase();
      token = match[2];
      query.plain = false;
      if (name.startsWith("tag")) {
        const tag = stripChars(stripSpaces(stripChars(token, '"')), "#", true, false);
        if (tag) query.tags.push(tag);
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

  // ---------------------------------------------------------------------------
  // typos.py
  // ---------------------------------------------------------------------------

  const PREFIX_EXPANSIONS = 30;

  /** allowed_edits(): 0 under 4 letters, 1 up to 7, else 2. */
  function allowedEdits(word) {
    const length = codePointLength(word);
    if (length < 4) return 0;
    return length <= 7 ? 1 : 2;
  }

  /** edit_distance(): optimal string alignment, or limit + 1 once it exceeds limit. */
  function editDistance(first, second, limit) {
    const a = codePoints(first);
    const b = codePoints(second);
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let previousPrevious = [];
    let previous = [];
    for (let j = 0; j <= b.length; j++) previous.push(j);
    for (let i = 1; i <= a.length; i++) {
      const current = new Array(b.length + 1).fill(0);
      current[0] = i;
      let rowMin = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previousPrevious[j - 2] + 1);
        }
        current[j] = value;
        rowMin = Math.min(rowMin, value);
      }
      if (rowMin > limit) return limit + 1;
      previousPrevious = previous;
      previous = current;
    }
    return previous[b.length];
  }

  /**
   * best_correction(): the closest vocabulary word (smallest distance, then most
   * notes, then code point order), or null. `vocabulary` yields [folded word, notes].
   */
  function bestCorrection(word, vocabulary) {
    const limit = allowedEdits(word);
    if (limit === 0) return null;
    const length = codePointLength(word);
    let best = null;
    for (const [candidate, frequency] of vocabulary) {
      if (candidate === word || Math.abs(codePointLength(candidate) - length) > limit) continue;
      const distance = editDistance(word, candidate, limit);
      if (distance > limit) continue;
      if (best === null || distance < best[0] ||
          (distance === best[0] && (frequency > best[1] ||
            (frequency === best[1] && compareCodePoints(candidate, best[2]) < 0)))) {
        best = [distance, frequency, candidate];
      }
    }
    return best ? best[2] : null;
  }

  /** prefix_expansions(): up to 30 words starting with `prefix`, most notes first, then A-Z. */
  function prefixExpansions(prefix, vocabulary, limit = PREFIX_EXPANSIONS) {
    const matches = [];
    for (const [word, frequency] of vocabulary) {
      if (word.startsWith(prefix)) matches.push([frequency, word]);
    }
    matches.sort((x, y) => (y[0] - x[0]) || compareCodePoints(x[1], y[1]));
    return matches.slice(0, limit).map((item) => item[1]);
  }

  // ---------------------------------------------------------------------------
  // snippets.py
  // ---------------------------------------------------------------------------

  /** _cut(): widen [start, end) to word boundaries (`chars` indexable by code point). */
  function cut(chars, start, end) {
    while (start > 0 && !isSpace(chars[start - 1])) start -= 1;
    while (end < chars.length && !isSpace(chars[end])) end += 1;
    return [start, end];
  }

  function slice(chars, start, end) {
    return typeof chars === "string" ? chars.slice(start, end) : chars.slice(start, end).join("");
  }

  /** _ellipsis(): the passage on one line, with "…" where text was cut off. */
  function ellipsis(chars, start, end) {
    const body = slice(chars, start, end).replace(/\n/g, " ");
    return (start > 0 ? "…" : "") + body + (end < chars.length ? "…" : "");
  }

  /**
   * make_snippet(): the passage of `text` that best shows `queryTerms` (a Set of
   * stemmed terms). Returns {text, highlights: [[start, end], ...] in code points
   * of the snippet, section, anchor}. `sections` are [heading, anchor, start].
   */
  function makeSnippet(text, sections, queryTerms, language = "fr", width = 220, constants) {
    text = normalize(text);
    const chars = codePoints(text);
    const wanted = queryTerms instanceof Set ? queryTerms : new Set(queryTerms || []);
    const initials = new Set([...wanted].filter((t) => t)
      .map((t) => String.fromCodePoint(t.codePointAt(0))));
    const matches = wanted.size
      ? analyse(text, language === "en" ? "en" : "fr", constants, initials)
        .filter((t) => wanted.has(t.term))
      : [];
    if (!matches.length) {
      const [, end] = cut(chars, 0, Math.min(chars.length, width));
      return { text: ellipsis(chars, 0, end), highlights: [], section: "", anchor: "" };
    }
    const starts = sections && sections.length ? sections.map((s) => s[2]) : [0];
    const sectionOf = (offset) => {
      let index = 0;
      starts.forEach((start, number) => {
        if (start <= offset) index = number;
      });
      return index;
    };
    const bySection = new Map();
    for (const match of matches) {
      const number = sectionOf(match.start);
      if (!bySection.has(number)) bySection.set(number, []);
      bySection.get(number).push(match);
    }
    // The section with the most distinct terms, then the most matches, then the first.
    let best = null;
    let bestRank = null;
    for (const [number, found] of bySection) {
      const rank = [-new Set(found.map((m) => m.term)).size, -found.length, number];
      if (bestRank === null || rank[0] < bestRank[0] ||
          (rank[0] === bestRank[0] && (rank[1] < bestRank[1] ||
            (rank[1] === bestRank[1] && rank[2] < bestRank[2])))) {
        best = number;
        bestRank = rank;
      }
    }
    const chosen = bySection.get(best);
    const sectionEnd = best + 1 < starts.length ? starts[best + 1] : chars.length;
    // Densest window: the match that begins the most distinct terms within `width`.
    let windowStart = null;
    let windowRank = null;
    for (const first of chosen) {
      const distinct = new Set(
        chosen.filter((m) => first.start <= m.start && m.end - first.start <= width)
          .map((m) => m.term),
      ).size;
      if (windowRank === null || distinct > windowRank[0] ||
          (distinct === windowRank[0] && first.start < windowRank[1])) {
        windowStart = first.start;
        windowRank = [distinct, first.start];
      }
    }
    const lead = windowStart > starts[best] ? Math.min(40, windowStart - starts[best]) : 0;
    let start = Math.max(starts[best], windowStart - lead);
    let end = Math.min(sectionEnd, start + width);
    [start, end] = cut(chars, start, end);
    const snippet = ellipsis(chars, start, end);
    const offset = start - (start > 0 ? 1 : 0);
    const highlights = matches
      .filter((m) => m.start >= start && m.end <= end)
      .map((m) => [m.start - offset, m.end - offset]);
    const [section, anchor] = sections && sections.length
      ? [sections[best][0], sections[best][1]]
      : ["", ""];
    return { text: snippet, highlights, section, anchor };
  }

  /**
   * For display: cut `snippet` at `highlights` (code point offsets) into
   * [{text, highlighted}] parts, so a page can wrap the matches in <mark>.
   */
  function highlightParts(snippet, highlights) {
    const chars = Array.from(snippet);
    const parts = [];
    let position = 0;
    const add = (start, end, highlighted) => {
      if (end > start) parts.push({ text: chars.slice(start, end).join(""), highlighted });
    };
    for (const [start, end] of highlights || []) {
      if (start < position) continue;
      add(position, start, false);
      add(start, end, true);
      position = end;
    }
    add(position, chars.length, false);
    return parts;
  }

  // ---------------------------------------------------------------------------
  // client_index.py: where a term lives
  // ---------------------------------------------------------------------------

  const ASCII_LETTER_OR_DIGIT = /^[A-Za-z0-9]$/;

  /** The first `count` code points of `text`: Python's text[:count]. */
  function firstPoints(text, count) {
    if (!SURROGATE.test(text)) return text.slice(0, count);
    return Array.from(text).slice(0, count).join("");
  }

  /**
   * shard_key(term, depth): the words shard of a folded word, title key or tag key:
   * its first `depth` folded letters or digits, each other character (and a missing
   * one) written "_".
   */
  function shardKey(term, depth = 1) {
    const folded = Array.from(fold(firstPoints(term, depth)).toLowerCase()).slice(0, depth);
    let result = "";
    for (let i = 0; i < depth; i++) {
      result += i < folded.length && ASCII_LETTER_OR_DIGIT.test(folded[i]) ? folded[i] : "_";
    }
    return result;
  }

  /**
   * term_bucket(term, buckets): the posting bucket of a term or exact word, FNV-1a
   * 32-bit of its UTF-8 bytes modulo `buckets` (a lone surrogate counts as U+FFFD,
   * as TextEncoder writes it; the index holds none).
   */
  function termBucket(term, buckets) {
    let hash = 0x811c9dc5;
    const mix = (byte) => {
      hash = Math.imul(hash ^ byte, 0x01000193);
    };
    for (let i = 0; i < term.length; i++) {
      let code = term.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < term.length ? term.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i += 1;
        } else {
          code = 0xfffd;
        }
      }
      if (code < 0x80) {
        mix(code);
      } else if (code < 0x800) {
        mix(0xc0 | (code >> 6));
        mix(0x80 | (code & 0x3f));
      } else if (code < 0x10000) {
        mix(0xe0 | (code >> 12));
        mix(0x80 | ((code >> 6) & 0x3f));
        mix(0x80 | (code & 0x3f));
      } else {
        mix(0xf0 | (code >> 18));
        mix(0x80 | ((code >> 12) & 0x3f));
        mix(0x80 | ((code >> 6) & 0x3f));
        mix(0x80 | (code & 0x3f));
      }
    }
    return (hash >>> 0) % buckets;
  }

  // ---------------------------------------------------------------------------
  // The engine (index/search.py)
  // ---------------------------------------------------------------------------

  // TITLE_FIELDS in search.py: where a title: clause looks.
  const TITLE_FIELDS = ["title", "aliases"];

  // FORMAT_VERSION in client_index.py: the files this engine reads.
  const FORMAT = 4;
  const EMPTY_WORDS = { words: {}, spellings: {}, keys: {}, tags: {} };
  const EMPTY_BUCKET = {};

  /**
   * One loaded manifest and the files fetched so far: words shards ("words-<k>")
   * and posting buckets ("post-<n>"). Everything here is synchronous: callers
   * `await index.load(names)` before looking words or terms up.
   */
  class IndexView {
    constructor(manifest, file) {
      if (manifest.format !== FORMAT) {
        throw new Error("MXSearch: client index format " + manifest.format + ", expected " + FORMAT);
      }
      this.manifest = manifest;
      this.file = file;
      this.constants = manifest.analysis;
      this.docCount = manifest.doc_count;
      this.k1 = manifest.bm25.k1;
      this.b = manifest.bm25.b;
      this.averageLengths = new Map(Object.entries(manifest.avg_lengths));
      // The scored fields (their order only changes how float sums round).
      this.fields = Object.keys(manifest.weights);
      this.positional = new Set(manifest.positional);
      this.prefixLimit = manifest.prefix_expansions || PREFIX_EXPANSIONS;
      this.boosts = manifest.boosts || {};
      this.depth = manifest.shard_depth || 1;
      this.bucketCount = manifest.buckets;
      this.wordsFiles = manifest.shards.map((name) => "words-" + name);
      this.available = new Set(this.wordsFiles);
      this.wordsFileOf = new Map();
      this.postingsFileOf = new Map();
      this.loaded = new Map();
      this.pending = new Map();
      this.postingIndexes = new WeakMap();
    }

    /** "words-<k>": the words shard of a folded word, title key or tag key. */
    wordsFile(word) {
      let name = this.wordsFileOf.get(word);
      if (name === undefined) {
        name = "words-" + shardKey(word, this.depth);
        if (this.wordsFileOf.size > 100000) this.wordsFileOf.clear();
        this.wordsFileOf.set(word, name);
      }
      return name;
    }

    /** "post-<n>": the posting bucket of a term or exact word. */
    postingsFile(term) {
      let name = this.postingsFileOf.get(term);
      if (name === undefined) {
        name = "post-" + termBucket(term, this.bucketCount);
        if (this.postingsFileOf.size > 100000) this.postingsFileOf.clear();
        this.postingsFileOf.set(term, name);
      }
      return name;
    }

    /**
     * The words shards holding every folded word that starts with `prefix` (itself
     * folded and lowercase): one shard, or every shard starting with the prefix's
     * letters when the prefix is shorter than a shard name ("" -> every shard).
     */
    prefixFiles(prefix) {
      const letters = Math.min(codePointLength(fold(firstPoints(prefix, this.depth))), this.depth);
      if (letters === this.depth) return [this.wordsFile(prefix)];
      const start = "words-" + shardKey(prefix, this.depth).slice(0, letters);
      return this.wordsFiles.filter((name) => name.startsWith(start));
    }

    /** Fetch the files `names` (words shards that exist, any bucket), once each. */
    load(names) {
      const waits = [];
      for (const name of new Set(names)) {
        if (this.loaded.has(name)) continue;
        if (name.startsWith("words-") && !this.available.has(name)) continue;
        let wait = this.pending.get(name);
        if (!wait) {
          wait = this.file(name).then((data) => {
            this.loaded.set(name, data);
            this.pending.delete(name);
          }, (error) => {
            this.pending.delete(name);
            throw error;
          });
          this.pending.set(name, wait);
        }
        waits.push(wait);
      }
      return Promise.all(waits);
    }

    /** Every word of the garden with its number of notes, in one file (typo fixes). */
    loadAllWords() {
      return this.load(["vocabulary"]);
    }

    /** The loaded words shard of `word` (empty when absent or not loaded). */
    wordsShard(word) {
      return this.loaded.get(this.wordsFile(word)) || EMPTY_WORDS;
    }

    /** Notes with the exact title key `titleKey` (its words shard loaded). */
    keyNotes(titleKey) {
      return own(this.wordsShard(titleKey).keys, titleKey) || [];
    }

    /** Notes with the tag key `tagKey` (its words shard loaded). */
    tagNotes(tagKey) {
      return own(this.wordsShard(tagKey).tags, tagKey) || [];
    }

    /** The note's search_boost (1 unless the manifest lists it). */
    boost(doc) {
      return own(this.boosts, String(doc)) || 1.0;
    }

    /** Notes containing the folded word (the "words" field's doc frequency). */
    wordNotes(word) {
      return own(this.wordsShard(word).words, word) || 0;
    }

    /**
     * [[folded word, notes], ...] of the given words shards, or of the whole garden
     * when omitted (loadAllWords() first).
     */
    vocabulary(names) {
      if (names === undefined) {
        return Object.entries((this.loaded.get("vocabulary") || EMPTY_WORDS).words);
      }
      const result = [];
      for (const name of names) {
        const vocabulary = (this.loaded.get(name) || EMPTY_WORDS).words;
        for (const word in vocabulary) {
          if (hasOwn.call(vocabulary, word)) result.push([word, vocabulary[word]]);
        }
      }
      return result;
    }

    /**
     * display_forms.get(folded): the garden spelling of a folded word (its most
     * frequent accented spelling), or undefined. Load wordsFile(folded) first.
     */
    displayForm(folded) {
      return own(this.wordsShard(folded).spellings, folded);
    }

    /**
     * [[doc, tf, length, positions...], ...] of `term` in `field` ("exact" for an
     * exact word), or undefined. Load postingsFile(term) first.
     */
    postings(field, term) {
      return own(own(this.loaded.get(this.postingsFile(term)) || EMPTY_BUCKET, field), term);
    }

    /** doc -> posting, built once per posting list (for phrases). */
    postingIndex(list) {
      let index = this.postingIndexes.get(list);
      if (!index) {
        index = new Map(list.map((posting) => [posting[0], posting]));
        this.postingIndexes.set(list, index);
      }
      return index;
    }

    /** Whoosh BM25F for one posting: idf * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)). */
    bm25(field, idf, posting) {
      const tf = posting[1];
      const length = posting[2];
      const average = this.averageLengths.get(field) || 1;
      const k1 = this.k1;
      const b = this.b;
      return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average)));
    }

    /** Whoosh's idf: ln(N / (df + 1)) + 1. */
    idf(list) {
      return Math.log(this.docCount / (list.length + 1)) + 1;
    }
  }

  /** _unique(): order-keeping deduplication. */
  function unique(items) {
    return Array.from(new Set(items));
  }

  /**
   * createEngine(load): `load(name)` returns (a Promise of) the parsed data file
   * "manifest", "words-<k>", "post-<n>" or "fragments/<doc>"; each file is fetched once.
   *
   *   engine.search(text, {limit: 10, tags: []}) -> Promise of {query, total,
   *     suggestion, warnings, results: [{doc, path, url, title, tags, score,
   *     snippet, highlights, section, anchor}]}, as `museumxtd-search query --json`
   *     (scores unrounded). Fragments are fetched for the results returned only.
   *   engine.manifest() -> Promise of the manifest (tag list, analysis constants).
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

    function manifest() {
      return file("manifest");
    }

    async function indexView() {
      const data = await manifest();
      if (!view || view.manifest !== data) view = new IndexView(data, file);
      return view;
    }

    /** GardenSearcher.known(): every word of the clause is somewhere in the garden. */
    function clauseWords(index, clause) {
      return analyse(normalize(clause.text), "fr", index.constants).map((t) => fold(t.surface));
    }

    /**
     * GardenSearcher._repair(): unknown last word -> prefix, other unknown words ->
     * typo fix; when anything was rewritten, the other words in their garden spelling.
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
          if (prefixExpansions(folded, index.vocabulary(names), index.prefixLimit).length) {
            replacements.set(clause.token, [clause.text, clause.text + "*"]);
            continue;
          }
        }
        if (allowedEdits(folded) === 0 || corrections === MAX_CORRECTIONS) continue;
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
      const constants = index.constants;
      if (clause.kind === "prefix") {
        const folded = fold(normalize(clause.text).toLowerCase());
        const found = prefixExpansions(folded, index.vocabulary(prefixFiles(index, clause)),
          index.prefixLimit);
        return {
          french: unique(found.flatMap((w) => terms(w, "fr", constants))).map((t) => [t]),
          english: unique(found.flatMap((w) => terms(w, "en", constants))).map((t) => [t]),
          exact: [],
          field: clause.field,
          phrase: false,
        };
      }
      const french = terms(clause.text, "fr", constants);
      const english = terms(clause.text, "en", constants);
      return {
        french: french.length ? [french] : [],
        english: english.length ? [english] : [],
        exact: tokens(clause.text, "fr", constants).map((t) => t.surface),
        field: clause.field,
        phrase: clause.kind === "phrase" || french.length > 1,
      };
    }

    /**
     * clause_query(): the leaves of the clause's Or, each {field, words, slop,
     * weight}: one word is a Term query, several a Phrase (positional fields only).
     */
    function clauseLeaves(index, analysed) {
      const manifestData = index.manifest;
      const fields = analysed.field === "title" ? TITLE_FIELDS : index.fields;
      const leaves = [];
      for (const name of fields) {
        const weight = manifestData.weights[name];
        const english = manifestData.field_language[name] === "en";
        for (const group of english ? analysed.english : analysed.french) {
          // One word is a Term; several a Phrase, which only positional fields can answer.
          if (group.length === 1 || index.positional.has(name)) {
            leaves.push({ field: name, words: group, slop: 1, weight });
          }
        }
      }
      if (analysed.field === null && !analysed.phrase) {
        for (const word of analysed.exact) {
          const weight = manifestData.exact_weight;
          leaves.push({ field: "exact", words: [word], slop: 1, weight });
        }
      }
      return leaves;
    }

    /** proximity_query(): single words of the query close together, in order. */
    function proximityLeaves(index, units) {
      const manifestData = index.manifest;
      const found = units
        .filter((u) => u.length === 1 && u[0].french.length === 1 && u[0].french[0].length === 1 &&
          u[0].field === null)
        .map((u) => u[0].french[0][0]);
      if (found.length < 2) return [];
      return manifestData.positional
        .filter((name) => manifestData.field_language[name] !== "en")
        .map((name) => ({
          field: name,
          words: found,
          slop: manifestData.proximity_slop,
          weight: manifestData.weights[name] * manifestData.proximity_weight,
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
          if (leaf.field !== "exact" || !ASCII.test(word)) names.push(index.postingsFile(word));
        }
      }
      return names;
    }

    /**
     * A leaf's matches as {docs, scores}, parallel arrays in posting order: Term =
     * weight * bm25; Phrase (Whoosh SpanNear2, ordered, each next word 1..slop
     * positions after the previous one) = weight * the sum of its words' bm25, added
     * as Whoosh's binary tree adds. `memo` shares them within one query.
     */
    function leafScores(index, leaf, memo) {
      const memoKey = leaf.field + "\u0000" + leaf.slop + "\u0000" + leaf.weight + "\u0000" +
        leaf.words.join("\u0000");
      let found = memo.get(memoKey);
      if (found) return found;
      found = { docs: [], scores: [] };
      memo.set(memoKey, found);
      const lists = leaf.words.map((word) => index.postings(leaf.field, word));
      if (lists.some((list) => !list)) return found;
      const idfs = lists.map((list) => index.idf(list));
      if (lists.length === 1) {
        const list = lists[0];
        const idf = idfs[0];
        const weight = leaf.weight;
        found.docs = new Int32Array(list.length);
        found.scores = new Float64Array(list.length);
        for (let i = 0; i < list.length; i++) {
          found.docs[i] = list[i][0];
          const score = index.bm25(leaf.field, idf, list[i]);
          found.scores[i] = weight === 1 ? score : score * weight;
        }
        return found;
      }
      const indexes = lists.map((list) => index.postingIndex(list));
      const postings = new Array(lists.length);
      for (const first of lists[0]) {
        const doc = first[0];
        let all = true;
        for (let i = 0; i < indexes.length && all; i++) {
          postings[i] = i === 0 ? first : indexes[i].get(doc);
          all = postings[i] !== undefined;
        }
        if (!all || !phraseOccurs(postings, leaf.slop)) continue;
        // The words' scores added left to right, then boosted (engine/scoring.py).
        let sum = index.bm25(leaf.field, idfs[0], postings[0]);
        for (let i = 1; i < postings.length; i++) sum += index.bm25(leaf.field, idfs[i], postings[i]);
        found.docs.push(doc);
        found.scores.push(leaf.weight === 1 ? sum : sum * leaf.weight);
      }
      return found;
    }

    // Two position buffers reused by every phrase check (phrases run synchronously).
    const positionBuffers = [new Int32Array(256), new Int32Array(256)];

    function positionBuffer(which, size) {
      if (positionBuffers[which].length < size) positionBuffers[which] = new Int32Array(size * 2);
      return positionBuffers[which];
    }

    /**
     * Whether positions p1 < p2 < ... of the words exist with 1 <= p(i+1) - p(i) <=
     * slop. Postings are [doc, tf, length, p0, d1, d2, ...]: positions are decoded
     * as they are read, into reused buffers (phrases check thousands of notes).
     */
    function phraseOccurs(postings, slop) {
      const first = postings[0];
      let reachable = positionBuffer(0, first.length);
      let reachableCount = 0;
      let position = 0;
      for (let i = 3; i < first.length; i++) {
        position += first[i];
        reachable[reachableCount++] = position;
      }
      for (let word = 1; word < postings.length && reachableCount; word++) {
        const posting = postings[word];
        const kept = positionBuffer(word % 2, posting.length);
        let keptCount = 0;
        let j = 0;
        position = 0;
        for (let i = 3; i < posting.length; i++) {
          position += posting[i];
          while (j < reachableCount && reachable[j] < position - slop) j += 1;
          if (j < reachableCount && reachable[j] <= position - 1) kept[keptCount++] = position;
        }
        reachable = kept;
        reachableCount = keptCount;
      }
      return reachableCount > 0;
    }

    /** Marks (1) in `marks`, one byte per note, the notes matching any of `leaves`. */
    function markDocs(index, leaves, memo, marks) {
      for (const leaf of leaves) {
        for (const doc of leafScores(index, leaf, memo).docs) marks[doc] = 1;
      }
      return marks;
    }

    /** Orders ranking rows [doc, units matched, 0 when the title is the query, score]. */
    function compareRows(x, y) {
      return (y[1] - x[1]) || (x[2] - y[2]) ||
        (x[3] > y[3] ? -1 : x[3] < y[3] ? 1 : 0) || (x[0] - y[0]);
    }

    /**
     * The first `count` rows in `compareRows` order, without sorting them all: one
     * pass keeps a sorted shortlist (a full sort when the shortlist would be long).
     */
    function firstRows(rows, count) {
      if (count <= 0) return [];
      if (count > 64) return rows.sort(compareRows).slice(0, count);
      const best = [];
      for (const row of rows) {
        if (best.length === count && compareRows(row, best[count - 1]) >= 0) continue;
        let at = best.length === count ? count - 1 : best.length;
        while (at > 0 && compareRows(row, best[at - 1]) < 0) {
          best[at] = best[at - 1];
          at -= 1;
        }
        best[at] = row;
      }
      return best;
    }

    /** GardenSearcher._hit(): one result with its snippet, from the note's fragment. */
    async function hit(index, doc, score, queryTerms) {
      const fragment = await file("fragments/" + doc);
      const snippet = makeSnippet(fragment.text, fragment.sections, queryTerms,
        fragment.language === "en" ? "en" : "fr", 220, index.constants);
      return {
        doc, path: fragment.path, url: fragment.url, title: fragment.title,
        tags: fragment.tags, score,
        snippet: snippet.text, highlights: snippet.highlights,
        section: snippet.section, anchor: snippet.anchor,
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
      for (const clause of parsed.units.flat()) {
        if (clause.kind !== "word") continue;
        for (const word of clauseWords(index, clause)) names.push(index.wordsFile(word));
      }
      for (const clause of parsed.units.flat().concat(parsed.excluded)) {
        if (clause.kind === "prefix") continue;
        names.push(...leafFiles(index, clauseLeaves(index, clauseTerms(index, clause))));
      }
      return names;
    }

    /**
     * GardenSearcher._list(): only filters, every matching note by title. `docs` are
     * in title order already (tag lists are written so): only the notes shown are read.
     */
    async function list(index, docs, limit) {
      return Promise.all(docs.slice(0, limit).map((d) => hit(index, d, 0.0, new Set())));
    }

    /** GardenSearcher.search(): the same results, in the same order, as the CLI. */
    async function search(text, options = {}) {
      const limit = options.limit === undefined ? 10 : options.limit;
      const extraTags = options.tags || [];
      text = text === undefined || text === null ? "" : String(text);
      const index = await indexView();
      let parsed = parseQuery(text, index.constants);
      const warnings = parsed.warnings.slice();
      const tagKeysOf = (query) => extraTags.concat(query.tags).map(key).filter((k) => k);
      // The exact title key ranks notes only for plain queries with words.
      const titleKeyOf = (query, typed) => (query.plain && query.units.length ? key(typed) : "");
      // Start fetching what the query as typed needs while its words are checked.
      index.load(knownFiles(index, parsed, tagKeysOf(parsed), titleKeyOf(parsed, text)))
        .catch(() => {}); // awaited (and retried) below
      const suggestion = await repair(index, parsed);
      if (suggestion) parsed = parseQuery(suggestion, index.constants);
      const tagKeys = tagKeysOf(parsed);
      const queryKey = titleKeyOf(parsed, suggestion || text);

      // Prefix clauses need their words shards before their terms are known.
      const allClauses = parsed.units.flat().concat(parsed.excluded);
      const vocabularyFiles = allClauses.filter((c) => c.kind === "prefix")
        .flatMap((c) => prefixFiles(index, c));
      await index.load(vocabularyFiles.concat(knownFiles(index, parsed, tagKeys, queryKey)));
      const units = parsed.units.map((unit) => unit.map((c) => clauseTerms(index, c)));
      const unitClauses = units.map((unit) => unit.map((c) => clauseLeaves(index, c)));
      const maskLeaves = parsed.excluded.flatMap((c) => clauseLeaves(index, clauseTerms(index, c)));
      const proximity = proximityLeaves(index, units);
      await index.load(leafFiles(index, unitClauses.flat(2).concat(maskLeaves, proximity)));

      // Tag filters: notes carrying every tag (per note, how many of the tags it has).
      const count = index.docCount;
      let filter = null;
      tagKeys.forEach((tagKey, number) => {
        if (filter === null) filter = new Int32Array(count);
        for (const doc of index.tagNotes(tagKey)) if (filter[doc] === number) filter[doc] += 1;
      });
      const required = tagKeys.length;
      const memo = new Map();
      const mask = markDocs(index, maskLeaves, memo, new Uint8Array(count));
      const response = (total, results) => ({ query: text, total, suggestion, results, warnings });

      if (!units.length) {
        if (filter === null) return response(0, []);
        // Every tag lists its notes in title order, the order of this listing.
        const docs = index.tagNotes(tagKeys[0])
          .filter((doc) => filter[doc] === required && !mask[doc]);
        return response(docs.length, await list(index, docs, limit));
      }

      // Scores, added in the order engine/scoring.py declares: each clause sums its
      // leaves left to right, each unit its clauses, the query its units then the
      // proximity bonus (the sum of its phrases). Notes are array slots; a slot that
      // a part does not reach adds nothing (0 + x is x, so starting from 0 is exact).
      const scores = new Float64Array(count);
      const seen = new Uint8Array(count);
      const unitsMatched = new Int32Array(count);
      const touched = [];
      const unitSums = new Float64Array(count);
      const clauseSums = new Float64Array(count);
      const inUnit = new Uint8Array(count);
      const inClause = new Uint8Array(count);
      const kept = (doc) => !mask[doc] && (filter === null || filter[doc] === required);
      // The sum, part by part, of parts that are each a sum of leaves: the docs reached.
      const sumOfSums = (parts, sums, marks, inner, innerMarks) => {
        const reached = [];
        for (const leaves of parts) {
          const reachedHere = [];
          for (const leaf of leaves) {
            const found = leafScores(index, leaf, memo);
            const docs = found.docs;
            for (let i = 0; i < docs.length; i++) {
              const doc = docs[i];
              if (!kept(doc)) continue;
              if (!innerMarks[doc]) {
                innerMarks[doc] = 1;
                reachedHere.push(doc);
              }
              inner[doc] += found.scores[i];
            }
          }
          for (const doc of reachedHere) {
            if (!marks[doc]) {
              marks[doc] = 1;
              reached.push(doc);
            }
            sums[doc] += inner[doc];
            inner[doc] = 0;
            innerMarks[doc] = 0;
          }
        }
        return reached;
      };
      const addToScores = (reached, sums, marks, isUnit) => {
        for (const doc of reached) {
          if (!seen[doc]) {
            seen[doc] = 1;
            touched.push(doc);
          }
          scores[doc] += sums[doc];
          if (isUnit) unitsMatched[doc] += 1;
          sums[doc] = 0;
          marks[doc] = 0;
        }
      };
      for (const clauses of unitClauses) {
        addToScores(sumOfSums(clauses, unitSums, inUnit, clauseSums, inClause),
          unitSums, inUnit, true);
      }
      if (proximity.length) {
        // The bonus is one part of the query whose phrases are its leaves.
        addToScores(sumOfSums([proximity], unitSums, inUnit, clauseSums, inClause),
          unitSums, inUnit, false);
      }
      const exactDocs = new Uint8Array(count);
      if (queryKey) for (const doc of index.keyNotes(queryKey)) exactDocs[doc] = 1;
      const rows = touched.map((doc) =>
        [doc, unitsMatched[doc], exactDocs[doc] ? 0 : 1, scores[doc] * index.boost(doc)]);
      const queryTerms = new Set();
      for (const unit of units) {
        for (const clause of unit) {
          for (const group of clause.french.concat(clause.english)) {
            for (const term of group) queryTerms.add(term);
          }
        }
      }
      const results = await Promise.all(
        firstRows(rows, limit).map((row) => hit(index, row[0], row[3], queryTerms)));
      return response(rows.length, results);
    }

    return { search, manifest };
  }

  return {
    normalize,
    fold,
    tokens,
    terms,
    key,
    parseQuery,
    allowedEdits,
    editDistance,
    bestCorrection,
    prefixExpansions,
    makeSnippet,
    highlightParts,
    shardKey,
    termBucket,
    createEngine,
  };
});
