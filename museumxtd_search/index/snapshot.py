"""What a full index build read and analysed, kept for the export that follows it.

CI rebuilds the index and the site from the same notes, one after the other, and each
would read, parse and analyse every note (at 10,000 notes, about 15 s of CPU for the
export alone). A full build leaves its notes and their analyses beside the Whoosh
index (``snapshot-<n>.pickle`` in the generation, one per worker), and an export given
that index takes from there every note whose bytes are unchanged (same content hash).
An analysis is reused only when the note's display title and the resolution of its
links are what they were; otherwise the note is analysed again (not read again).
Notes that changed since are read as usual: a snapshot makes an export faster, never
different (``tests/test_snapshot.py`` compares the sites byte for byte).

A snapshot keeps neither a note's Markdown nor, for an indexed note, its text: the
export reads every note's bytes anyway (to compare its hash), and the body is those
bytes from the note's ``body_line`` on (``front_matter.body_of``); the Whoosh index in
the same folder stores each indexed note's text with its hash (``schema.stored_meta``).
A note whose text the index no longer holds is read again. At 10,000 notes this takes
12 MB off the index folder.

Snapshots are pickles, like Whoosh's own files in the same folder, compressed with
zlib (uncompressed, with the Markdown and text, they were four times the garden's
size), read back with a restricted unpickler
(``engine.storage.pickles``) that builds only our record classes and date types. One
written by another version of this tool, or with other data classes, is ignored.
Index updates leave the snapshot as it is: an export after them reads the notes
changed since the last full build.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import pickle
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from museumxtd_search import __version__
from museumxtd_search.analysis.documents import (
    AnalyzedNote,
    analyze_note,
    entry_links_signature,
)
from museumxtd_search.engine.storage.pickles import load_records
from museumxtd_search.engine.storage.reader import IndexFiles, IndexFormatError
from museumxtd_search.index.generations import live_generation
from museumxtd_search.index.side_files import built_from, read_manifest
from museumxtd_search.parallel import collector_paused
from museumxtd_search.vault import notes as note_types
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import find_files, is_attachment_name
from museumxtd_search.vault.front_matter import body_of, decode
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.properties import Property, own_date
from museumxtd_search.vault.reading import (
    FileDates,
    Vault,
    content_hash,
    read_notes,
    read_vault,
    with_title,
)
from museumxtd_search.vault.resolver import LinkTable

PREFIX = "snapshot-"
SUFFIX = ".pickle"
# zlib level 4: at 10,000 notes 14.1 MB where level 1 gives 15.9 (level 6: 13.7 for
# 1.7 s more CPU), for about 1.2 s of CPU split between the build's workers and 0.5 s
# in the export: 1 to 2 % of index + export.
COMPRESSION_LEVEL = 4


_RECORDS = (Note, NoteEntry, AnalyzedNote, note_types.Heading, note_types.Section,
            note_types.Link, VaultWarning, Property)


def _format() -> tuple:
    """What a snapshot's pickles must have been written by: this version, these fields."""
    return (4, __version__, tuple((c.__name__, _field_names(c)) for c in _RECORDS))


def _snapshot_classes(module: str, name: str) -> object | None:
    """The classes a snapshot is built of: our records, and the date and time types
    that front matter values may be (YAML dates); any other is refused."""
    if module == "datetime" and name in _DATE_TYPES:
        return getattr(datetime, name)
    if module == "builtins" and name in ("set", "frozenset"):
        return set if name == "set" else frozenset
    return next((cls for cls in (*_RECORDS, SnapshotNote)
                 if (cls.__module__, cls.__qualname__) == (module, name)), None)


_DATE_TYPES = frozenset({"date", "datetime", "time", "timedelta", "timezone"})


def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's or a named tuple's fields, in order."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return tuple(cls._fields)


@dataclass(frozen=True)
class SnapshotNote:
    """One note as the build read it (its own title) and, when searchable, analysed it
    (with the display title it had then)."""

    note: Note
    entry: NoteEntry
    analyzed: AnalyzedNote | None


