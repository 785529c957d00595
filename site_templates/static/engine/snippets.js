// snippets.js: the passage of a note that shows why it matched
// (museumxtd_search/analysis/snippets.py), and its highlights cut for display.

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
function makeSnippet(text, sections, queryTerms, language = "fr") {
  return makeSnippets(text, sections, queryTerms, language, 1)[0];
}

/**
 * make_snippets(): the snippets of the `count` best sections holding the terms,
 * best first (most distinct terms, then most matches, then the earliest); one
 * snippet of the note's start when no word matches.
 */
function makeSnippets(text, sections, queryTerms, language = "fr", count = undefined,
  alike = undefined) {
  const same = (term) => (alike && alike.has(term) ? alike.get(term) : term);
  const width = rules().snippet_width;
  const shown = count === undefined ? rules().sections_shown : count;
  text = normalize(text);
  const chars = codePoints(text);
  const wanted = queryTerms instanceof Set ? queryTerms : new Set(queryTerms || []);
  const initials = new Set([...wanted].filter((t) => t)
    .map((t) => String.fromCodePoint(t.codePointAt(0))));
  const matches = wanted.size
    ? analyse(text, language === "en" ? "en" : "fr", initials)
      .filter((t) => wanted.has(t.term))
    : [];
  if (wanted.size && text.includes("-")) {
    // _with_joined_words(): a hyphenated word asked for in one piece, where none of its
    // parts matched. Offsets in code points, counted once along the text.
    let unit = 0;
    let point = 0;
    for (const word of text.matchAll(HYPHENATED)) {
      // joined_term(): may it start with a wanted initial, then its one term.
      const joined = mayStartWith(word[0], initials) ? terms(word[0].replace(/-/g, ""), language) : [];
      point += codePointLength(text.slice(unit, word.index));
      unit = word.index;
      const start = point;
      const end = start + codePointLength(word[0]);
      if (joined.length === 1 && wanted.has(joined[0]) &&
        !matches.some((m) => m.start >= start && m.start < end)) {
        matches.push({ term: joined[0], surface: word[0].toLowerCase(), start, end });
      }
    }
    matches.sort((a, b) => a.start - b.start);
  }
  if (!matches.length) {
    const [, end] = cut(chars, 0, Math.min(chars.length, width));
    return [{ text: ellipsis(chars, 0, end), highlights: [], section: "", anchor: "" }];
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
  // The sections with the most distinct terms, then the most matches, then the first.
  const ranked = Array.from(bySection.keys()).map((number) => {
    const found = bySection.get(number);
    return [-new Set(found.map((m) => same(m.term))).size, -found.length, number];
  }).sort((x, y) => (x[0] - y[0]) || (x[1] - y[1]) || (x[2] - y[2]));
  return ranked.slice(0, shown).map((rank) => sectionSnippet(chars, sections, starts, rank[2],
    bySection.get(rank[2]), matches, width, same));
}

/** _section_snippet(): the snippet of section `best`, whose matches are `chosen`. */
function sectionSnippet(chars, sections, starts, best, chosen, matches, width, same) {
  const sectionEnd = best + 1 < starts.length ? starts[best + 1] : chars.length;
  // Densest window: the match that begins the most distinct terms within `width`.
  let windowStart = null;
  let windowRank = null;
  for (const first of chosen) {
    const distinct = new Set(
      chosen.filter((m) => first.start <= m.start && m.end - first.start <= width)
        .map((m) => same(m.term)),
    ).size;
    if (windowRank === null || distinct > windowRank[0] ||
        (distinct === windowRank[0] && first.start < windowRank[1])) {
      windowStart = first.start;
      windowRank = [distinct, first.start];
    }
  }
  const lead = windowStart > starts[best]
    ? Math.min(rules().snippet_lead, windowStart - starts[best])
    : 0;
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
 * section_holds_all(): whether one section of `text` holds every term of `groups`
 * (the terms of each word, in `language`): what section:(…) keeps.
 */
function sectionHoldsAll(text, sections, groups, language = "fr") {
  const wanted = new Set(groups.flat());
  if (!wanted.size) return false;
  const starts = sections && sections.length ? sections.map((s) => s[2]) : [0];
  const found = new Map();
  const initials = new Set([...wanted].map((t) => String.fromCodePoint(t.codePointAt(0))));
  for (const token of analyse(normalize(text), language, initials)) {
    if (!wanted.has(token.term)) continue;
    let section = 0;
    starts.forEach((start, number) => {
      if (start <= token.start) section = number;
    });
    if (!found.has(section)) found.set(section, new Set());
    found.get(section).add(token.term);
  }
  for (const held of found.values()) {
    if ([...wanted].every((term) => held.has(term))) return true;
  }
  return false;
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
