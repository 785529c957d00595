"""Turn a note into the terms of each searchable field: one analysis pass per note.

The Whoosh index and the client JSON index are both written from an ``AnalyzedNote``,
so the browser and the CLI see exactly the same terms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from museumxtd_search.analysis.facets import nested_tags
from museumxtd_search.analysis.pipeline import IndexedText, indexed_terms, terms, tokens
from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import Language
from museumxtd_search.vault.catalog import NoteEntry
from museumxtd_search.vault.files import without_note_suffix
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.properties import value_text
from museumxtd_search.vault.resolver import LinkTable, ResolvedLink


@dataclass(frozen=True)
class AnalyzedNote:
    """A note's terms per field, plus the exact keys used for filters and backlinks."""

    note: Note
    fields: dict[str, list[str]]
    surface: list[str]
    title_keys: list[str]
    tag_keys: list[str]
    link_paths: list[str]
    links_signature: str
    # Terms of the filter field (rules.FILTER_FIELD): what path:, file: and
    # [property(:value)] ask for.
    filters: tuple[str, ...] = ()
    # Words the note pairs as one notion, perhaps in two languages (folded, each pair
    # in order): "numérisation (digitization)", a one-word title and alias.
    pairs: tuple[tuple[str, str], ...] = ()
    # Per field, the joined terms of its hyphenated words (``email`` for ``e-mail``),
    # each with the position it shares with the word's first part
    # (``pipeline.indexed_terms``): indexed, not counted in the field's length.
    joined: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    @cached_property
    def exact(self) -> list[str]:
        """The accented surface words: the exact-accent bonus field.

        Words without accents are left out: their exact form adds nothing over the
        folded field, and leaving them out keeps the index a third smaller.
        """
        return [word for word in self.surface if not word.isascii()]


def encode_path(path: str) -> str:
    """A note path as one whitespace-free index token (backlinks are one term query)."""
    return quote(path, safe="/")


def analyze_note(note: Note, resolved: list[ResolvedLink], table: LinkTable) -> AnalyzedNote:
    """Analyse every field of ``note``; ``resolved`` are its links from ``table``."""
    title_text = note.title if key(note.title) == key(note.name) else f"{note.title}\n{note.name}"
    link_texts, link_paths = link_terms_sources(
        note.path, ((r.link.target, r.target_path, r.is_note) for r in resolved if r.link.target),
        table)
    body_language: Language = "en" if note.language == "en" else "fr"
    # One tokenisation of the body serves the French field and the surface words.
    french = indexed_terms(note.text)
    body = french if body_language == "fr" else indexed_terms(note.text, body_language)
    texts = {
        "title": indexed_terms(title_text),
        "aliases": indexed_terms("\n".join(note.aliases)),
        "tags": indexed_terms(" ".join(note.tags)),
        "headings": indexed_terms("\n".join(h.text for h in note.headings)),
        "links": indexed_terms("\n".join(link_texts)),
        "body": body if body_language == "fr" else IndexedText([], [], []),
        "body_en": body if body_language == "en" else IndexedText([], [], []),
        "summary": indexed_terms("\n".join(p[1] for p in note.properties if p[2] == "summary")),
        "properties": indexed_terms("\n".join(p[1] for p in note.properties if p[2] == "other")),
    }
    fields = {name: text.terms for name, text in texts.items()}
    joined = {name: text.joined for name, text in texts.items() if text.joined}
    # The garden's real words: what suggestions and prefixes are built from.
    surface = names_surfaces(note.title, note.name, note.aliases, note.tags) + french.surfaces
    surface += property_surfaces(note.properties)
    return AnalyzedNote(
        note=note,
        fields=fields,
        surface=surface,
        title_keys=sorted({key(t) for t in (note.title, note.name, *note.aliases) if key(t)}),
        tag_keys=tag_keys(note.tags),
        link_paths=link_paths,
        links_signature=links_signature(link_texts, link_paths),
        filters=filter_terms(note),
        pairs=word_pairs(note.text, note.title, note.aliases),
        joined=joined,
    )


# "word (other)": two words of letters, the second alone in its parenthesis; and a
# title of two words joined by a slash or a dash ("Numérisation / Digitization").
_PARENTHESIS_PAIR = re.compile(r"([^\W\d_]{3,})[ \t]*\(([^\W\d_]{3,})\)")
_TITLE_PAIR = re.compile(r"^\s*([^\W\d_]{3,})\s*[/|–—-]\s*([^\W\d_]{3,})\s*$")


