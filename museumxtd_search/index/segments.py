"""Read, analyse and write notes into Whoosh, on every core for large gardens.

Whoosh's writer is pure Python and dominates a full build (profiled at 10,000 notes:
about 80 % of the time in ``add_document`` and the posting sort and write of
``commit``). A Whoosh index may consist of several segments, read as one: a large
full build forks one worker per core, each reading its contiguous share of the notes
(in path order) and sending back their entries; the parent builds the garden's link
table from all entries and sends it to every worker, which then analyses and writes
its share as one segment; the parent writes the table of contents that lists them.
Parsed notes never leave their worker: only entries, the table and the segments'
descriptions (with vocabulary counts) travel.

This uses three pieces of Whoosh below its public API, the same ones Whoosh's own
``MpWriter(multisegment=True)`` uses (a writer with ``_lk=False``,
``_finalize_segment``, ``TOC.write``). ``MpWriter`` itself is not used: it pickles
every document through files, and a worker that dies leaves it waiting or silently
drops that worker's documents, where ``workers.run_in_forks`` raises.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import whoosh.index
from whoosh.index import TOC, clean_files

from museumxtd_search.analysis.documents import AnalyzedNote, analyze_note
from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.index import store
from museumxtd_search.index.schema import build_schema
from museumxtd_search.index.terms_writer import TermsWriter
from museumxtd_search.parallel import Channel, ForkedWorkers
from museumxtd_search.rules import FIELD_WEIGHTS
from museumxtd_search.snapshot import SnapshotNote, write_snapshot
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import GardenFiles
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.reading import read_notes, read_vault, with_title
from museumxtd_search.vault.resolver import LinkTable

# Whoosh spills postings to disk (pickling each one) when its pool exceeds this; its
# accounting underestimates, so leave room: a 10k-note garden then sorts in memory,
# which was 2x faster than the default external sort.
WRITER_MEMORY_MB = 2048
# From this many notes a full build writes one segment per core: below it, starting
# workers costs more than it saves. Measured here (whole `index --full` processes,
# median of 7 to 9): 12 notes 0.36 s in one process, 0.39 s with two workers; 38 notes
# 0.69 s / 0.62 s; the 199-note corpus 1.25 s / 1.00 s.
PARALLEL_THRESHOLD = 30
# Workers report progress every this many notes.
PROGRESS_STEP = 50


# An update folds into its new segment every segment holding fewer than this share of
# the index's documents (see ``merge_small_segments``).
SMALL_SEGMENT_SHARE = 0.1


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy for updates: segments under ``SMALL_SEGMENT_SHARE`` of the
    documents are folded into the segment being written; the others stay as they are.

    Editing the same note five times left, under Whoosh's own ``MERGE_SMALL``, five
    one-document segments (four of them wholly deleted) beside the build's; each costs
    every query a term-table lookup per word and its opening. Here a garden keeps its
    build's segments plus one small one, and emptied segments go away. Deleted
    documents are left out by the merge; rankings do not move (``IndexStatistics``
    takes the build's statistics, tested against full builds).
    """
    from whoosh.reading import SegmentReader

    total = sum(segment.doc_count_all() for segment in segments)
    kept = []
    for segment in segments:
        if segment.doc_count_all() >= SMALL_SEGMENT_SHARE * total:
            kept.append(segment)
            continue
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return kept


