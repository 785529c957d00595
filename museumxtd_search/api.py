"""The Python API: a garden of notes and what can be done with it, named like the
commands (``index``, ``query``, ``related``, ``links``, ``export``, ``check``)::

    import museumxtd_search as mxs

    garden = mxs.Garden("notes", index="index")
    garden.index()                                  # -> BuildSummary
    for hit in garden.query("réseaux sociaux", limit=5).results:
        print(hit.title, hit.path, hit.snippet)
    for near in garden.related("Open data").results:  # RelatedNote: .path, .reasons
        print(near.title, near.reasons)
    dead = [reference for reference in garden.links() if reference.broken]
    garden.export("site")                           # -> ExportSummary
    garden.export_into("docs")                      # -> AddSearchSummary (another generator's site)
    stale = [f for f in garden.check(site="site") if not f.fresh]

The command line (``cli.py``) only parses options, calls these methods and formats
what they return; every output it prints has a ``to_json`` twin here. Nothing heavy is
imported until a method needs it, so ``query`` stays quick to start.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from museumxtd_search.engine.related import RelatedResponse
    from museumxtd_search.engine.search import SearchResponse
    from museumxtd_search.index.build import BuildSummary
    from museumxtd_search.index.freshness import Freshness
    from museumxtd_search.site.existing_site import AddSearchSummary
    from museumxtd_search.site.export import ExportSummary
    from museumxtd_search.vault.references import Reference

Progress = Callable[[int, int], None]


class Garden:
    """A folder of notes and the folder of its search index.

    ``exclude`` globs leave notes out (with those of ``museumxtd.toml`` in the notes
    folder). Methods raise ``FileNotFoundError`` when the notes folder is missing.
    """

    def __init__(self, notes: Path | str = "notes", index: Path | str = "index",
                 exclude: Iterable[str] = ()) -> None:
        self.notes = Path(notes)
        self.index_dir = Path(index)
        self.exclude = tuple(exclude)

    def _require_notes(self) -> None:
        if not self.notes.is_dir():
            raise FileNotFoundError(f"notes folder not found: {self.notes}")

    # --- index -------------------------------------------------------------------------
    def index(self, full: bool = False, on_progress: Progress | None = None,
              wait: bool = True, on_wait: Callable[[str], None] | None = None) -> BuildSummary:
        """Build the index, or update it with the notes changed since (``full``: rebuild).

        ``on_progress(done, total)`` follows the work; when another process is building,
        ``on_wait(pid)`` is called once before waiting for it (or, with ``wait`` false,
        ``index.lock.BusyError`` is raised).
        """
        from museumxtd_search.index.build import build_index

        return build_index(self.notes, self.index_dir, self.exclude, full=full,
                           on_progress=on_progress, wait=wait, on_wait=on_wait)

    # --- query -------------------------------------------------------------------------
    def query(self, text: str, limit: int = 10, tags: Iterable[str] = (),
              links_to: str | None = None, refresh: bool = True, kind: str | None = None,
              on_refresh: Callable[[str, object], None] | None = None,
              on_progress: Progress | None = None, any_tag: bool = False,
              sort: str = "relevance", facets: bool = False) -> SearchResponse:
        """Search the notes and PDFs (the query language is ``analysis.query``'s);
        ``kind`` (``"note"``, ``"pdf"``, ``"txt"``, ``"docx"``, ``"odt"``) keeps that kind
        of result only.

        ``tags`` must all be on a note (``any_tag``: one is enough); ``sort="date"``
        puts the newest notes first; ``facets`` counts, over all the results, their
        tags and the properties ``museumxtd.toml`` declares (``[search] facets``).

        With ``refresh``, the index is first brought up to date when notes changed, and
        ``on_refresh(event, value)`` hears of it: ``("stale", paths)`` before (``None``:
        no usable index, built in full), then ``("built", BuildSummary)``, or
        ``("busy", message)`` when another process is updating a usable index (the
        query then answers from it as it is). ``on_progress`` follows the build.
        """
        self._require_notes()
        search = functools.partial(self._search, text, limit, tags, links_to, kind, any_tag,
                                   sort, facets)
        if not refresh:
            return search()[0]
        from museumxtd_search.index.freshness import StaleCheck

        check = StaleCheck(self.notes, self.index_dir, self.exclude)  # on another core
        early: tuple[SearchResponse, str | None] | Exception | None = None
        if check.in_child:
            # While the child lists the notes, answer from the live index: when nothing
            # changed (nearly every query) that is the answer, and the listing's time
            # (~0.4 s at 50,000 notes) is no longer added to the search's.
            try:
                early = search()
            except Exception as error:  # noqa: BLE001 - raised below if it stands
                early = error  # (a damaged index): where a search made then would raise
        stale = check.result()
        if stale == [] and early is not None:
            from museumxtd_search.index import side_files
            from museumxtd_search.index.generations import live_generation

            if isinstance(early, Exception):
                raise early
            response, build = early
            manifest = side_files.read_manifest(live_generation(self.index_dir))
            if build is not None and manifest is not None and manifest.get("build") == build:
                return response  # no other process built or updated the index since
        self._refresh(stale, on_refresh, on_progress)
        return search()[0]

    def _search(self, text: str, limit: int, tags: Iterable[str], links_to: str | None,
                kind: str | None, any_tag: bool, sort: str, facets: bool
                ) -> tuple[SearchResponse, str | None]:
        """One search of the live index as it is, and the build that answered
        (``GardenSearcher.build``)."""
        from museumxtd_search.index.searcher import GardenSearcher

        facet_names = None
        if facets:
            from museumxtd_search.vault.files import read_search_settings

            facet_names = read_search_settings(self.notes)[0].facets
        with GardenSearcher(self.index_dir) as searcher:
            response = searcher.search(text, limit=limit, tags=tuple(tags), links_to=links_to,
                                       kind=kind, any_tag=any_tag, sort=sort,
                                       facets=facet_names)
            return response, searcher.build

    def _refresh(self, stale: list[str] | None,
                 on_refresh: Callable[[str, object], None] | None,
                 on_progress: Progress | None) -> None:
        from museumxtd_search.index.generations import live_generation
        from museumxtd_search.index.lock import BusyError

        if stale == []:
            return
        tell = on_refresh or (lambda event, value: None)
        tell("stale", stale)
        try:
            # Without a usable index there is nothing to answer from: wait for it.
            summary = self.index(on_progress=on_progress,
                                 wait=live_generation(self.index_dir) is None)
        except BusyError as busy:
            tell("busy", str(busy))
            return
        tell("built", summary)

    # --- related -----------------------------------------------------------------------
    def related(self, note: str, limit: int = 5) -> RelatedResponse:
        """The notes closest to ``note`` (named by file name, title, alias or path, as a
        link names it), best first, with their reasons (``engine.related``).

        The garden is read as an export reads it: notes unchanged since the index's
        last full build come from that build's snapshot, already analysed. Raises
        ``UnknownNoteError`` when no note has that name.
        """
        from museumxtd_search.analysis.documents import analyze_note
        from museumxtd_search.engine.related import RelatedNotes, RelatedResponse
        from museumxtd_search.index.snapshot import read_garden, snapshot_folder

        self._require_notes()
        vault, analyzed = read_garden(self.notes, self.exclude,
                                      snapshot_folder(self.index_dir, self.notes, self.exclude))
        path = vault.links.resolve_target(note)
        found = vault.note(path) if path is not None else None
        if found is None:
            raise UnknownNoteError(f"no note named {note!r} in {self.notes}")
        if analyzed is None:
            analyzed = [analyze_note(n, vault.links.resolve_all(n), vault.links)
                        for n in vault.notes if n.searchable]
        model = RelatedNotes(analyzed)
        mine = model.notes.get(path) or analyze_note(found, vault.links.resolve_all(found),
                                                     vault.links)
        return RelatedResponse(path, found.title, model.related(mine, limit))

    # --- links -------------------------------------------------------------------------
    def links(self) -> list[Reference]:
        """Every reference of every note (wikilinks, embeds, Markdown links and images,
        raw HTML ``src``/``href``/``srcset``), in note and reading order, resolved:
        ``broken`` when it leads nowhere (``vault.references``)."""
        from museumxtd_search.vault.reading import read_vault
        from museumxtd_search.vault.references import garden_references

        self._require_notes()
        vault = read_vault(self.notes, self.exclude)
        return garden_references(vault.links, vault.notes)

    # --- export ------------------------------------------------------------------------
    def export(self, out: Path | str = "site", templates: Path | None = None,
               base_url: str = "", title: str | None = None, force: bool = False,
               allow_html: bool = False, use_index: bool = True,
               on_wait: Callable[[str], None] | None = None,
               drafts: bool = False, lang: str | None = None) -> ExportSummary:
        """Export the garden as a static site with its in-browser search into ``out``;
        drafts (``draft: true``, ``publish: false``) only with ``drafts``. ``lang``
        (``"fr"``, ``"en"``): the site's own words; ``None``: the language of most notes.

        With ``use_index``, notes unchanged since the index's last full build are taken
        from what that build read (the site is the same either way). Raises
        ``site.export.ExportRefusedError`` when ``out`` holds files it did not write.
        """
        from museumxtd_search.index.snapshot import snapshot_folder
        from museumxtd_search.site.export import export_site

        self._require_notes()
        snapshot = snapshot_folder(self.index_dir, self.notes, self.exclude) \
            if use_index else None
        return export_site(self.notes, out, self.exclude, templates=templates, force=force,
                           allow_html=allow_html, site_title=title, base_url=base_url,
                           snapshot=snapshot, on_wait=on_wait, drafts=drafts, lang=lang)

    # --- export --into --------------------------------------------------------------------
    def export_into(self, site: Path | str, bundle: str = "mxsearch",
                    url_pattern: str | None = None, lang: str | None = None,
                    base_url: str = "",
                    on_wait: Callable[[str], None] | None = None) -> AddSearchSummary:
        """Add the search to ``site``, built from these notes by another generator: writes
        its bundle folder only (``site.existing_site``; settings from ``museumxtd.toml``:
        ``existing_site.load_settings``). Raises ``existing_site.SiteSettingsError``,
        ``search_bundle.BundleRefusedError`` (a bundle folder holding files it did not
        write) or ``existing_site.NoPageMatchedError``. While another process writes the
        same bundle, ``on_wait(pid)`` is called once, then this one waits."""
        from museumxtd_search.site.existing_site import SiteSettings, add_search

        self._require_notes()
        return add_search(SiteSettings(self.notes, Path(site), bundle, url_pattern, lang,
                                       base_url, self.exclude), on_wait)

    # --- check -------------------------------------------------------------------------
    def check(self, site: Path | str | None = None,
              templates: Path | None = None) -> list[Freshness]:
        """Whether the index (and the exported ``site``) match the notes, by content."""
        from museumxtd_search.index.freshness import index_freshness

        self._require_notes()
        results = [index_freshness(self.notes, self.index_dir, self.exclude)]
        if site is not None:
            from museumxtd_search.site.freshness import site_freshness

            results.append(site_freshness(self.notes, Path(site), self.exclude, templates))
        return results


class UnknownNoteError(LookupError):
    """No note of the garden has the name, title, alias or path given."""


def open_garden(notes: Path | str = "notes", index: Path | str = "index",
                exclude: Iterable[str] = ()) -> Garden:
    """``Garden(notes, index, exclude)``, checking that the notes folder exists."""
    garden = Garden(notes, index, exclude)
    garden._require_notes()
    return garden
