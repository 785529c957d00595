"""Pick the passage of a note that best shows why it matched, and where the words are.

The best section is the one (under one heading) holding the most distinct query
terms, then the most matches, then the earliest. The snippet is a window of about
``width`` characters in that section around the densest group of matches, cut at
word boundaries; ``highlights`` are (start, end) offsets into the snippet. A result
also shows the next best sections (``make_snippets``), each with its own snippet.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from museumxtd_search.analysis.pipeline import Token, hyphenated_words, joined_term, tokens
from museumxtd_search.rules import SECTIONS_SHOWN, SNIPPET_LEAD, SNIPPET_WIDTH
from museumxtd_search.text.folding import normalize
from museumxtd_search.text.language import Language


class Snippet(NamedTuple):
    text: str
    highlights: list[tuple[int, int]]
    section: str
    anchor: str


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to word boundaries."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def make_snippet(
    text: str,
    sections: Sequence[tuple[str, str, int]],
    query_terms: Collection[str],
    language: Language = "fr",
    width: int = SNIPPET_WIDTH,
) -> Snippet:
    """Build the snippet of ``text`` for ``query_terms`` (stemmed, in ``language``)."""
    return make_snippets(text, sections, query_terms, language, width, 1)[0]


def shown_text(text: str, properties: Iterable[Sequence[str]]) -> str:
    """The text a search result shows an excerpt of: the note's own ``text``, or, for
    a note made only of front matter, its properties (``vault.properties.Property``,
    or ``[name, text, role]``) as ``name: value`` separated by `` · ``, summaries
    first, list items by commas, the title left out (a result shows it already), so
    that its excerpt is not empty. Its words are those the note is found by, so the
    excerpt highlights them; the CLI and the site's fragments show this same text."""
    if text.strip():
        return text
    ordered = [p for p in properties if p[2] == "summary"]
    ordered += [p for p in properties if p[2] == "other"]
    return " · ".join(f"{name}: {', '.join(value.splitlines())}" for name, value, _ in ordered)


def make_snippets(
    text: str,
    sections: Sequence[tuple[str, str, int]],
    query_terms: Collection[str],
    language: Language = "fr",
    width: int = SNIPPET_WIDTH,
    count: int = SECTIONS_SHOWN,
    alike: Mapping[str, str] | None = None,
) -> list[Snippet]:
    """The snippets of the ``count`` best sections holding ``query_terms``, best first
    (most distinct terms, then most matches, then the earliest); one snippet of the
    note's start when no word matches. ``alike`` maps a term to the one it counts as
    (a word's partner in the other language: the two are one distinct term)."""
    same = alike or {}
    text = normalize(text)
    initials = frozenset(term[:1] for term in query_terms if term)
    matches = ([t for t in tokens(text, language, initials) if t.term in query_terms]
               if query_terms else [])
    if query_terms and "-" in text:
        matches = _with_joined_words(text, matches, query_terms, language, initials)
    if not matches:
        start, end = _cut(text, 0, min(len(text), width))
        return [Snippet(_ellipsis(text, 0, end), [], "", "")]
    starts = [s[2] for s in sections] or [0]

    def section_of(offset: int) -> int:
        index = 0
        for number, start in enumerate(starts):
            if start <= offset:
                index = number
        return index

    by_section: dict[int, list] = {}
    for match in matches:
        by_section.setdefault(section_of(match.start), []).append(match)
    ranked = sorted(by_section, key=lambda s: (-len({same.get(m.term, m.term)
                                                     for m in by_section[s]}),
                                               -len(by_section[s]), s))
    return [_section_snippet(text, sections, starts, best, by_section[best], matches, width,
                             same)
            for best in ranked[:count]]


def _with_joined_words(text: str, matches: list[Token], query_terms: Collection[str],
                       language: Language, initials: frozenset[str]) -> list[Token]:
    """``matches`` and the hyphenated words of ``text`` asked for in one piece (``email``
    finds ``e-mail``: ``analysis.pipeline.indexed_terms``), each a match of its own
    where none of its parts is one; in text order."""
    starts = [match.start for match in matches]
    found = list(matches)
    for word in hyphenated_words(text):
        joined = joined_term(word.group(), language, initials)
        if joined in query_terms:
            inside = bisect_left(starts, word.start())
            if inside == len(starts) or starts[inside] >= word.end():
                found.append(Token(joined, word.group().lower(), word.start(), word.end()))
    return sorted(found, key=lambda match: match.start)


def _section_snippet(text: str, sections: Sequence[tuple[str, str, int]], starts: list[int],
                     best: int, chosen: list, matches: list, width: int,
                     same: Mapping[str, str]) -> Snippet:
    """The snippet of section ``best``, whose matches are ``chosen``."""
    section_end = starts[best + 1] if best + 1 < len(starts) else len(text)
    # Densest window: the match that begins the most distinct terms within `width`.
    window_start = min(
        chosen,
        key=lambda first: (-len({same.get(m.term, m.term) for m in chosen
                                 if first.start <= m.start and m.end - first.start <= width}),
                           first.start),
    ).start
    lead = min(SNIPPET_LEAD, window_start - starts[best]) if window_start > starts[best] else 0
    start = max(starts[best], window_start - lead)
    end = min(section_end, start + width)
    start, end = _cut(text, start, end)
    snippet = _ellipsis(text, start, end)
    offset = start - (1 if start > 0 else 0)
    highlights = [(m.start - offset, m.end - offset) for m in matches
                  if m.start >= start and m.end <= end]
    heading, anchor = (sections[best][0], sections[best][1]) if sections else ("", "")
    return Snippet(snippet, highlights, heading, anchor)


def section_holds_all(text: str, sections: Sequence[tuple[str, str, int]],
                      groups: Sequence[Sequence[str]], language: Language = "fr") -> bool:
    """Whether one section of ``text`` (under one heading) holds every term of
    ``groups`` (the terms of each word, in ``language``; empty groups ask nothing):
    what ``section:(…)`` keeps."""
    wanted = {term for group in groups for term in group}
    if not wanted:
        return False
    starts = [s[2] for s in sections] or [0]
    found: dict[int, set[str]] = {}
    initials = frozenset(term[:1] for term in wanted)
    for token in tokens(normalize(text), language, initials):
        if token.term in wanted:
            section = 0
            for number, start in enumerate(starts):
                if start <= token.start:
                    section = number
            found.setdefault(section, set()).add(token.term)
    return any(wanted <= held for held in found.values())


def _ellipsis(text: str, start: int, end: int) -> str:
    body = text[start:end].replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
