// python-str.js: Python's string semantics where JavaScript's differ, for the parts
// of the engine that must cut, compare and count text exactly as the CLI does.
//
// Python strings are sequences of code points, JavaScript strings of UTF-16 units.
// Every offset the engine returns (token offsets, snippet highlights) counts code
// points, like Python; `highlightParts` (snippets.js) cuts a snippet at those offsets
// for display.

// str.isspace(): category Zs, or bidirectional class WS, B or S. Unlike JS \s it
// includes U+001C-U+001F and U+0085, and excludes U+FEFF.
const PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
  "\\u202f\\u205f\\u3000";
const SPACE_CHAR = new RegExp("^[" + PY_SPACE + "]$");
const OUTER_SPACES = new RegExp("^[" + PY_SPACE + "]+|[" + PY_SPACE + "]+$", "g");
const SURROGATE = /[\uD800-\uDFFF]/;
const ASCII = /^[\x00-\x7f]*$/;
const hasOwn = Object.prototype.hasOwnProperty;
// str.isdigit() of one character: decimal digits plus the other Numeric_Type=Digit
// characters (superscripts, circled digits...), listed from Python's unicodedata.
const DIGIT = new RegExp(
  "^(?:\\p{Nd}|[\\xb2\\xb3\\xb9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079" +
    "\\u2080-\\u2089\\u2460-\\u2468\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd" +
    "\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792\\u{10a40}-\\u{10a43}" +
    "\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}])$",
  "u",
);

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

/** The first `count` code points of `text`: Python's text[:count]. */
function firstPoints(text, count) {
  if (!SURROGATE.test(text)) return text.slice(0, count);
  return Array.from(text).slice(0, count).join("");
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

/** re.escape() for a character class: the characters of `chars` matched literally. */
function characterClass(chars) {
  return "[" + Array.from(chars).map((c) => "\\u{" + c.codePointAt(0).toString(16) + "}")
    .join("") + "]";
}
