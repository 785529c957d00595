// pipeline.js: the one text pipeline (museumxtd_search/analysis/pipeline.py):
// normalise, tokenise, lowercase and fold, split elisions, drop stop words (not
// two capitals: AI) and one-letter words, stem with Snowball (snowball.js, French or
// English), -ise and -ize made one.

// A word: letters/digits, optionally joined by apostrophes ("l'évaluation").
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
// Words joined by hyphens ("e-mail"), tried from a word's first letter only.
const HYPHENATED = new RegExp("(?<![\\p{L}\\p{N}])" + WORD.source + "(?:-" + WORD.source + ")+", "gu");

const stemCache = ruleCache();

/** _stem(): Snowball French or English, as snowballstemmer does, then rules.py's STEM_Z. */
function stem(word, language) {
  const cacheKey = language + ":" + word;
  let result = stemCache.get(cacheKey);
  if (result === undefined) {
    result = language === "en" ? MXSnowball.english(word) : MXSnowball.french(word);
    result = result.replace(DERIVED.stemZ, "$1s");
    if (stemCache.size > 400000) stemCache.clear();
    stemCache.set(cacheKey, result);
  }
  return result;
}

const initialCache = ruleCache();

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
    if (code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code | 0x20) : piece[0];
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
 * The words of normalised `text` as (lowercase word, start, end), elisions split
 * off; offsets are code points, like Python's.
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
      result.push([word, start, end, match[0]]);
      continue;
    }
    const parts = word.split("'");
    const written = match[0].split("'");
    let offset = start;
    parts.forEach((part, index) => {
      const length = codePointLength(part);
      if (!(index === 0 && parts.length > 1 && elisions.has(fold(part)))) {
        result.push([part, offset, offset + length, written[index]]);
      }
      offset += length + 1;
    });
  }
  return result;
}

/**
 * tokens() on text that is already normalised (what Python's tokens() receives).
 * With `initials` (a Set of first letters of the terms wanted), as Python's: words
 * none of whose parts can give a term starting with one of them are skipped
 * unanalysed (stemming keeps a word's first folded letter, so the tokens of the
 * terms wanted are the same).
 */
function analyse(text, language, initials) {
  const tables = derived();
  const stopWords = language === "en" ? tables.stopWords.en : tables.stopWords.fr;
  const result = [];
  for (const [word, start, end, written] of words(text, tables.elisions, initials)) {
    const folded = fold(word);
    const letters = codePointLength(folded);
    if (letters < 2 && !DIGIT.test(folded)) continue;
    // _is_acronym(): a stop word of acronym_letters letters in capitals (AI, IT) is kept.
    if (stopWords.has(folded) && !(letters === rules().acronym_letters && written !== word &&
      written === written.toUpperCase())) continue;
    result.push({ term: stem(folded, language), surface: word, start, end });
  }
  return result;
}

/**
 * tokens(normalize(text), language, initials): [{term, surface, start, end}], code
 * point offsets; `initials` as in analyse().
 */
function tokens(text, language, initials) {
  return analyse(normalize(text), language === "en" ? "en" : "fr", initials);
}

/** terms(): the stemmed terms of `text`, in order. */
function terms(text, language) {
  return tokens(text, language).map((token) => token.term);
}