@dataclass
class WrittenNotes:
    """What writing notes produced besides postings: their vocabulary counts and, per
    path, the state an update compares (content hash, links signature, title)."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    states: dict[str, list] = field(default_factory=dict)

    def merge(self, other: WrittenNotes) -> None:
        self.vocabulary.merge(other.vocabulary)
        self.states.update(other.states)


# Every field BM25F scores: the weighted ones and the exact-accent bonus field.
SCORED_FIELDS = (*FIELD_WEIGHTS, "exact")


def indexed_state(analyzed: AnalyzedNote) -> list:
    """What decides whether a note's index entry is still right (content hash, links
    signature, display title: when any changes, the note is written again), and the
    length of each scored field (what the collection statistics are summed from)."""
    note = analyzed.note
    return [note.content_hash, analyzed.links_signature, note.title,
            [len(analyzed.fields[name]) for name in FIELD_WEIGHTS] + [len(analyzed.exact)]]


def collection_statistics(states: Iterable[list]) -> dict[str, object]:
    """The BM25 statistics of the notes indexed now: their number and each field's
    total length. Whoosh's own counts keep deleted documents until segments merge,
    so after an update they would rank differently from a full build; these do not."""
    totals = [0] * len(SCORED_FIELDS)
    documents = 0
    for state in states:
        documents += 1
        for number, length in enumerate(state[3]):
            totals[number] += length
    return {"documents": documents, "field_lengths": dict(zip(SCORED_FIELDS, totals, strict=True))}


def document(analyzed: AnalyzedNote) -> dict[str, object]:
    """The Whoosh document of an analysed note: term lists for ``TermsWriter``."""
    note = analyzed.note
    fields: dict[str, object] = dict(analyzed.fields)
    fields.update(
        path=note.path,
        exact=analyzed.exact,
        keys=analyzed.title_keys,
        tag_keys=analyzed.tag_keys,
        link_paths=analyzed.link_paths,
        boosted=["yes"] if note.boost != 1.0 else [],
        meta=store.dump_json(stored_meta(analyzed)),
        title_order=note.title.lower().encode("utf-8"),
    )
    return fields


def stored_meta(analyzed: AnalyzedNote) -> dict[str, object]:
    """What a search result shows, stored with the note so a query never reads the garden
    (and an update can take the note's old words back from the vocabulary)."""
    note = analyzed.note
    return {
        "title": note.title,
        "tags": list(note.tags),
        "aliases": list(note.aliases),
        "text": note.text,
        "language": note.language,
        "sections": [[s.heading, s.anchor, s.start] for s in note.sections],
        "boost": note.boost,
        "hash": note.content_hash,
        "links": analyzed.links_signature,
    }


def write_notes(writer, notes: Sequence[Note], table: LinkTable, update: bool,
                on_note: Callable[[], None] | None = None,
                analyzed_out: list[AnalyzedNote] | None = None) -> WrittenNotes:
    """Analyse each note and add (or, with ``update``, replace) its document; the
    analyses are appended to ``analyzed_out`` when given."""
    written = WrittenNotes()
    add = writer.update_document if update else writer.add_document
    for note in notes:
        analyzed = analyze_note(note, table.resolve_all(note), table)
        if analyzed_out is not None:
            analyzed_out.append(analyzed)
        written.vocabulary.add(analyzed)
        written.states[note.path] = indexed_state(analyzed)
        add(**document(analyzed))
        if on_note:
            on_note()
    return written


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


def create_index(generation: Path, root: Path, files: GardenFiles,
                 on_progress: Callable[[int], None] | None = None) -> BuiltIndex:
    """Read every note of ``files`` and write the searchable ones as a new Whoosh
    index in the empty folder ``generation``.

    ``on_progress`` gets, now and then, how many steps are done out of two per note
    (read, then written).
    """
    ix = whoosh.index.create_in(str(generation), build_schema())
    workers = min(os.cpu_count() or 1, 4)
    if len(files.notes) >= PARALLEL_THRESHOLD and workers >= 2 and os.name == "posix":
        return _create_in_workers(ix, generation, root, files, workers, on_progress)
    steps = 0

    def step(*_: object) -> None:
        nonlocal steps
        steps += 1
        if on_progress and steps % PROGRESS_STEP == 0:
            on_progress(steps)

    vault = read_vault(root, files=files, on_progress=step)
    writer = TermsWriter(ix, limitmb=WRITER_MEMORY_MB)
    analyzed: list[AnalyzedNote] = []
    try:
        written = write_notes(writer, [n for n in vault.notes if n.searchable], vault.links,
                              update=False, on_note=step, analyzed_out=analyzed)
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


def _share_worker(number: int, root: Path, paths: Sequence[str], generation: Path, progress,
                  channel: Channel) -> None:
    """In a worker: read a share of the garden, send its entries, receive the garden's
    link table, then analyse and write the share's searchable notes as one segment.

    The parsed notes stay in the worker: only entries and the segment travel.
    """
    pending = 0

    def step(*_: object) -> None:
        nonlocal pending
        pending += 1
        if pending == PROGRESS_STEP:
            with progress.get_lock():
                progress.value += pending
            pending = 0

    read = read_notes(root, paths, on_progress=step, parallel=False)
    channel.send(([entry for _, entry in read.notes], read.warnings))
    table: LinkTable = channel.receive()
    notes = [with_title(note, table.titles[note.path]) for note, _ in read.notes
             if note.searchable]
    analyzed: list[AnalyzedNote] = []
    segment, written = None, WrittenNotes()
    if notes:
        writer = TermsWriter(whoosh.index.open_dir(str(generation)), _lk=False,
                             limitmb=WRITER_MEMORY_MB)
        written = write_notes(writer, notes, table, update=False, on_note=step,
                              analyzed_out=analyzed)
        segment = writer._finalize_segment()
    _write_snapshot(generation, number, read.notes, analyzed, table if number == 0 else None)
    channel.send((segment, written))


def _write_snapshot(generation: Path, number: int, read: Sequence[tuple[Note, NoteEntry]],
                    analyzed: Sequence[AnalyzedNote], table: LinkTable | None) -> None:
    """Leave what this build read and analysed for the export (see ``snapshot``)."""
    by_path = {item.note.path: item for item in analyzed}
    write_snapshot(generation, number, [SnapshotNote(note, entry, by_path.get(note.path))
                                        for note, entry in read], table)


def _create_in_workers(ix, generation: Path, root: Path, files: GardenFiles, workers: int,
                       on_progress: Callable[[int], None] | None) -> BuiltIndex:
    progress = multiprocessing.get_context("fork").Value("l", 0)
    report = (lambda: on_progress(progress.value)) if on_progress else None
    size = -(-len(files.notes) // workers)
    shares = [files.notes[start:start + size] for start in range(0, len(files.notes), size)]
    with ForkedWorkers([partial(_share_worker, number, root, share, generation, progress)
                        for number, share in enumerate(shares)]) as forked:
        read = forked.gather(report)
        entries = [entry for share_entries, _ in read for entry in share_entries]
        warnings = [warning for _, share_warnings in read for warning in share_warnings]
        table = link_table(entries, display_titles(entries), files.assets)
        forked.send_each([table] * len(shares))
        results = forked.gather(report)
    segments = [segment for segment, _ in results if segment is not None]
    searchable = sum(1 for entry in entries if entry.searchable)
    if sum(segment.doc_count_all() for segment in segments) != searchable:
        raise RuntimeError("a worker lost documents while writing the index")
    if segments:
        # Shares are in path order, so the documents of the whole index are too.
        TOC(ix.schema, segments, 1).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, 1, segments)
    shutil.rmtree(generation / f"{ix.indexname}.tmp", ignore_errors=True)
    written = WrittenNotes()
    for _, part in results:
        written.merge(part)
    return BuiltIndex(entries, warnings, table, written)
