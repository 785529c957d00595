"""Build or refresh the Whoosh index from a garden, incrementally and atomically.

A full build (``full=True``, or when there is no usable index) reads every note,
writes a new generation beside the live one (on every core for large gardens, see
``index.segments``) and switches to it at the end.

An update (the default) lists and ``stat``s the files and reads again only the notes
whose file changed, carrying everything else forward from the side files of the live
generation (``index.state``). A note is rewritten when its content changed, and also
when its links resolve differently or its display title changed (a target appeared,
vanished or was renamed): that is checked for every note only when some note's names
changed, from the link targets each note's entry remembers. The update goes into the
live generation through Whoosh's own commit (all or nothing); its side files are
staged first and put in place after, the manifest last.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import whoosh.index
from whoosh.reading import TermNotFound

from museumxtd_search.analysis.documents import (
    AnalyzedNote,
    analyze_note,
    entry_links_signature,
    note_surfaces,
)
from museumxtd_search.index import segments, store
from museumxtd_search.index.state import BuildState, load_state, new_token, side_files
from museumxtd_search.index.terms_writer import TermsWriter
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import GardenFiles, find_files
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.reading import read_notes, with_title

Progress = Callable[[int, int], None]


@dataclass
class BuildSummary:
    """What a build did, for the one-line summary and ``--json``."""

    notes: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    full: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        kind = "full rebuild" if self.full else "incremental"
        return (f"indexed {self.notes} notes ({kind}): {self.added} added, {self.updated} "
                f"updated, {self.removed} removed, {len(self.warnings)} warnings, "
                f"{self.seconds:.2f} s")


def build_index(
    notes_dir: Path | str,
    index_dir: Path | str,
    exclude: Iterable[str] = (),
    full: bool = False,
    on_progress: Progress | None = None,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Bring the index in ``index_dir`` up to date with ``notes_dir``.

    Raises ``FileNotFoundError`` for a missing notes folder, ``store.IndexBusyError``
    when ``wait`` is false and another build runs, ``OSError`` when the index folder
    cannot be written (the live index is then left as it was). When another build
    runs and ``wait`` is true, ``on_wait`` gets its PID before this one waits.
    ``on_progress(done, total)`` is called as notes are read and written.
    """
    started = time.perf_counter()
    notes_dir, index_dir = Path(notes_dir), Path(index_dir)
    exclude = list(exclude)
    if not notes_dir.is_dir():
        raise FileNotFoundError(f"notes folder not found: {notes_dir}")
    with store.writer_lock(index_dir, wait=wait, on_wait=on_wait):
        state = None if full else load_state(index_dir, notes_dir, exclude)
        if state is None:
            summary = _build_all(notes_dir, index_dir, exclude, on_progress)
        else:
            summary = _update(state, notes_dir, exclude, on_progress)
        store.remove_leftovers(index_dir, keep=store.live_generation(index_dir))
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


# --- full build -----------------------------------------------------------------------

def _build_all(notes_dir: Path, index_dir: Path, exclude: list[str],
               on_progress: Progress | None) -> BuildSummary:
    files = find_files(notes_dir, exclude)
    total = 2 * len(files.notes)  # each note is read, then (if searchable) written
    progress = (lambda done: on_progress(done, total)) if on_progress else None
    generation = store.new_generation(index_dir)
    try:
        built = segments.create_index(generation, notes_dir, files, progress)
        whoosh_generation = whoosh.index.open_dir(str(generation)).latest_generation()
        warnings = [*files.warnings, *built.warnings]
        written_files = side_files(new_token(), notes_dir, exclude, files,
                                   {entry.path: entry for entry in built.entries},
                                   built.written.states, built.written.vocabulary, built.table,
                                   warnings, whoosh_generation)
        for name, data in written_files.items():
            store.write_atomically(generation / name, store.dump_json(data, sort_keys=False))
    except BaseException:
        # A failed build (disk full, Ctrl-C) never becomes live.
        store.remove_leftovers(index_dir, keep=store.live_generation(index_dir))
        raise
    store.switch_to(index_dir, generation)
    if on_progress:
        on_progress(total, total)
    return BuildSummary(notes=built.searchable, added=built.searchable, full=True,
                        warnings=[str(w) for w in warnings])


# --- update ---------------------------------------------------------------------------

