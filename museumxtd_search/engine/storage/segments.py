"""Whoosh indexes as the builds use them: create, open, write segments, commit, merge.

A full build writes one segment per core: each worker writes its share of the notes
with a writer that takes no lock (``share_writer``) and finishes it as a segment
(``finish_share``); the parent then lists the segments in a new table of contents
(``list_segments``). These are the same internals Whoosh's own
``MpWriter(multisegment=True)`` uses (a writer with ``_lk=False``,
``_finalize_segment``, ``TOC.write``); ``MpWriter`` itself is not used: it pickles
every document through files, and a worker that dies leaves it waiting or silently
drops that worker's documents, where ``parallel.ForkedWorkers`` raises.

Updates go through Whoosh's own commit (new segment, then the table of contents
renamed into place: all or nothing), folding small segments into the new one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import whoosh.index
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader, TermNotFound

from museumxtd_search.engine.storage.schema import build_schema
from museumxtd_search.engine.storage.terms_writer import TermsWriter

# Whoosh spills postings to disk (pickling each one) when its pool exceeds this; its
# accounting underestimates, so leave room: a 10k-note garden then sorts in memory,
# which was 2x faster than the default external sort.
WRITER_MEMORY_MB = 2048
# An update folds into its new segment every segment holding fewer than this share of
# the index's documents (see ``merge_small_segments``).
SMALL_SEGMENT_SHARE = 0.1

def create_index(folder: Path):
    """A new, empty index with our schema in the empty ``folder``."""
    return whoosh.index.create_in(str(folder), build_schema())


def open_index(folder: Path, readonly: bool = False):
    """The Whoosh index in ``folder``, its files read plainly rather than mmapped:
    Whoosh copies each mmapped part of a compound segment into a ``BytesIO`` when it
    opens it (at 10,000 notes, 25 ms for a searcher and 0.2 s for an update's reader)."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder), supports_mmap=False, readonly=readonly).open_index()


def latest_generation(folder: Path) -> int | None:
    """The generation number of the index's newest table of contents (Whoosh's commit
    counter), or ``None`` when there is no readable index in ``folder``."""
    try:
        return whoosh.index.open_dir(str(folder)).latest_generation()
    except (OSError, ValueError, whoosh.index.IndexError):
        return None


def writer(index) -> TermsWriter:
    """A writer of a new segment of ``index`` (a one-process build, or an update)."""
    return TermsWriter(index, limitmb=WRITER_MEMORY_MB)


def share_writer(folder: Path) -> TermsWriter:
    """In a build worker: a writer of one segment of the index being built in
    ``folder``, taking no lock (the parent lists the segments at the end)."""
    return TermsWriter(whoosh.index.open_dir(str(folder)), _lk=False, limitmb=WRITER_MEMORY_MB)


def finish_share(share: TermsWriter):
    """Write the worker's segment files; the returned segment travels to the parent."""
    return share._finalize_segment()


def segment_documents(segment) -> int:
    """The number of documents a finished segment holds (deleted ones included)."""
    return segment.doc_count_all()


def list_segments(index, folder: Path, segments: list) -> None:
    """Make ``segments`` (in document order) the index's first generation, and remove
    the workers' temporary files."""
    if segments:
        TOC(index.schema, segments, 1).write(index.storage, index.indexname)
        clean_files(index.storage, index.indexname, 1, segments)
    shutil.rmtree(folder / f"{index.indexname}.tmp", ignore_errors=True)


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy for updates: segments under ``SMALL_SEGMENT_SHARE`` of the
    documents are folded into the segment being written; the others stay as they are.

    Editing the same note five times left, under Whoosh's own ``MERGE_SMALL``, five
    one-document segments (four of them wholly deleted) beside the build's; each costs
    every query a term-table lookup per word and its opening. Here a garden keeps its
    build's segments plus one small one, and emptied segments go away. Deleted
    documents are left out by the merge; rankings do not move (the searcher takes the
    build's statistics, tested against full builds).
    """
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


def commit_update(update: TermsWriter) -> None:
    """Commit an update, folding small segments into its new one."""
    update.commit(mergetype=merge_small_segments)


def take_out(update: TermsWriter, paths: Iterable[str]) -> list[tuple[str, dict]]:
    """Delete the indexed notes of ``paths``; return (path, stored meta) of each one
    found, as it was indexed (what the vocabulary takes back).

    Notes are found by their ``path`` term through the writer's reader, so an update
    opens the index once. Whoosh's ``update_document`` and ``delete_by_term`` would do
    it through a searcher, whose modules (``whoosh.searching``, ``whoosh.query``) an
    update otherwise never loads: about 40 ms of a one-note update.
    """
    found = []
    with update.reader() as reader:
        for path in paths:
            try:
                docnums = list(reader.postings("path", path).all_ids())  # live ones only
            except TermNotFound:
                continue
            if not docnums:
                continue
            found.append((path, json.loads(reader.stored_fields(docnums[0])["meta"])))
            for docnum in docnums:
                update.delete_document(docnum)
    return found
