"""A full build: read, analyse and write every note into a new generation, on every
core for large gardens, then switch to it.

Whoosh's writer is pure Python and dominates a full build (profiled at 10,000 notes:
about 80 % of the time in ``add_document`` and the posting sort and write of
``commit``). A Whoosh index may consist of several segments, read as one: a large
full build forks one worker per core, each reading its contiguous share of the notes
(in path order) and sending back their entries; the parent builds the garden's link
table from all entries and sends it to every worker, which then analyses and writes
its share as one segment; the parent writes the table of contents that lists them.
Parsed notes never leave their worker: only entries, the table and the segments'
descriptions (with vocabulary counts) travel.

How the segments are written and listed is ``engine.storage.segments``' business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from museumxtd_search import parallel
from museumxtd_search.analysis.documents import AnalyzedNote, analyze_note
from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.engine.storage import schema
from museumxtd_search.engine.storage import segments as storage
from museumxtd_search.index import generations, side_files
from museumxtd_search.index.side_files import IndexedState, make_side_files, new_token
from museumxtd_search.index.snapshot import SnapshotNote, write_snapshot
from museumxtd_search.index.summary import BuildSummary
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import GardenFiles, find_files
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.reading import read_notes, read_vault, with_title
from museumxtd_search.vault.resolver import LinkTable

# Progress is reported every this many steps (a note read, or written).
PROGRESS_STEP = 50


@dataclass
class WrittenNotes:
    """What writing notes produced besides postings: their vocabulary counts and, per
    path, the state an update compares (content hash, links signature, title)."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    states: dict[str, IndexedState] = field(default_factory=dict)

    def merge(self, other: WrittenNotes) -> None:
        self.vocabulary.merge(other.vocabulary)
        self.states.update(other.states)


def write_notes(writer, notes: Sequence[Note], table: LinkTable,
                on_progress: Callable[[int], None] | None = None,
                analyzed_out: list[AnalyzedNote] | None = None) -> WrittenNotes:
    """Analyse each note and add its document; ``on_progress`` gets how many are
    written after each, and the analyses are appended to ``analyzed_out`` when given."""
    written = WrittenNotes()
    for count, note in enumerate(notes, 1):
        analyzed = analyze_note(note, table.resolve_all(note), table)
        if analyzed_out is not None:
            analyzed_out.append(analyzed)
        written.vocabulary.add(analyzed)
        written.states[note.path] = IndexedState.of(analyzed)
        writer.add_document(**schema.document(analyzed))
        if on_progress:
            on_progress(count)
    return written


def _every_step(report: Callable[[int, int], None]) -> Callable[[int], None]:
    """A progress function, given how many steps are done, that calls ``report(done,
    new)`` each time ``PROGRESS_STEP`` new steps are done."""
    reported = 0

    def progress(done: int) -> None:
        nonlocal reported
        if done >= reported + PROGRESS_STEP:
            report(done, done - reported)
            reported = done

    return progress


@dataclass
class BuiltIndex:
    """A garden written into a new index: its entries and warnings in path order, its
    link table, and what writing produced."""

    entries: list[NoteEntry]
    warnings: list[VaultWarning]
    table: LinkTable
    written: WrittenNotes

    @property
    def searchable(self) -> int:
        return sum(1 for entry in self.entries if entry.searchable)


def build_all(notes_dir: Path, index_dir: Path, exclude: list[str],
              on_progress: Callable[[int, int], None] | None) -> BuildSummary:
    """Build every note of ``notes_dir`` into a new generation of ``index_dir`` and make
    it live; a failed build (disk full, Ctrl-C) never becomes live."""
    files = find_files(notes_dir, exclude)
    total = 2 * len(files.notes)  # each note is read, then (if searchable) written
    progress = (lambda done: on_progress(done, total)) if on_progress else None
    generation = generations.new_generation(index_dir)
    try:
        built = write_generation(generation, notes_dir, files, progress)
        warnings = [*files.warnings, *built.warnings]
        written_files = make_side_files(
            new_token(), notes_dir, exclude, files, {entry.path: entry for entry in built.entries},
            built.written.states, built.written.vocabulary, built.table, warnings,
            storage.latest_generation(generation))
        for name, data in written_files.items():
            generations.write_atomically(generation / name,
                                         side_files.file_bytes(name, data))
    except BaseException:
        generations.remove_leftovers(index_dir, keep=generations.live_generation(index_dir))
        raise
    generations.switch_to(index_dir, generation)
    if on_progress:
        on_progress(total, total)
    return BuildSummary(notes=built.searchable, added=built.searchable, full=True,
                        warnings=[str(w) for w in warnings])


