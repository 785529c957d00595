"""Every reference of every note, resolved; the dead ones, as the report names them.

A reference is dead when the page or file it names does not exist in the exported
site: a wikilink to no note, an embed of no note or file (or of a section or block the
note does not have), a Markdown link or image, or a raw HTML ``src``/``href``/``srcset``
naming no note and no file of the garden. ``links --broken`` and ``export`` both report
``dead_references``; the site renderer resolves each reference with the same resolver,
so the report names exactly the references left dead in the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from museumxtd_search.vault.comments import remove_comments
from museumxtd_search.vault.links import find_references, parse_local_url
from museumxtd_search.vault.notes import Link, Note
from museumxtd_search.vault.resolver import LinkTable
from museumxtd_search.vault.sections import find_block, find_section

# How the report names each kind of reference.
KIND_NAMES = {"wikilink": "wikilink", "embed": "embed", "markdown": "Markdown link",
              "image": "image", "html": "raw HTML"}


@dataclass(frozen=True, slots=True)
class Reference:
    """One reference of the note ``source``, resolved: ``target_path`` is the note or file
    it names (``None`` when none), ``problem`` why it is dead (``None`` when alive)."""

    source: str
    link: Link
    target_path: str | None
    is_note: bool
    problem: str | None = None

    @property
    def kind(self) -> str:
        """``wikilink``, ``embed``, ``markdown``, ``image`` or ``html``."""
        return "embed" if self.link.kind == "wikilink" and self.link.embed else self.link.kind

    @property
    def dead(self) -> bool:
        return self.problem is not None

    # The names of a row of ``links``: what is written, where it leads, whether nowhere.
    broken = dead

    @property
    def target(self) -> str:
        return self.link.target

    @property
    def resolved(self) -> str | None:
        return self.target_path

    @property
    def written(self) -> str:
        """The target as the note writes it (wikilinks with their ``#heading``)."""
        link = self.link
        if link.kind == "wikilink":
            return link.target + (f"#{link.heading}" if link.heading else "")
        return link.target

    def to_json(self) -> dict[str, object]:
        link = self.link
        wikilink = link.kind == "wikilink"
        return {"source": self.source, "line": link.line, "kind": self.kind,
                "target": link.target, "heading": link.heading if wikilink else None,
                "label": link.label if wikilink else None, "embed": link.embed,
                "resolved": self.target_path, "problem": self.problem}

    def line(self) -> str:
        """``source:line: [[target]] -> path`` (``BROKEN`` when dead, with the reason
        when it is not simply a missing target)."""
        shown = f"![[{self.written}]]" if self.kind == "embed" else \
            f"[[{self.written}]]" if self.kind == "wikilink" else \
            f"{KIND_NAMES[self.kind]} {self.written}"
        where = self.target_path or "BROKEN"
        if self.problem and self.target_path:
            where = f"BROKEN ({self.problem})"
        return f"{self.source}:{self.link.line}: {shown} -> {where}"

    def __str__(self) -> str:
        where = f"{self.source}:{self.link.line}" if self.link.line else self.source
        return f"{where}: dead {KIND_NAMES[self.kind]} {self.written}: {self.problem}"


def split_target(link: Link) -> tuple[str, str | None]:
    """(target, heading or ``^block``) of a reference: a wikilink's own parts, a URL's
    decoded path and fragment."""
    if link.kind == "wikilink":
        return link.target, link.heading
    parsed = parse_local_url(link.target)
    return parsed if parsed is not None else ("", None)


def resolve_reference(table: LinkTable, note: Note, link: Link,
                      notes: Mapping[str, Note]) -> Reference:
    """Resolve one reference of ``note``; ``notes`` (by path) give embedded sections."""
    target, fragment = split_target(link)
    if not target:
        return Reference(note.path, link, note.path, True)
    path, is_note = _resolve_target(table, link, target, note.folder)
    if path is None:
        what = "no such note" if is_note else "no such file"
        return Reference(note.path, link, None, is_note, what)
    problem = None
    if link.embed and is_note and fragment and path in notes:
        problem = missing_part(notes[path], fragment)
    return Reference(note.path, link, path, is_note, problem)


def _resolve_target(table: LinkTable, link: Link, target: str,
                    folder: str) -> tuple[str | None, bool]:
    """(path, is a note) of ``target`` (``split_target``'s), written by a note in
    ``folder``: a wikilink by name, a URL by path."""
    if link.kind == "wikilink":
        return table.resolve_named(target, folder)
    return table.resolve_url(target, folder)


def naming_drafts(dead: Iterable[Reference], table: LinkTable) -> list[Reference]:
    """The ``dead`` references of a site without its drafts, those that name a draft
    (a note ``table``, the whole garden's, resolves them to) saying so rather than
    "no such note": the author sees why the link leads nowhere."""
    named = []
    for reference in dead:
        target, _ = split_target(reference.link)
        if reference.is_note and reference.target_path is None and target:
            path, _ = _resolve_target(table, reference.link, target,
                                      reference.source.rpartition("/")[0])
            if path is not None:
                reference = replace(reference, problem=f"{path} is a draft, left out of the site")
        named.append(reference)
    return named


def missing_part(note: Note, fragment: str) -> str | None:
    """Why ``fragment`` (a heading or ``^block``) cannot be embedded from ``note``, or
    ``None`` when it can."""
    markdown = remove_comments(note.markdown)
    if fragment.startswith("^"):
        return None if find_block(markdown, fragment[1:]) else f"no block {fragment} in {note.path}"
    return None if find_section(markdown, fragment) else f"no section {fragment} in {note.path}"


def note_references(table: LinkTable, note: Note, notes: Mapping[str, Note]) -> list[Reference]:
    """Every reference of ``note`` in reading order, resolved: its property links
    (``up: "[[Parent]]"``, found when the note was read) then its body's."""
    written = [link for link in note.links if link.line < note.body_line]
    written += find_references(note.markdown, note.body_line)
    return [resolve_reference(table, note, link, notes) for link in written]


def garden_references(table: LinkTable, notes: Iterable[Note]) -> list[Reference]:
    """Every reference of every note (notes in the order given)."""
    notes = list(notes)
    by_path = {note.path: note for note in notes}
    return [reference for note in notes for reference in note_references(table, note, by_path)]


def dead_references(table: LinkTable, notes: Iterable[Note]) -> list[Reference]:
    """The references that lead nowhere, note by note, in reading order."""
    return [reference for reference in garden_references(table, notes) if reference.dead]