def write_snapshot(folder: Path, number: int, notes: Iterable[SnapshotNote],
                   table: LinkTable | None) -> None:
    """Write part ``number`` of a snapshot into ``folder`` (a generation being built);
    part 0 also carries the build's link table."""
    data = (_format(), table.to_json() if table is not None else None,
            [_slim(item) for item in notes])
    with open(folder / f"{PREFIX}{number}{SUFFIX}", "wb") as handle:
        deflating = _Deflating(handle)
        pickle.dump(data, deflating, protocol=pickle.HIGHEST_PROTOCOL)
        deflating.finish()


def _slim(item: SnapshotNote) -> SnapshotNote:
    """What a snapshot keeps of a note: not a Markdown note's body, nor its text when
    the index stores it (an analysed note is an indexed one); ``_whole`` puts them back.
    An attachment (PDF, Word…) has no Markdown, and its text is not its bytes."""
    markdown = item.note.markdown if is_attachment_name(item.note.path) else ""
    slim = dataclasses.replace(item.note, markdown=markdown,
                               text="" if item.analyzed is not None else item.note.text)
    analyzed = item.analyzed
    if analyzed is not None:
        analyzed = dataclasses.replace(analyzed, note=slim if analyzed.note is item.note
                                       else dataclasses.replace(analyzed.note,
                                                                markdown=markdown, text=""))
    return SnapshotNote(slim, item.entry, analyzed)


def _whole(item: SnapshotNote, data: bytes, texts: dict[tuple[str, str], str],
           dates: FileDates) -> SnapshotNote | None:
    """A snapshot's note as reading it now would give, from the file's ``data`` (its
    hash is the snapshot's), the ``texts`` the index stores and the file's date when
    the front matter has none (touched since the build, it has another); ``None``
    when the index no longer holds the note's text (the note is read again).

    The records are completed in place: they come fresh from the unpickler and nothing
    else holds them yet, and copying each note's twenty fields with
    ``dataclasses.replace`` took 0.7 s at 10,000 notes, before any page could start."""
    note = item.note
    text = note.text
    if item.analyzed is not None:
        found = texts.get((note.path, note.content_hash))
        if found is None:
            return None
        text = found
    markdown = note.markdown if is_attachment_name(note.path) else \
        body_of(decode(data, note.path)[0], note.body_line)
    date = note.date if own_date(note.front_matter, note.name) else dates.of(note.path)
    records = [note]  # and the analysed note, when it is another (a display title)
    if item.analyzed is not None and item.analyzed.note is not note:
        records.append(item.analyzed.note)
    for record in records:
        object.__setattr__(record, "markdown", markdown)
        object.__setattr__(record, "text", text)
        object.__setattr__(record, "date", date)
    return item


def _indexed_texts(folder: Path) -> dict[tuple[str, str], str]:
    """The text of every note the Whoosh index in ``folder`` stores (deleted ones too:
    a note's text follows from its bytes), by path and content hash; empty when the
    index cannot be read."""
    texts: dict[tuple[str, str], str] = {}
    try:
        with IndexFiles(folder) as files:
            for segment, _ in files.leaves():
                for doc in range(segment.doc_count_all):
                    stored = segment.stored_fields(doc)
                    if "meta" in stored:
                        meta = json.loads(stored["meta"])
                        texts[stored["path"], meta["hash"]] = meta["text"]
    except (OSError, IndexFormatError, ValueError, KeyError, TypeError, zlib.error):
        return {}
    return texts


class _Deflating:
    """A file that compresses what is written to it (zlib), so that a pickle
    is compressed as it is written, frame by frame, never whole in memory."""

    def __init__(self, handle) -> None:
        self._handle = handle
        self._compressor = zlib.compressobj(COMPRESSION_LEVEL)

    def write(self, data: bytes) -> int:
        self._handle.write(self._compressor.compress(data))
        return len(data)

    def finish(self) -> None:
        self._handle.write(self._compressor.flush())