def write_generation(generation: Path, root: Path, files: GardenFiles,
                 on_progress: Callable[[int], None] | None = None) -> BuiltIndex:
    """Read every note of ``files`` and write the searchable ones as a new Whoosh
    index in the empty folder ``generation``.

    ``on_progress`` gets, now and then, how many steps are done out of two per note
    (read, then written).
    """
    ix = storage.create_index(generation)
    processes = parallel.processes("build", len(files.notes))
    if processes > 1:
        return _create_in_workers(ix, generation, root, files, processes, on_progress)

    def report(done: int, _: int) -> None:
        if on_progress:
            on_progress(done)

    progress = _every_step(report)
    vault = read_vault(root, files=files, on_progress=progress)
    writer = storage.writer(ix)
    analyzed: list[AnalyzedNote] = []
    try:
        written = write_notes(writer, [n for n in vault.notes if n.searchable], vault.links,
                              on_progress=lambda count: progress(len(files.notes) + count),
                              analyzed_out=analyzed)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    _write_snapshot(generation, 0, [(with_title(note, entry.title), entry)
                                    for note, entry in zip(vault.notes, vault.entries,
                                                           strict=True)],
                    analyzed, vault.links)
    return BuiltIndex(list(vault.entries), list(vault.warnings)[len(files.warnings):],
                      vault.links, written)


def _write_share(root: Path, shares: Sequence[Sequence[str]], generation: Path,
                 worker: parallel.Worker) -> tuple[object, WrittenNotes]:
    """In a worker: read its share of the garden, send their entries, receive the
    garden's link table, then analyse and write the share's searchable notes as one
    segment; returns the segment and what writing produced.

    The parsed notes stay in the worker: only entries and the segment travel.
    """
    number = worker.number
    progress = _every_step(lambda _, new: worker.report(new))
    read = read_notes(root, shares[number], on_progress=progress)
    worker.send(([entry for _, entry in read.notes], read.warnings))
    table: LinkTable = worker.receive()
    notes = [with_title(note, table.titles[note.path]) for note, _ in read.notes
             if note.searchable]
    analyzed: list[AnalyzedNote] = []
    segment, written = None, WrittenNotes()
    if notes:
        writer = storage.share_writer(generation)
        written = write_notes(writer, notes, table,
                              on_progress=lambda count: progress(len(shares[number]) + count),
                              analyzed_out=analyzed)
        segment = storage.finish_share(writer)
    _write_snapshot(generation, number, read.notes, analyzed, table if number == 0 else None)
    return segment, written


def _write_snapshot(generation: Path, number: int, read: Sequence[tuple[Note, NoteEntry]],
                    analyzed: Sequence[AnalyzedNote], table: LinkTable | None) -> None:
    """Leave what this build read and analysed for the export (see ``snapshot``)."""
    by_path = {item.note.path: item for item in analyzed}
    write_snapshot(generation, number, [SnapshotNote(note, entry, by_path.get(note.path))
                                        for note, entry in read], table)


def _create_in_workers(ix, generation: Path, root: Path, files: GardenFiles, processes: int,
                       on_progress: Callable[[int], None] | None) -> BuiltIndex:
    size = -(-len(files.notes) // processes)
    shares = [files.notes[start:start + size] for start in range(0, len(files.notes), size)]
    done = 0

    def advanced(new: int) -> None:
        nonlocal done
        done += new
        on_progress(done)

    report = advanced if on_progress else None
    with parallel.ForkedWorkers(len(shares),
                                partial(_write_share, root, shares, generation)) as workers:
        read = workers.gather(report)
        entries = [entry for share_entries, _ in read for entry in share_entries]
        warnings = [warning for _, share_warnings in read for warning in share_warnings]
        table = link_table(entries, display_titles(entries), files.assets)
        workers.send_all(table)
        results = workers.gather(report)
    segments = [segment for segment, _ in results if segment is not None]
    searchable = sum(1 for entry in entries if entry.searchable)
    if sum(storage.segment_documents(segment) for segment in segments) != searchable:
        raise RuntimeError("a worker lost documents while writing the index")
    # Shares are in path order, so the documents of the whole index are too.
    storage.list_segments(ix, generation, segments)
    written = WrittenNotes()
    for _, part in results:
        written.merge(part)
    return BuiltIndex(entries, warnings, table, written)
