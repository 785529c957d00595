// text.js: normalising, accent folding and exact-match keys
// (museumxtd_search/text/folding.py and text/keys.py).

/** normalize(): NFKC, then every typographic apostrophe to "'". */
function normalize(text) {
  return String(text).normalize("NFKC").replace(derived().typographicApostrophe, "'");
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

const foldCache = ruleCache();

/** fold(): strip accents and ligatures, "Œuvres Évaluées" -> "Oeuvres Evaluees". */
function fold(word) {
  if (ASCII.test(word)) return word;
  let folded = foldCache.get(word);
  if (folded === undefined) {
    const letters = rules().special_letters;
    const decomposed = word.replace(derived().specialLetter, (c) => letters[c]).normalize("NFKD");
    folded = "";
    for (const ch of decomposed) if (!isCombining(ch)) folded += ch;
    if (foldCache.size > 200000) foldCache.clear();
    foldCache.set(word, folded);
  }
  return folded;
}

// Python's [^\W_] is a letter or a number (str.isalnum), marks excluded.
const PLAIN_WORD = /[\p{L}\p{N}]+/gu;

/** key(): folded words joined by "_", nothing dropped (exact title keys, tag keys). */
function key(text) {
  const normalized = normalize(text);
  const parts = [];
  PLAIN_WORD.lastIndex = 0;
  let match;
  while ((match = PLAIN_WORD.exec(normalized)) !== null) parts.push(fold(match[0].toLowerCase()));
  return parts.join("_");
}
