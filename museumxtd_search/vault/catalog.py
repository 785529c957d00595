"""What the rest of the garden needs to know of each note: its names and its links.

Resolving a link needs every note's file name, title and aliases; ranking a note's
links needs their targets. A ``NoteEntry`` holds just that (plus the note's warnings),
small enough for the index to keep one per note between builds: an update then
re-reads only the files that changed and still resolves every link of the garden.

The rule for display titles (a front matter title shared by several notes names the
site, not the note) and the construction of the link table live here, once, for a
garden read whole (``read_vault``) and for one rebuilt from remembered entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from museumxtd_search.text.keys import key
from museumxtd_search.vault.files import is_attachment_name, note_name
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.records import FieldsPickled
from museumxtd_search.vault.resolver import LinkTable


@dataclass(frozen=True, slots=True)
class NoteEntry(FieldsPickled):
    """One note as the garden's other notes see it.

    ``title`` is the title the note gives itself (front matter, else first ``#``
    heading, else file name); ``fallback_title`` what replaces a front matter title
    shared by several notes (see ``display_titles``). ``link_targets`` are the
    non-empty targets of its links in reading order.
    """

    path: str
    content_hash: str
    title: str
    fallback_title: str
    aliases: tuple[str, ...]
    searchable: bool
    link_targets: tuple[str, ...]
    warnings: tuple[VaultWarning, ...] = ()
    # The JSON an entry was read from, written back as is: an update of a large garden
    # carries thousands of unchanged entries from one notes.json.gz to the next.
    stored: list | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return note_name(self.path)

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    @classmethod
    def of(cls, note: Note, fallback_title: str,
           warnings: Iterable[VaultWarning] = ()) -> NoteEntry:
        """The entry of a freshly parsed note (``note.title`` as the note gives it)."""
        return cls(note.path, note.content_hash, note.title, fallback_title, note.aliases,
                   note.searchable, tuple(link.target for link in note.links if link.target),
                   tuple(warnings))

    def same_names(self, other: NoteEntry) -> bool:
        """Whether both give the link table the same names (so no link elsewhere moves)."""
        return (self.title, self.fallback_title, self.aliases) == \
            (other.title, other.fallback_title, other.aliases)

    def to_json(self) -> list[object]:
        if self.stored is not None:
            return self.stored
        return [self.content_hash, self.title, self.fallback_title, list(self.aliases),
                self.searchable, list(self.link_targets),
                [[w.line, w.message] for w in self.warnings]]

    @classmethod
    def from_json(cls, path: str, data: list) -> NoteEntry:
        content_hash, title, fallback, aliases, searchable, targets, warnings = data
        return cls(path, content_hash, title, fallback, tuple(aliases), searchable,
                   tuple(targets), tuple(VaultWarning(path, line, message)
                                         for line, message in warnings), data)


def display_titles(entries: Iterable[NoteEntry]) -> dict[str, str]:
    """Each note's display title: a front matter title carried by several notes names
    the site, not the note, and gives way to the note's first heading or file name.

    (In the real MuseumXTD garden 194 of 199 notes say ``title: MuseumXTD``.) A shared
    title stays when it *is* the note's heading or name.
    """
    entries = list(entries)
    counts = Counter(key(e.title) for e in entries if e.title != e.fallback_title)
    titles = {}
    for entry in entries:
        title_key = key(entry.title)
        shared = counts[title_key] > 1 and title_key not in (key(entry.fallback_title),
                                                             key(entry.name))
        titles[entry.path] = entry.fallback_title if shared else entry.title
    return titles


def link_table(entries: Iterable[NoteEntry], titles: Mapping[str, str],
               assets: Iterable[str]) -> LinkTable:
    """The garden's link table, from its entries, display titles and other files."""
    table = LinkTable()
    for entry in entries:
        if is_attachment_name(entry.path):
            # A PDF is reached as a file (``add_assets``), never as a note by its title.
            table.titles[entry.path] = titles[entry.path]
            continue
        table.add_note(entry.path, entry.name, titles[entry.path], entry.aliases)
    table.add_assets(assets)
    return table
