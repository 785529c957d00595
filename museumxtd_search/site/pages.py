"""Render and write one page per note, on every core for large gardens.

Rendering Markdown is the slowest part of an export and each page is independent, so
for a large garden forked worker processes start rendering as soon as the page URLs
and backlinks are known, while the main process writes the client index and the other
pages; then the main process renders too. Notes are cut into small chunks that every
process takes from one shared counter, so whoever is free renders the next chunk and
no core waits for another. Forking shares the already-read garden with the workers, so
nothing but page counts travels back. The pages are the same however many processes
render them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from museumxtd_search.site.markdown_render import NoteRenderer, breadcrumbs
from museumxtd_search.site.page_parts import note_dates, table_of_contents
from museumxtd_search.site.templates import environment
from museumxtd_search.site.urls import asset_url, relative_root, tag_url
from museumxtd_search.site.writer import SiteWriter
from museumxtd_search.text.keys import key
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.resolver import LinkTable

# Below this many notes a second process costs more than it saves. Forking costs tens
# of milliseconds; the real 199-note garden renders ~0.8 s of Markdown, and exports
# 10-25 % faster with a page worker (measured with 50, 100 and 500 here).
PARALLEL_THRESHOLD = 100
# Notes per chunk: small enough that the last chunks end together, large enough that
# taking one is rare.
CHUNK_SIZE = 50


@dataclass
class NotePages:
    """Everything needed to render the note pages (shared with forked workers)."""

    notes: Sequence[Note]
    table: LinkTable
    urls: dict[str, str]
    backlinks: dict[str, list[dict[str, str]]]
    folders: list[Path]
    common: dict[str, object]
    allow_html: bool
    out: Path
    titles: dict[str, str] = field(default_factory=dict)


@dataclass
class PagesWritten:
    pages: int = 0
    assets: set[str] = field(default_factory=set)
    unrendered: list[str] = field(default_factory=list)

    def add(self, other: PagesWritten) -> None:
        self.pages += other.pages
        self.assets |= other.assets
        self.unrendered += other.unrendered


class _PageMaker:
    """One process's template, Markdown renderer and writer, built once."""

    def __init__(self, job: NotePages) -> None:
        self.job = job
        self.template = environment(job.folders).get_template("note.html")
        self.renderer = NoteRenderer(job.table, job.urls, asset_url, job.allow_html,
                                     {note.path: note for note in job.notes})
        self.writer = SiteWriter(job.out)

    def write(self, indices: range) -> PagesWritten:
        """Render the notes at ``indices`` and write their pages."""
        job, template, writer = self.job, self.template, self.writer
        done = PagesWritten()
        for index in indices:
            note = job.notes[index]
            url = job.urls[note.path]
            root = relative_root(url)
            context = self.renderer.render(note, root)
            done.assets |= context.used_assets
            if context.unrendered:
                done.unrendered.append(note.path)
            first = note.headings[0] if note.headings else None
            writer.page(url, template.render(
                **{**job.common, "lang": note.language, "url": url}, root=root, note=note,
                body=context.html,
                show_title=not (first and first.level == 1 and first.text == note.title
                                and note.sections[1].start == 0),
                crumbs=breadcrumbs(note.path),
                tags=[{"name": t, "url": tag_url(key(t))} for t in note.tags],
                backlinks=job.backlinks.get(note.path, []),
                toc=table_of_contents(note), dates=note_dates(note),
            ))
            done.pages += 1
        return done


class _Chunks:
    """The chunks of a job and the counter of the next one to take, shared with the
    forked workers when ``shared`` (a raw integer behind a lock survives the fork)."""

    def __init__(self, count: int, size: int, shared: bool) -> None:
        self.ranges = [range(start, min(start + size, count)) for start in range(0, count, size)]
        self.lock = multiprocessing.get_context("fork").Lock() if shared else nullcontext()
        self.next = multiprocessing.get_context("fork").RawValue("l", 0) if shared \
            else _Counter()

    def take(self) -> int | None:
        """The number of the next chunk nobody took, or ``None`` when all are taken."""
        with self.lock:
            number = self.next.value
            self.next.value = number + 1
        return number if number < len(self.ranges) else None

    def stop(self) -> None:
        """Leave nothing more to take (an error elsewhere ends the export)."""
        with self.lock:
            self.next.value = len(self.ranges)


@dataclass
class _Counter:
    value: int = 0


def _render_taken(maker: _PageMaker, chunks: _Chunks) -> dict[int, PagesWritten]:
    """Render chunk after chunk until none is left; results by chunk number."""
    results = {}
    try:
        while (number := chunks.take()) is not None:
            results[number] = maker.write(chunks.ranges[number])
    except BaseException:
        chunks.stop()  # the export fails: the other processes need not go on
        raise
    return results


_SHARED: tuple[NotePages, _Chunks] | None = None


def _worker_start(parent: int) -> None:
    """Pool initializer: end this worker when the process that forked it is gone.

    A worker that outlived a SIGKILLed export would go on writing into a folder the
    next export deletes, or wait forever on its result queue.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_render() -> dict[int, PagesWritten]:
    assert _SHARED is not None, "a page worker must be forked from start_note_pages"
    job, chunks = _SHARED
    return _render_taken(_PageMaker(job), chunks)


class NotePageRendering:
    """Note pages being rendered by background workers (if any).

    ``finish`` renders what is left in this process, waits for the workers and
    returns the totals; leaving the ``with`` block on an error stops and waits for the
    workers first, so nothing writes into the site once the caller cleans it up.
    """

    def __init__(self, job: NotePages, workers: int) -> None:
        global _SHARED
        self.job = job
        self.chunks = _Chunks(len(job.notes), CHUNK_SIZE, shared=workers > 0)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[dict[int, PagesWritten]]] = []
        if not workers:
            return
        # Objects alive now stay alive for the whole export: frozen, the collector
        # neither walks them again nor (in the workers) copies their memory by touching it.
        gc.freeze()
        _SHARED = (job, self.chunks)
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_start, initargs=(os.getpid(),))
        self.futures = [self.pool.submit(_worker_render) for _ in range(workers)]

    def finish(self) -> PagesWritten:
        """Render the chunks nobody took yet here, then gather every process's pages."""
        results = _render_taken(_PageMaker(self.job), self.chunks)
        for future in self.futures:
            results.update(future.result())
        self._close()
        total = PagesWritten()
        for number in sorted(results):
            total.add(results[number])
        return total

    def _close(self) -> None:
        global _SHARED
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
            _SHARED = None
            gc.unfreeze()

    def __enter__(self) -> NotePageRendering:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is not None:
            self.chunks.stop()
            self._close()


def worker_count(notes: int) -> int:
    """Background workers for ``notes`` notes: one per core beside this process, none for
    a small garden or where processes cannot be forked."""
    cores = min(os.cpu_count() or 1, 4)
    if notes < PARALLEL_THRESHOLD or cores < 2 or os.name != "posix":
        return 0
    return cores - 1


def start_note_pages(job: NotePages) -> NotePageRendering:
    """Start rendering the note pages of ``job`` in the background (for a large garden);
    call ``finish()`` on the result, ideally in a ``with`` block."""
    return NotePageRendering(job, worker_count(len(job.notes)))
