"""The data model of a garden: small immutable records, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from museumxtd_search.vault.records import FieldsPickled
from museumxtd_search.vault.warning import VaultWarning

__all__ = ["Heading", "Link", "Note", "Section", "VaultWarning"]


@dataclass(frozen=True, slots=True)
class Link(FieldsPickled):
    """One outgoing link as written in the note.

    ``target`` is the note or file named (``""`` for ``[[#Heading]]``, a link inside
    the note), ``heading`` the ``#fragment`` if any, ``label`` the text shown.
    ``kind`` is ``"wikilink"`` or ``"markdown"`` (a ``[text](file.md)`` link).
    """

    target: str
    label: str | None = None
    heading: str | None = None
    embed: bool = False
    kind: str = "wikilink"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Heading(FieldsPickled):
    """A Markdown heading: its level, its plain text, and its anchor slug."""

    level: int
    text: str
    anchor: str
    line: int


@dataclass(frozen=True, slots=True)
class Section(FieldsPickled):
    """Where the text under a heading starts in ``Note.text`` (the first has no heading)."""

    heading: str
    anchor: str
    start: int


@dataclass(frozen=True, slots=True)
class Note(FieldsPickled):
    """One note of the garden, as read from disk.

    ``path`` is relative to the notes folder with forward slashes and is the note's
    identity everywhere (index, JSON output, the site's ``data-path``). ``name`` is the
    file name without ``.md``: wikilinks resolve by it, as in Obsidian.
    ``text`` is the body with Markdown syntax removed (what is indexed);
    ``markdown`` is the body as written (what the site renders).
    """

    path: str
    name: str
    title: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    sections: tuple[Section, ...] = ()
    links: tuple[Link, ...] = ()
    text: str = ""
    markdown: str = ""
    language: str = "fr"
    # ``False`` when neither the front matter (``lang:``) nor the text
    # (``text.language.clear_language``) tells the language: ``language`` is then the
    # default, French, and a page speaks its site's language (``site.ui_text``).
    language_known: bool = True
    searchable: bool = True
    # ``False`` for a draft (``draft: true``, ``publish: false``): searched by the
    # author's own index, left out of an exported site (``vault.reading.published_vault``).
    published: bool = True
    boost: float = 1.0
    content_hash: str = ""
    body_line: int = 1
    front_matter: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Every searchable front matter property (``vault.properties.Property``).
    properties: tuple[Any, ...] = ()
    # ``YYYY-MM-DD``: the front matter date, else the file's last commit, else its
    # modification time (``vault.reading``); what ``--sort date`` orders by.
    date: str = ""

    @property
    def folder(self) -> str:
        """The note's folder relative to the notes root (``""`` at the top)."""
        return self.path.rpartition("/")[0]
