"""Render and write one page per note, on every core for large gardens.

Rendering Markdown is the slowest part of an export and each page is independent,
so large gardens are split between forked worker processes. Forking shares the
already-read garden with the workers, so nothing but page counts travels back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from museumxtd_search.analysis.pipeline import key
from museumxtd_search.site.markdown_render import NoteRenderer, breadcrumbs
from museumxtd_search.site.templates import environment
from museumxtd_search.site.urls import asset_url, relative_root, tag_url
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.resolver import LinkTable

# Below this many notes a second process costs more than it saves.
PARALLEL_THRESHOLD = 500


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


@dataclass
class PagesWritten:
    pages: int = 0
    assets: set[str] = field(default_factory=set)
    unrendered: list[str] = field(default_factory=list)

    def add(self, other: PagesWritten) -> None:
        self.pages += other.pages
        self.assets |= other.assets
        self.unrendered += other.unrendered


_SHARED: NotePages | None = None


def _write(job: NotePages, indices: Sequence[int]) -> PagesWritten:
    """Render the notes at ``indices`` and write their pages."""
    from museumxtd_search.site.export import SiteWriter

    template = environment(job.folders).get_template("note.html")
    renderer = NoteRenderer(job.table, job.urls, asset_url, job.allow_html)
    writer = SiteWriter(job.out)
    done = PagesWritten()
    for index in indices:
        note = job.notes[index]
        url = job.urls[note.path]
        root = relative_root(url)
        context = renderer.render(note, root)
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
        ))
    done.pages = writer.pages
    return done


def _write_shared(indices: list[int]) -> PagesWritten:
    assert _SHARED is not None
    return _write(_SHARED, indices)


def write_note_pages(job: NotePages) -> PagesWritten:
    """Write every note page of ``job``; output is the same however many processes."""
    global _SHARED
    everything = list(range(len(job.notes)))
    workers = min(os.cpu_count() or 1, 4)
    if len(everything) < PARALLEL_THRESHOLD or workers < 2 or os.name != "posix":
        return _write(job, everything)
    size = max(100, len(everything) // (workers * 4))
    chunks = [everything[i:i + size] for i in range(0, len(everything), size)]
    total = PagesWritten()
    _SHARED = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for done in pool.map(_write_shared, chunks):
                total.add(done)
    finally:
        _SHARED = None
    return total