@dataclass(frozen=True)
class Snapshot:
    notes: dict[str, SnapshotNote]
    table: dict | None


def read_snapshot(folder: Path) -> Snapshot | None:
    """The snapshot in ``folder``, or ``None`` when there is none usable."""
    parts = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    if not parts:
        return None
    notes: dict[str, SnapshotNote] = {}
    table = None
    expected = _format()
    try:
        with collector_paused():
            for part in parts:
                written_by, part_table, items = load_records(
                    zlib.decompress(part.read_bytes()), _snapshot_classes)
                if written_by != expected:
                    return None
                table = part_table if part_table is not None else table
                notes.update((item.note.path, item) for item in items)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError, zlib.error):
        return None
    return Snapshot(notes, table)


def read_garden(root: Path, exclude: Iterable[str] = (),
                snapshot_folder: Path | None = None) -> tuple[Vault, list[AnalyzedNote] | None]:
    """Read the garden as ``read_vault`` does, taking unchanged notes from the snapshot
    in ``snapshot_folder``; also return the searchable notes analysed (in path order),
    or ``None`` when there was no usable snapshot (the caller analyses them)."""
    snapshot = read_snapshot(snapshot_folder) if snapshot_folder is not None else None
    files = find_files(root, exclude)
    if snapshot is None:
        return read_vault(root, files=files), None
    kept: dict[str, SnapshotNote] = {}
    texts = _indexed_texts(snapshot_folder) if snapshot.notes else {}
    dates = FileDates(root, files.stamps)
    for path in files.notes:
        cached = snapshot.notes.get(path)
        if cached is None:
            continue
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue  # read again below, which says why it cannot be
        if content_hash(data) == cached.note.content_hash:
            whole = _whole(cached, data, texts, dates)
            if whole is not None:
                kept[path] = whole
    read = read_notes(root, [p for p in files.notes if p not in kept])
    fresh = {note.path: (note, entry) for note, entry in read.notes}
    unreadable = {w.path: w for w in read.warnings if w.path not in fresh}
    pairs: list[tuple[Note, NoteEntry]] = []
    warnings: list[VaultWarning] = list(files.warnings)
    for path in files.notes:
        if path in kept:
            pairs.append((kept[path].note, kept[path].entry))
        elif path in fresh:
            pairs.append(fresh[path])
        elif path in unreadable:
            warnings.append(unreadable[path])
            continue
        warnings.extend(pairs[-1][1].warnings)
    entries = [entry for _, entry in pairs]
    titles = display_titles(entries)
    table = link_table(entries, titles, files.assets)
    notes = tuple(with_title(note, titles[note.path]) for note, _ in pairs)
    vault = Vault(root, notes, files.assets, tuple(warnings), table, tuple(entries), files)
    return vault, _analyses(notes, entries, kept, table, snapshot.table == table.to_json())


def _analyses(notes: Sequence[Note], entries: Sequence[NoteEntry],
              kept: dict[str, SnapshotNote], table: LinkTable,
              same_table: bool) -> list[AnalyzedNote]:
    """Each searchable note's analysis: the snapshot's when it still holds, else new."""
    analyzed = []
    for note, entry in zip(notes, entries, strict=True):
        if not note.searchable:
            continue
        cached = kept[note.path].analyzed if note.path in kept else None
        if cached is not None and cached.note.title == note.title and (
                same_table or entry_links_signature(entry, table) == cached.links_signature):
            analyzed.append(cached)
        else:
            analyzed.append(analyze_note(note, table.resolve_all(note), table))
    return analyzed


def snapshot_folder(index_dir: Path, notes_dir: Path, exclude: Iterable[str] = ()) -> Path | None:
    """The live generation of ``index_dir`` when it was built from ``notes_dir`` with
    these exclusions (the folder holding its snapshot), else ``None``."""
    generation = live_generation(index_dir)
    return generation if built_from(read_manifest(generation), notes_dir, exclude) else None
