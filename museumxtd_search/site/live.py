"""A live preview: ``serve --watch`` keeps the exported site in step with the notes.

``LiveSite`` exports the garden once and keeps what it read in memory. ``refresh``
(called a few times a second) lists the garden's files; when notes were edited it
re-reads only those and rewrites what they change:

- their own pages, the pages whose backlinks change (the notes they linked to before
  and link to now) and the pages that embed them;
- the lists (all notes, tags, home) when a title or a tag changed;
- the files of the search index whose data changed (the fragment of each note, the
  shards and buckets of the words it gained or lost, the manifest), updated in place
  (``site.client_index_update``) rather than built again.

A note added, removed or renamed, a file added or removed, a change of names (a
title or alias, which moves links elsewhere), or a draft published or a note made one
(``Note.published``) exports the site again whole; editing a draft writes nothing. Whatever
goes wrong while refreshing (a note that cannot be read, a bad template) is a problem
the preview shows, in the terminal and on the page, and the last good site stays
served. ``version`` grows with each refresh, so open pages reload (``site.serve``).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from museumxtd_search.analysis.documents import AnalyzedNote, analyze_note
from museumxtd_search.engine.related import RelatedNotes
from museumxtd_search.site.client_index import build_client_index
from museumxtd_search.site.client_index_update import ClientIndexUpdate, write_changed
from museumxtd_search.site.export import (
    ExportSummary,
    SearchData,
    SitePlan,
    _site_title,
    _write_other_pages,
    export_site,
    pages_of,
    plan_site,
)
from museumxtd_search.site.pages import _PageMaker, related_items
from museumxtd_search.site.search_files import write_client_index
from museumxtd_search.site.templates import environment, template_folders
from museumxtd_search.site.ui_text import site_language
from museumxtd_search.site.urls import asset_url, document_url, page_urls
from museumxtd_search.site.writer import SiteWriter
from museumxtd_search.vault.files import (
    GardenFiles,
    find_files,
    is_attachment_name,
    read_search_settings,
)
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.obsidian_settings import SETTINGS_FILE, excluded_filters
from museumxtd_search.vault.reading import (
    Vault,
    chosen_for_publishing,
    on_site,
    published_vault,
    publishes_chosen_notes,
    read_notes,
    read_vault,
    with_title,
)
from museumxtd_search.vault.resolver import HOME_NOTES


@dataclass
class Refresh:
    """What one refresh did: the notes it re-read, the pages and search files it wrote,
    whether it exported everything again, its problems, and how long it took."""

    changed: list[str] = field(default_factory=list)
    pages: int = 0
    search_files: int = 0
    full: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        what = "exported again" if self.full else \
            f"{self.pages} page(s), {self.search_files} search file(s) rewritten"
        return f"{', '.join(self.changed) or 'garden'} changed: {what} in {self.seconds:.2f} s"

# Gardens up to this many searchable notes have every related-notes list worked out
# again on each save (under 0.1 s at 200 notes); larger ones only the nearest lists.
EXACT_RELATED_UP_TO = 500


class LiveSite:
    """An exported site kept up to date with its notes (see the module docstring)."""

    def __init__(self, notes_dir: Path, out: Path, exclude: Iterable[str] = (),
                 templates: Path | None = None, allow_html: bool = False,
                 site_title: str | None = None, base_url: str = "", drafts: bool = False,
                 lang: str | None = None) -> None:
        self.notes_dir, self.out, self.exclude = Path(notes_dir), Path(out), tuple(exclude)
        self.drafts = drafts  # shown too (``serve --watch --drafts``)
        self.lang = lang  # ``None``: the language of most notes, as the export decides
        self.templates, self.allow_html = templates, allow_html
        self.site_title, self.base_url = site_title, base_url
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()
        self.summary = self._export()

    # --- whole exports --------------------------------------------------------------

    def _export(self) -> ExportSummary:
        """Read and export the whole garden; remember what was read and analysed."""
        self.excluded = excluded_filters(self.notes_dir)  # read before the notes are
        garden = read_vault(self.notes_dir, self.exclude)
        self.chosen = publishes_chosen_notes(garden.notes)
        vault = self.vault = garden if self.drafts else published_vault(garden)
        self.files: GardenFiles = vault.files  # type: ignore[assignment]
        self.resolved = {note.path: vault.links.resolve_all(note) for note in vault.notes}
        analyzed = [analyze_note(n, self.resolved[n.path], vault.links)
                    for n in vault.notes if n.searchable]
        self.analyses = {item.note.path: item for item in analyzed}
        urls = self.urls = page_urls(note.path for note in pages_of(vault))
        # Built once, handed to the export, then kept and updated in place on each save.
        self.related_model = RelatedNotes(analyzed)
        client_index = build_client_index(
            analyzed, [document_url(item.note.path, urls) for item in analyzed],
            read_search_settings(self.notes_dir)[0].facets)
        # Given the whole garden, the export leaves the drafts out itself (and analyses
        # the notes again when there are any) and remembers every note for ``check``.
        summary = export_site(self.notes_dir, self.out, self.exclude, self.templates,
                              force=True, allow_html=self.allow_html,
                              site_title=self.site_title, vault=garden,
                              base_url=self.base_url, analyzed=analyzed,
                              search=SearchData(self.related_model, client_index),
                              drafts=self.drafts, lang=self.lang)
        self.site_lang = site_language(pages_of(vault), self.lang)
        self.related = {path: related_items(self.related_model, path, urls, self.site_lang)
                        for path in self.related_model.notes}
        self.search = ClientIndexUpdate(client_index, analyzed)
        self.problems = [*summary.warnings, *map(str, summary.dead_references)]
        self.version += 1
        # What was read stays alive as long as the preview: out of the collector's
        # sight, a full collection during a refresh no longer walks millions of
        # objects (seconds at 10,000 notes, measured on the first save).
        gc.collect()
        gc.freeze()
        return summary

    # --- refreshing ----------------------------------------------------------------------

    def refresh(self) -> Refresh | None:
        """Bring the site up to date with the notes; ``None`` when nothing changed."""
        with self.lock:
            started = time.perf_counter()
            files = find_files(self.notes_dir, self.exclude)
            changed = [p for p in files.notes if files.stamps.get(p) != self.files.stamps.get(p)]
            same_files = files.notes == self.files.notes and files.assets == self.files.assets
            # Obsidian's excluded files decide which notes are searched, in every note.
            same_settings = excluded_filters(self.notes_dir) == self.excluded
            if same_files and not changed and same_settings:
                return None
            done = Refresh(changed=changed or ["files" if same_settings else SETTINGS_FILE])
            try:
                if not (same_files and same_settings) or not self._update(files, changed, done):
                    done.full = True
                    self._export()
            except Exception as error:  # noqa: BLE001 - the preview must go on serving
                self.files = files  # do not try the same broken state again and again
                done.problems.append(f"the site could not be updated: "
                                     f"{type(error).__name__}: {error}")
            self.problems = done.problems + [p for p in self.problems
                                             if not any(p.startswith(c) for c in changed)]
            if done.full:
                done.problems = list(self.problems)
            self.version += 1
            done.seconds = time.perf_counter() - started
            return done

    def _update(self, files: GardenFiles, changed: Sequence[str], done: Refresh) -> bool:
        """Rewrite what editing the notes ``changed`` changes; ``False`` when the whole
        site must be exported again (names that move links elsewhere)."""
        if any(is_attachment_name(path) for path in changed):
            return False  # a PDF is rare and changes no page: the simple way is right
        old = self.vault
        read = read_notes(self.notes_dir, changed)
        if len(read.notes) != len(changed):
            return False  # a note could not be read now: its warning needs a full export
        fresh = {note.path: (note, entry) for note, entry in read.notes}
        old_entries = {entry.path: entry for entry in old.entries}
        if any((on_site(note, self.chosen) or self.drafts) != (path in old_entries)
               or chosen_for_publishing(note) and not self.chosen
               for path, (note, _) in fresh.items()):
            return False  # a draft published, a note made a draft, dg-publish first said
        fresh = {path: read for path, read in fresh.items() if path in old_entries}
        if not fresh:  # only drafts edited: nothing of the site shows them
            self.files = files
            return True
        if any(not entry.same_names(old_entries[path]) for path, (_, entry) in fresh.items()):
            return False  # names moved: links anywhere may resolve elsewhere
        # Same names for every note: the same display titles (``catalog.display_titles``).
        entries = [fresh[e.path][1] if e.path in fresh else e for e in old.entries]
        titles = old.links.titles
        notes = tuple(with_title(fresh[n.path][0], titles[n.path]) if n.path in fresh else n
                      for n in old.notes)
        # Same names, titles and files: the link table is the one the garden had.
        vault = Vault(old.root, notes, files.assets, (*files.warnings, *read.warnings),
                      old.links, tuple(entries), files)
        # Same names, same files: every other note's links resolve as they did.
        resolved = {note.path: (vault.links.resolve_all(note) if note.path in fresh
                                else self.resolved[note.path]) for note in notes}
        folders = template_folders(self.templates)
        plan = plan_site(vault, folders, self.allow_html, self.site_title or _site_title(vault),
                         self.base_url, self.out, resolved, self.urls, self.lang)
        if plan.common["site_lang"] != self.site_lang:
            return False  # most notes now in the other language: every page's words change
        index_of = {note.path: number for number, note in enumerate(notes)}
        affected = self._affected(plan, set(fresh))
        # Any edit may change which notes are related to which: the pages whose list
        # changed are written again too.
        analyses = dict(self.analyses)
        for path in fresh:
            note = notes[index_of[path]]
            if note.searchable:
                analyses[path] = analyze_note(note, resolved[path], vault.links)
            else:
                analyses.pop(path, None)
        related = plan.job.related = self._related(analyses, fresh.keys(), notes)
        affected |= {path for path in set(related) | set(self.related)
                     if related.get(path) != self.related.get(path)}
        page_of = {note.path: number for number, note in enumerate(plan.job.notes)}
        written = _PageMaker(plan.job).write([page_of[path] for path in sorted(affected)])
        writer = SiteWriter(self.out)
        for asset in sorted(written.assets):
            target = writer.path(asset_url(asset))
            if not target.exists():
                target.write_bytes((vault.root / asset).read_bytes())
        done.pages = written.pages
        old_notes = {note.path: note for note in old.notes}
        listed = any(old_notes[path].tags != notes[index_of[path]].tags for path in fresh)
        if listed or any(path in HOME_NOTES for path in fresh):
            _write_other_pages(vault, writer, environment(folders), plan.common, plan.item,
                               plan.tags, plan.urls, self.allow_html,
                               self.site_title or _site_title(vault))
            done.pages += writer.pages
        done.search_files = self._update_search(vault, plan, sorted(fresh), analyses)
        # The saved notes' own dead references (their pages were just rendered).
        dead = [reference for reference in written.dead if reference.source in fresh]
        done.problems = [str(w) for w in read.warnings] + [str(d) for d in dead] + [
            f"{p}: nested too deeply to render: shown as plain text" for p in written.unrendered]
        self.vault, self.files, self.resolved = vault, files, resolved
        self.analyses, self.related = analyses, related
        return True

    def _related(self, analyses: dict[str, AnalyzedNote], changed: Iterable[str],
                 notes: Sequence[Note]) -> dict[str, list[dict[str, object]]]:
        """Every note's related notes after the notes ``changed`` were edited.

        Up to ``EXACT_RELATED_UP_TO`` notes every list is worked out again, so the
        preview is the site an export writes. Above, that costs seconds (about 10 s at
        10,000 notes), so an edit that keeps the set of searchable notes updates the
        model in place and works out again only the lists it can change most: the
        edited notes', those of the notes they link to or from (before and after),
        and those naming them. The other lists, and the words' rarity, wait for the
        next full export (a restart of the preview)."""
        model = self.related_model
        changed = set(changed)
        if len(analyses) <= EXACT_RELATED_UP_TO or \
                any((path in analyses) != (path in model.notes) for path in changed):
            model = self.related_model = RelatedNotes(
                [analyses[note.path] for note in notes if note.path in analyses])
            return {path: related_items(model, path, self.urls, self.site_lang)
                    for path in model.notes}
        touched = {other for other, items in self.related.items()
                   if any(item["path"] in changed for item in items)}
        for path in changed & model.notes.keys():
            touched |= {path, *model.neighbours(path)}
            model.replace(analyses[path])
            touched |= model.neighbours(path)
        related = dict(self.related)
        for path in touched & model.notes.keys():
            related[path] = related_items(model, path, self.urls, self.site_lang)
        return related

    def _affected(self, plan: SitePlan, changed: set[str]) -> set[str]:
        """The notes whose pages show something of the ``changed`` ones: themselves, the
        notes they linked to before and link to now (backlinks), the notes embedding them."""
        affected = set(changed)
        for path in changed:
            for links in (self.resolved[path], plan.resolved[path]):
                affected |= {r.target_path for r in links if r.is_note and r.target_path}
        for path, links in plan.resolved.items():
            if any(r.link.embed and r.target_path in changed for r in links):
                affected.add(path)
        return {path for path in affected if path in plan.urls}

    def _update_search(self, vault: Vault, plan: SitePlan, changed: list[str],
                       analyses: dict[str, AnalyzedNote]) -> int:
        """Update the search files for the notes ``changed`` (``analyses``: the searchable
        ones analysed already); returns how many were written.

        An edit that keeps a note's names, tags and searchability is applied in place;
        anything else builds the client index again and writes the files that differ."""
        search = self.search
        notes = {note.path: note for note in vault.notes}
        updated = []
        for path in changed:
            note = notes[path]
            if note.searchable or path in search.docs:
                updated.append(analyses.get(path) or analyze_note(note, plan.resolved[path],
                                                                  vault.links))
        folder = self.out / "search"
        if all(search.update(item, document_url(item.note.path, plan.urls))
               for item in updated):
            written = write_changed(search, folder)
            search.changed = type(search.changed)()
            return written
        by_path = {item.note.path: item for item in search.analyzed}
        for item in updated:
            by_path[item.note.path] = item
        analyzed = [by_path[n.path] for n in vault.notes if n.path in by_path
                    and notes[n.path].searchable]
        index = build_client_index(analyzed, [document_url(item.note.path, plan.urls)
                                              for item in analyzed],
                                   read_search_settings(self.notes_dir)[0].facets)
        written = write_client_index(index, folder, search.index, packed=False)
        self.search = ClientIndexUpdate(index, analyzed)
        return written


def watch(site: LiveSite, interval: float = 0.2, report=None,
          stop: threading.Event | None = None) -> None:
    """Refresh ``site`` every ``interval`` seconds until ``stop`` is set; each refresh
    that did something is given to ``report``."""
    stop = stop or threading.Event()
    while not stop.wait(interval):
        done = site.refresh()
        if done is not None and report is not None:
            report(done)
