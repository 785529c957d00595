"""Render and write one page per note, on every core for large gardens.

Rendering Markdown is the slowest part of an export and each page is independent, so
for a large garden forked worker processes start rendering as soon as the page URLs
and backlinks are known, while the main process writes the client index and the other
pages; then the main process renders too. Notes are cut into small chunks that every
process takes from one shared queue, so whoever is free renders the next chunk and
no core waits for another. Forking shares the already-read garden with the workers, so
nothing but page counts, assets and dead references travels back. The pages are the
same however many processes render them.

Each page's references are checked for the export's report where the page is rendered:
reading them from the Markdown is as slow as a tenth of the rendering, so it is done on
every core too (``vault.references`` is the one definition of a dead reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from museumxtd_search import parallel
from museumxtd_search.engine.related import RelatedNotes
from museumxtd_search.site.folders import breadcrumbs, folder_urls
from museumxtd_search.site.markdown_render import NoteRenderer
from museumxtd_search.site.page_parts import (
    note_dates,
    property_link_lines,
    table_of_contents,
)
from museumxtd_search.site.templates import environment
from museumxtd_search.site.ui_text import page_language
from museumxtd_search.site.urls import asset_url, relative_root, tag_url
from museumxtd_search.site.writer import SiteWriter
from museumxtd_search.text.keys import key
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.references import Reference, note_references
from museumxtd_search.vault.resolver import LinkTable

# Notes per chunk: small enough that the last chunks end together, large enough that
# taking one is rare.
CHUNK_SIZE = 50


@dataclass
class NotePages:
    """Everything needed to render the note pages (shared with forked workers)."""

    notes: Sequence[Note]
    table: LinkTable
    urls: dict[str, str]
    # The notes linking to each note (listed on its page, sorted where it is rendered).
    backlinks: dict[str, set[str]]
    folders: list[Path]
    common: dict[str, object]
    allow_html: bool
    out: Path
    titles: dict[str, str] = field(default_factory=dict)
    # Each note's related notes (``related_items``): path, title, url, reasons; those
    # missing are worked out from ``related_model`` by the process rendering the page
    # (an export's are, on every core).
    related: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    related_model: RelatedNotes | None = None

    def related_of(self, path: str) -> list[dict[str, object]]:
        found = self.related.get(path)
        if found is None and self.related_model is not None:
            found = related_items(self.related_model, path, self.urls,
                                  str(self.common["site_lang"]))
        return found or []


def related_items(model: RelatedNotes, path: str, urls: dict[str, str],
                  site_lang: str) -> list[dict[str, object]]:
    """The related notes of the note at ``path`` as its page lists them (``[]`` for a
    note outside ``model``, kept out of search), reasons in the page's language
    (``ui_text.page_language``), which its page declares (``<html lang>``)."""
    analyzed = model.notes.get(path)
    if analyzed is None:
        return []
    language = page_language(analyzed.note, site_lang)
    return [{"path": near.path, "title": near.title, "url": urls[near.path],
             "reasons": list(near.reasons_in(language))} for near in model.related(analyzed)]


@dataclass
class PagesWritten:
    pages: int = 0
    assets: set[str] = field(default_factory=set)
    unrendered: list[str] = field(default_factory=list)
    # The references that lead nowhere, note by note in reading order.
    dead: list[Reference] = field(default_factory=list)

    def add(self, other: PagesWritten) -> None:
        self.pages += other.pages
        self.assets |= other.assets
        self.unrendered += other.unrendered
        self.dead += other.dead


class _PageMaker:
    """One process's template, Markdown renderer and writer, built once."""

    def __init__(self, job: NotePages) -> None:
        self.job = job
        self.template = environment(job.folders).get_template("note.html")
        self.by_path = {note.path: note for note in job.notes}
        self.renderer = NoteRenderer(job.table, job.urls, asset_url, job.allow_html,
                                     self.by_path, lang=str(job.common["site_lang"]))
        self.writer = SiteWriter(job.out)
        self.folder_urls = folder_urls(job.urls)

    def backlinks(self, path: str) -> list[dict[str, str]]:
        """The notes linking to ``path`` as its page lists them: by title, then path
        (equal titles keep one order, so two exports give the same bytes)."""
        job = self.job
        found = [{"path": source, "title": job.titles[source], "url": job.urls[source]}
                 for source in job.backlinks.get(path, ())]
        return sorted(found, key=lambda item: (item["title"].lower(), item["path"]))

    def _inline(self, note: Note, markdown: str, root: str, done: PagesWritten) -> str:
        """``markdown`` (one line of links) rendered as part of ``note``, without its
        paragraph; the files it links to join ``done``'s."""
        context = self.renderer.render(replace(note, markdown=markdown), root)
        done.assets |= context.used_assets
        return context.html.strip().removeprefix("<p>").removesuffix("</p>")

    def write(self, indices: Sequence[int]) -> PagesWritten:
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
            body = context.html
            property_links = [{"name": name, "html": self._inline(note, markdown, root, done)}
                              for name, markdown in property_link_lines(note)]
            done.dead += [reference for reference in
                          note_references(job.table, note, self.by_path) if reference.dead]
            first = note.headings[0] if note.headings else None
            writer.page(url, template.render(
                **{**job.common, "lang": page_language(note, str(job.common["site_lang"])),
                   "url": url}, root=root, note=note,
                body=body, property_links=property_links,
                show_title=not (first and first.level == 1 and first.text == note.title
                                and note.sections[1].start == 0),
                crumbs=breadcrumbs(note.path, self.folder_urls),
                tags=[{"name": t, "url": tag_url(key(t))} for t in note.tags],
                backlinks=self.backlinks(note.path),
                related=job.related_of(note.path),
                toc=table_of_contents(note), dates=note_dates(note, job.common["site_lang"]),
            ))
            done.pages += 1
        return done


class NotePageRendering:
    """Note pages being rendered by background workers (if any), in a ``with`` block.

    ``finish`` renders what is left in this process, waits for the workers and
    returns the totals; leaving the block on an error ends the workers first, so
    nothing writes into the site once the caller cleans it up.
    """

    def __init__(self, job: NotePages, processes: int) -> None:
        self.job = job
        self.chunks = parallel.chunks(len(job.notes), CHUNK_SIZE)
        # This process is one of ``processes``: it renders once the rest is written.
        self.workers = parallel.ForkedWorkers(processes - 1, self._render_taken,
                                              chunks=len(self.chunks))

    def _render_taken(self, taker: parallel.Worker | parallel.ForkedWorkers
                      ) -> dict[int, PagesWritten]:
        """Render chunk after chunk until none is left; results by chunk number."""
        maker = _PageMaker(self.job)
        results = {}
        while (number := taker.take()) is not None:
            results[number] = maker.write(self.chunks[number])
        return results

    def finish(self) -> PagesWritten:
        """Render the chunks nobody took yet here, then gather every process's pages."""
        results = self._render_taken(self.workers)
        for worker_results in self.workers.gather():
            results.update(worker_results)
        total = PagesWritten()
        for number in sorted(results):
            total.add(results[number])
        return total

    def __enter__(self) -> NotePageRendering:
        self.workers.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.workers.close()


def start_note_pages(job: NotePages) -> NotePageRendering:
    """Start rendering the note pages of ``job`` in the background (for a large garden)
    when its ``with`` block starts; call ``finish()`` in it."""
    return NotePageRendering(job, parallel.processes("render", len(job.notes)))