def word_pairs(text: str, title: str, aliases: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The pairs of words a note gives as one notion: ``numérisation (digitization)``,
    a title ``Numérisation / Digitization``, a one-word title and a one-word alias.
    Acronyms (``(RCIP)``) and words cased unlike the one before (``notes (French)``,
    a qualifier) are left out. Whether a pair joins two
    languages is decided when searching, from the garden's French and English notes
    (``engine.search``), so most of these pairs are never used."""
    found: set[tuple[str, str]] = set()

    def add(first: str, second: str) -> None:
        a, b = fold(first.lower()), fold(second.lower())
        if a != b and terms(a) != terms(b):
            found.add((a, b) if a < b else (b, a))

    for match in _PARENTHESIS_PAIR.finditer(normalize(f"{title}\n{text}")):
        first, second = match.group(1), match.group(2)
        # A translation keeps the case of its word: "notes (French)" qualifies it.
        if not second.isupper() and first[0].isupper() == second[0].isupper():
            add(first, second)
    if match := _TITLE_PAIR.match(normalize(title)):
        add(match.group(1), match.group(2))
    if _ONE_WORD.match(normalize(title)):
        for alias in aliases:
            if _ONE_WORD.match(normalize(alias)):
                add(title.strip(), alias.strip())
    return tuple(sorted(found))


_ONE_WORD = re.compile(r"^\s*[^\W\d_]{3,}\s*$")


def tag_keys(tags: Iterable[str]) -> list[str]:
    """The keys a tag filter finds a note by (``nested_tags``), sorted."""
    return sorted(tag_key for tag_key, _ in nested_tags(tags))


def _value_words(text: str) -> list[str]:
    """The words a note's value is found by: its terms and its folded words, so that
    any query value's ``filter_words`` are there."""
    return [*terms(text), *(word for word in key(text).split("_") if word)]


def filter_terms(note: Note) -> tuple[str, ...]:
    """The terms of the filter field (``rules.FILTER_FIELD``), sorted and unique:
    ``has:`` each front matter key with a value, ``prop:`` key and word of its value
    (tags and aliases included), ``path:`` and ``file:`` the words of the note's path
    (folders and name) and of its file name."""
    found: set[str] = set()
    for name, value in note.front_matter.items():
        name_key = key(name)
        if not name_key or value is None or value == "" or value == []:
            continue
        found.add(f"has:{name_key}")
        text = value_text(value)
        found.update(f"prop:{name_key}:{word}" for word in _value_words(text))
    found.update(f"path:{word}" for word in _value_words(without_note_suffix(note.path)
                                                         .replace("/", "\n")))
    found.update(f"file:{word}" for word in _value_words(note.name))
    return tuple(sorted(found))


def link_terms_sources(path: str, links: Iterable[tuple[str, str | None, bool]],
                       table: LinkTable) -> tuple[list[str], list[str]]:
    """What a note's links add to its index: the texts of the ``links`` field (each
    target as written, plus the target note's title when it reads differently) and the
    sorted encoded paths of the other notes it links to (backlinks).

    ``links`` are (target as written, resolved path or ``None``, whether it is a note).
    """
    texts: list[str] = []
    paths: set[str] = set()
    for target, target_path, is_note in links:
        texts.append(target)
        if target_path and is_note:
            title = table.titles.get(target_path, "")
            if key(title) != key(target):
                texts.append(title)
            if target_path != path:
                paths.add(encode_path(target_path))
    return texts, sorted(paths)


def links_signature(link_texts: list[str], link_paths: list[str]) -> str:
    """A fingerprint of what a note's links contribute: when it changes (a target
    appeared, vanished or was retitled), the note must be indexed again."""
    return hashlib.sha1("\n".join([*link_texts, *link_paths]).encode()).hexdigest()


def entry_links_signature(entry: NoteEntry, table: LinkTable) -> str:
    """The links signature the note of ``entry`` has with ``table`` (its links resolved
    from the targets the entry remembers), without reading the note again."""
    links = ((target, *table.resolve_named(target, entry.folder))
             for target in entry.link_targets)
    return links_signature(*link_terms_sources(entry.path, links, table))


def property_surfaces(properties: Iterable) -> list[str]:
    """The surface words of a note's searchable properties (not its title: already
    among its names)."""
    text = "\n".join(p[1] for p in properties if p[2] != "title")
    return [t.surface for t in tokens(normalize(text))] if text else []


def names_surfaces(title: str, name: str, aliases: Iterable[str],
                   tags: Iterable[str]) -> list[str]:
    """The surface words of a note's names (title, file name, aliases, tags)."""
    names_text = "\n".join([title, name, *aliases, *tags])
    return [t.surface for t in tokens(normalize(names_text))]


def note_surfaces(title: str, name: str, aliases: Iterable[str], tags: Iterable[str],
                  text: str, properties: Iterable = ()) -> list[str]:
    """``AnalyzedNote.surface`` from a note's stored parts: what an update takes back
    from the vocabulary for a note it rewrites or removes."""
    return (names_surfaces(title, name, aliases, tags) + indexed_terms(text).surfaces
            + property_surfaces(properties))
