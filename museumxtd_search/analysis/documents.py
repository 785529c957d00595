"""Turn a note into the terms of each searchable field: one analysis pass per note.

The Whoosh index and the client JSON index are both written from an ``AnalyzedNote``,
so the browser and the CLI see exactly the same terms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from museumxtd_search.analysis.folding import normalize
from museumxtd_search.analysis.pipeline import Language, key, terms, terms_and_surfaces, tokens
from museumxtd_search.vault.notes import Note
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
    link_texts: list[str] = []
    link_paths: list[str] = []
    for item in resolved:
        link = item.link
        if not link.target:
            continue
        link_texts.append(link.target)
        if item.target_path and item.is_note:
            title = table.titles.get(item.target_path, "")
            if key(title) != key(link.target):
                link_texts.append(title)
            if item.target_path != note.path:
                link_paths.append(encode_path(item.target_path))
    body_language: Language = "en" if note.language == "en" else "fr"
    # One tokenisation of the body serves the French field and the surface words.
    french_terms, french_surfaces = terms_and_surfaces(note.text)
    body_terms = french_terms if body_language == "fr" else terms(note.text, body_language)
    fields = {
        "title": terms(title_text),
        "aliases": terms("\n".join(note.aliases)),
        "tags": terms(" ".join(note.tags)),
        "headings": terms("\n".join(h.text for h in note.headings)),
        "links": terms("\n".join(link_texts)),
        "body": body_terms if body_language == "fr" else [],
        "body_en": body_terms if body_language == "en" else [],
    }
    # The garden's real words: what suggestions and prefixes are built from.
    names_text = "\n".join([note.title, note.name, *note.aliases, *note.tags])
    surface = [t.surface for t in tokens(normalize(names_text))]
    surface += french_surfaces
    signature_text = "\n".join([*link_texts, *sorted(set(link_paths))])
    signature = hashlib.sha1(signature_text.encode()).hexdigest()
    return AnalyzedNote(
        note=note,
        fields=fields,
        surface=surface,
        title_keys=sorted({key(t) for t in (note.title, note.name, *note.aliases) if key(t)}),
        tag_keys=sorted({key(t) for t in note.tags if key(t)}),
        link_paths=sorted(set(link_paths)),
        links_signature=signature,
    )