def _update(state: BuildState, notes_dir: Path, exclude: list[str],
            on_progress: Progress | None) -> BuildSummary:
    files = find_files(notes_dir, exclude)
    old = state.entries
    changed = [p for p in files.notes
               if p not in old or state.stamps.get(p) != files.stamps[p]]
    if not changed and old.keys() == set(files.notes) and list(files.assets) == state.assets:
        return _summary(old, files, {}, [], [], state.indexed)

    total = len(changed)
    progress = (lambda done: on_progress(done, total)) if on_progress else None
    read = _read(notes_dir, changed, progress)
    entries = {p: read.entries.get(p) or old[p] for p in files.notes
               if p in read.entries or (p in old and p not in changed)}
    names_changed = (entries.keys() != old.keys() or list(files.assets) != state.assets
                     or any(not entry.same_names(old[p]) for p, entry in read.entries.items()
                            if p in old))
    if names_changed:
        titles = display_titles(entries.values())
        table = link_table(entries.values(), titles, files.assets)
        stale = [p for p, entry in entries.items()
                 if p not in read.entries and entry.searchable
                 and state.indexed.get(p, [])[:3] != [
                     entry.content_hash, entry_links_signature(entry, table), titles[p]]]
        reread = _read(notes_dir, stale, None)
        read.notes.extend(reread.notes)
        read.unreadable.update(reread.unreadable)
        for path in reread.unreadable:
            entries.pop(path, None)
    else:
        table = state.link_table()
        titles = table.titles

    analysed = []
    for note in read.notes:
        if note.path in entries and note.searchable:
            item = analyze_note(with_title(note, titles[note.path]),
                                table.resolve_all(note), table)
            if state.indexed.get(note.path) != segments.indexed_state(item):
                analysed.append(item)
    removed = [p for p in state.indexed if p not in entries or not entries[p].searchable]
    indexed = {p: s for p, s in state.indexed.items() if p not in removed}
    indexed.update((a.note.path, segments.indexed_state(a)) for a in analysed)
    warnings = _warnings(files, entries, read.unreadable)
    _write_update(state, analysed, removed, lambda whoosh_generation: side_files(
        new_token(), notes_dir, exclude, files, entries, indexed, state.vocabulary,
        table if names_changed else None, warnings, whoosh_generation))
    return _summary(entries, files, read.unreadable, analysed, removed, state.indexed,
                    warnings)


@dataclass
class _Read:
    notes: list[Note]
    entries: dict[str, NoteEntry]
    unreadable: dict[str, VaultWarning]


def _read(notes_dir: Path, paths: list[str], progress: Callable[[int], None] | None) -> _Read:
    done = 0

    def advance(_: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done)

    read = read_notes(notes_dir, paths, advance)
    entries = {entry.path: entry for _, entry in read.notes}
    unreadable = {w.path: w for w in read.warnings if w.path not in entries}
    return _Read([note for note, _ in read.notes], entries, unreadable)


def _write_update(state: BuildState, analysed: list[AnalyzedNote], removed: list[str],
                  make_side_files: Callable[[int], dict[str, object]]) -> None:
    """Commit the changes to the live generation, staging the side files first so that
    a full disk leaves the whole index as it was, not half updated."""
    generation = state.generation
    staged: list[tuple[Path, Path]] = []

    def stage(whoosh_generation: int) -> None:
        for name, data in make_side_files(whoosh_generation).items():
            staged.append((store.stage(generation / name, store.dump_json(data, sort_keys=False)),
                           generation / name))

    try:
        if analysed or removed:
            writer = TermsWriter(store.open_whoosh(generation),
                                 limitmb=segments.WRITER_MEMORY_MB)
            try:
                # The vocabulary takes back the words of the notes replaced or removed
                # and counts the new versions: side files are made from it below.
                state.vocabulary.remove_surfaces(
                    _take_out(writer, [*removed, *(item.note.path for item in analysed)]))
                for item in analysed:
                    state.vocabulary.add(item)
                    writer.add_document(**segments.document(item))
                stage(writer.generation)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=segments.merge_small_segments)
        else:
            stage(state.manifest["whoosh_generation"])
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:  # the manifest last: it marks the update complete
        os.replace(temporary, path)


def _take_out(writer: TermsWriter, paths: list[str]) -> list[list[str]]:
    """Delete the indexed notes of ``paths`` and return the surface words each was
    counted with, from the parts stored in the index (what the vocabulary takes back).

    Notes are found by their ``path`` term through the writer's reader, so an update
    opens the index once. Whoosh's ``update_document`` and ``delete_by_term`` would do
    it through a searcher, whose modules (``whoosh.searching``, ``whoosh.query``) an
    update otherwise never loads: about 40 ms of a one-note update.
    """
    surfaces = []
    with writer.reader() as reader:
        for path in paths:
            try:
                docnums = list(reader.postings("path", path).all_ids())  # live ones only
            except TermNotFound:
                continue
            if not docnums:
                continue
            meta = json.loads(reader.stored_fields(docnums[0])["meta"])
            name = path.rsplit("/", 1)[-1][:-3]
            surfaces.append(note_surfaces(meta["title"], name, meta["aliases"], meta["tags"],
                                          meta["text"]))
            for docnum in docnums:
                writer.delete_document(docnum)
    return surfaces


def _warnings(files: GardenFiles, entries: dict[str, NoteEntry],
              unreadable: dict[str, VaultWarning]) -> list[VaultWarning]:
    """Every warning of the garden, as a full read gives them: files first, then note by
    note in path order (remembered ones for notes not read again)."""
    warnings = list(files.warnings)
    for path in files.notes:
        if path in entries:
            warnings.extend(entries[path].warnings)
        elif path in unreadable:
            warnings.append(unreadable[path])
    return warnings


def _summary(entries: dict[str, NoteEntry], files: GardenFiles,
             unreadable: dict[str, VaultWarning], analysed: list[AnalyzedNote],
             removed: list[str], previous: dict[str, list],
             warnings: list[VaultWarning] | None = None) -> BuildSummary:
    searchable = sum(1 for entry in entries.values() if entry.searchable)
    added = sum(1 for a in analysed if a.note.path not in previous)
    updated = len(analysed) - added
    if warnings is None:
        warnings = _warnings(files, entries, unreadable)
    return BuildSummary(notes=searchable, added=added, updated=updated, removed=len(removed),
                        unchanged=searchable - added - updated,
                        warnings=[str(w) for w in warnings])
