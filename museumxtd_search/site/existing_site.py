"""Add our search to a site another generator built (``export --into SITE``).

The stages, in order: read the notes (leaving out what the generator's project says
is not notes), match each note to the page the generator wrote for it
(``page_matching``), analyse the notes that have a page, exactly as ``index`` and
``export`` do, build the client index with each note's page URL and the anchors that
page gave its headings (``built_pages``), and write the bundle (``search_bundle``).
Notes without a page are left out of the index and listed. Attachments (PDFs, texts,
Word and OpenDocument files) are searched too: a result links to the site's own copy of
the file, or to a copy in the bundle (``bundle_attachments``).

Settings a site needs every time live in the ``[site]`` table of ``museumxtd.toml``
(``SITE_KEYS``); what the command line gives wins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit

from museumxtd_search import __version__
from museumxtd_search.analysis.documents import analyze_note
from museumxtd_search.engine.related import RelatedNotes
from museumxtd_search.parallel import collector_paused
from museumxtd_search.site.browser_client import joined_script, related_script, ui_styles
from museumxtd_search.site.built_pages import (
    heading_anchors,
    is_redirect,
    list_pages,
    section_anchors,
)
from museumxtd_search.site.bundle_attachments import place_attachments
from museumxtd_search.site.client_index import ClientIndex, build_client_index
from museumxtd_search.site.generator_project import project_excludes
from museumxtd_search.site.page_matching import NoPage, UrlPattern, UrlPatternError, match_pages
from museumxtd_search.site.search_bundle import (
    RELATED,
    SCRIPT,
    SNIPPET,
    STYLES,
    BundleFiles,
    BundleRefusedError,
    bundle_folder,
    check_bundle,
    write_bundle,
)
from museumxtd_search.site.search_files import write_client_index, write_json_file
from museumxtd_search.site.templates import template_folders
from museumxtd_search.site.ui_text import LANGUAGES, site_language
from museumxtd_search.vault.files import (
    CONFIG_FILE,
    ConfigError,
    is_attachment_name,
    read_search_settings,
    read_toml,
)
from museumxtd_search.vault.reading import Vault, read_vault, restricted_vault

DEFAULT_NOTES = "notes"
# In the bundle's index folder: each page's related notes (``bundle_related``).
RELATED_FILE = "related"
DEFAULT_BUNDLE = "mxsearch"
# The [site] table of museumxtd.toml: key -> what it holds (the docs list the same).
SITE_KEYS = {
    "notes": "notes folder, relative to the file",
    "bundle": "bundle folder inside the site",
    "url_pattern": "where the site puts each note's page",
    "lang": "language of the search box's labels: fr or en (default: most notes')",
    "base_url": "address the site is served at (its path prefixes the snippet's URLs)",
}


class SiteSettingsError(ValueError):
    """Settings that cannot be used (the message names the file or option)."""


class NoPageMatchedError(RuntimeError):
    """Not one note has a page in the site: nothing to search."""


@dataclass(frozen=True)
class SiteSettings:
    """Everything ``add_search`` needs; ``load_settings`` fills it from the options and
    ``museumxtd.toml``."""

    notes: Path
    site: Path
    bundle: str = DEFAULT_BUNDLE
    url_pattern: str | None = None
    lang: str | None = None  # None: the language of most notes (``ui_text.site_language``)
    base_url: str = ""
    exclude: tuple[str, ...] = ()


def load_settings(site: Path, config_folder: Path, notes: Path | None = None,
                  bundle: str | None = None, url_pattern: str | None = None,
                  lang: str | None = None, base_url: str | None = None,
                  exclude: Sequence[str] = ()) -> SiteSettings:
    """Settings from the options given (``None``: not given) over the ``[site]`` table of
    ``config_folder/museumxtd.toml`` (the notes folder's when ``--notes`` is given, else
    the current folder's). A file outside the notes folder also lends its top-level
    ``exclude`` (the notes folder's own is read with the notes, as by every command)."""
    table: dict = {}
    file_exclude: list[str] = []
    path = config_folder / CONFIG_FILE
    if path.is_file():
        try:
            data = read_toml(path)
        except ConfigError as error:
            raise SiteSettingsError(f"{path}: {error}") from None
        table = data.get("site", {})
        if not isinstance(table, dict):
            raise SiteSettingsError(f"{path}: [site] must be a table")
        unknown = sorted(set(table) - set(SITE_KEYS))
        if unknown:
            raise SiteSettingsError(f"{path}: unknown key [site] {unknown[0]} (known: "
                                    + ", ".join(SITE_KEYS) + ")")
        for name, value in table.items():
            if not isinstance(value, str):
                raise SiteSettingsError(f"{path}: [site] {name} must be a string")
        file_exclude = data.get("exclude", []) if isinstance(data.get("exclude"), list) else []
    if notes is None:
        notes = config_folder / table["notes"] if "notes" in table else Path(DEFAULT_NOTES)
    if notes.resolve() == config_folder.resolve():
        file_exclude = []  # the notes folder's own file: read with the notes
    chosen_lang = lang or table.get("lang")
    if chosen_lang is not None and chosen_lang not in LANGUAGES:
        raise SiteSettingsError(f"{path}: [site] lang must be fr or en, not {chosen_lang!r}")
    return SiteSettings(
        notes=notes, site=site,
        bundle=bundle or table.get("bundle", DEFAULT_BUNDLE),
        url_pattern=url_pattern or table.get("url_pattern") or None,
        lang=chosen_lang,
        base_url=base_url if base_url is not None else table.get("base_url", ""),
        exclude=(*file_exclude, *exclude))


@dataclass
class AddSearchSummary:
    """What ``add_search`` did; ``to_json`` is the ``--json`` twin of ``line``."""

    site: str
    bundle: str
    notes: int = 0
    matched: int = 0
    searchable: int = 0
    index: str = ""
    changed: bool = False
    left_out: list[dict[str, str]] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)
    # Each searchable attachment's address (a path from the site's root), and how
    # many of them the bundle holds a copy of (the others are the site's own).
    attachments: dict[str, str] = field(default_factory=dict)
    copied: int = 0
    snippet: str = ""
    snippet_file: str = ""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        state = "written" if self.changed else "already up to date"
        files = (f"; {len(self.attachments)} attachments searchable ({self.copied} copied "
                 "into the bundle)") if self.attachments else ""
        return (f"matched {self.matched} of {self.notes} notes to pages of {self.site} "
                f"({len(self.left_out)} left out); {self.searchable} searchable{files}; "
                f"bundle {self.bundle} {state}, {len(self.warnings)} warnings, "
                f"{self.seconds:.2f} s")


def snippet(base_url: str, bundle: str) -> str:
    """The lines to paste into a layout: root-relative URLs, under ``base_url``'s path."""
    prefix = urlsplit(base_url).path if base_url else "/"
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    where = quote(prefix + bundle.strip("/") + "/")
    return (
        "<!-- museumxtd-search. data-mxsearch=\"modal\" instead: a button opening the "
        "search in a dialog (also / or Ctrl+K) -->\n"
        f'<link rel="stylesheet" href="{where}{STYLES}">\n'
        f'<script src="{where}{SCRIPT}" defer></script>\n'
        "<div data-mxsearch></div>\n")


def add_search(settings: SiteSettings,
               on_wait: Callable[[str], None] | None = None) -> AddSearchSummary:
    """Add the search to ``settings.site``: write its bundle folder, and nothing else.
    While another process writes that bundle, wait (``on_wait`` gets its PID first).

    Raises ``SiteSettingsError`` for unusable settings, ``BundleRefusedError`` when
    the bundle folder holds files we did not write, ``NoPageMatchedError`` when no
    note has a page, ``FileNotFoundError`` for a missing notes folder.
    """
    started = time.perf_counter()
    site = settings.site
    if not site.is_dir():
        raise SiteSettingsError(f"--into {site}: no such folder (build the site first)")
    pattern = _pattern(settings.url_pattern)
    try:
        folder = bundle_folder(site, settings.bundle)
    except BundleRefusedError as error:  # a bad option, not a refusal of the folder
        raise SiteSettingsError(str(error)) from None
    check_bundle(folder)  # before any work: a refusal should come at once
    relative_bundle = folder.relative_to(site).as_posix()
    exclude = [*project_excludes(settings.notes, site), *settings.exclude]
    with collector_paused():
        vault = read_vault(settings.notes, exclude)
        pages = list_pages(site, skip=[relative_bundle])
        # Attachments have no page of their own: they are placed below, as files.
        matches = match_pages(((n.path, n.front_matter) for n in vault.notes
                               if not is_attachment_name(n.path)), pages, pattern,
                             partial(is_redirect, site))
        summary = AddSearchSummary(site=str(site), bundle=str(folder),
                                   notes=sum(not is_attachment_name(n.path) for n in vault.notes),
                                   matched=len(matches.matched))
        summary.pages = {m.path: m.page for m in matches.matched}
        if not matches.matched:
            raise NoPageMatchedError(
                f"no note of {settings.notes} has a page in {site}: is it the site built "
                "from these notes? (--url-pattern says where its pages are)")
        published = restricted_vault(vault, summary.pages)
        searchable = [note for note in published.notes if note.searchable]
        left_out = [*matches.unmatched, *(NoPage(note.path, "search: false")
                                          for note in published.notes if not note.searchable)]
        summary.left_out = [asdict(item) for item in sorted(left_out, key=lambda n: n.path)]
        summary.searchable = len(searchable)
        attachments = [note for note in vault.notes
                       if is_attachment_name(note.path) and note.searchable]
        places = place_attachments(site, vault.root, (n.path for n in attachments),
                                   relative_bundle)
        summary.attachments, summary.copied = places.urls, len(places.copies)
        summary.warnings = [str(w) for w in vault.warnings
                            if w.path in summary.pages or w.path == CONFIG_FILE
                            or is_attachment_name(w.path)]
        analyzed = [analyze_note(note, published.links.resolve_all(note), published.links)
                    for note in searchable]
        language = site_language(published.notes, settings.lang)
        related = bundle_related(analyzed, summary.pages, language)
        # The attachments join the notes in path order, as in every client index.
        documents = sorted([*zip(searchable, analyzed, strict=True),
                            *((note, analyze_note(note, [], vault.links))
                              for note in attachments)], key=lambda pair: pair[0].path)
        index = _client_index(published, [note for note, _ in documents],
                              {**summary.pages, **places.urls}, site,
                              [item for _, item in documents])
    depth = relative_bundle.count("/") + 1
    header = (f"museumxtd-search {__version__}: the search of this site, written by "
              "`museumxtd-search export --into`; do not edit")
    folders = template_folders(None)
    files = BundleFiles(
        script=lambda index_folder: joined_script(
            folders, {"index": index_folder + "/", "root": "../" * depth,
                      "lang": language, "related": RELATED}, header),
        related=related_script(folders),
        styles=ui_styles(folders),
        snippet=snippet(settings.base_url, relative_bundle),
        write_index=lambda target, digest: (
            write_client_index(index, target, digest=digest),
            write_json_file(target, RELATED_FILE, related, digest)),
        copies=places.copies)
    written = write_bundle(folder, files, on_wait)
    summary.index, summary.changed = written.index, written.changed
    summary.snippet = files.snippet
    summary.snippet_file = str(folder / SNIPPET)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _pattern(text: str | None) -> UrlPattern | None:
    if not text:
        return None
    try:
        return UrlPattern(text)
    except UrlPatternError as error:
        raise SiteSettingsError(str(error)) from None


def bundle_related(analyzed: Sequence, pages: Mapping[str, str],
                   language: str = "fr") -> dict[str, list]:
    """Each searchable note's related notes (``engine.related``, as our own pages list
    them), keyed by its page (a path from the site's root, as ``pages`` has it): the
    bundle's ``related.json``, which ``related-ui.js`` shows in a page's
    ``<div data-mxsearch-related>``. Reasons are in ``language``, the bundle's
    ``--lang``: the language of the site's pages, which its heading is in too."""
    model = RelatedNotes(analyzed)
    return {pages[item.note.path]: [{"title": near.title, "url": quote(pages[near.path]),
                                     "reasons": list(near.reasons_in(language))}
                                    for near in model.related(item)]
            for item in analyzed}


def _client_index(vault: Vault, searchable: Sequence, pages: Mapping[str, str],
                  site: Path, analyzed: Sequence) -> ClientIndex:
    """The client index of the ``searchable`` notes and attachments (in path order,
    ``analyzed``): each fragment's URL is the note's page, its sections' anchors are the
    page's own; an attachment's URL is the file, its anchors its own (``page=N``)."""
    index = build_client_index(analyzed, [quote(pages[note.path]) for note in searchable],
                               read_search_settings(vault.root)[0].facets)
    for note, fragment in zip(searchable, index.fragments, strict=True):
        if is_attachment_name(note.path):
            continue
        try:
            page_html = (site / pages[note.path]).read_text(encoding="utf-8", errors="replace")
        except OSError:
            page_html = ""
        anchors = section_anchors(note.sections, heading_anchors(page_html))
        fragment["sections"] = [[heading, anchor, start] for (heading, _, start), anchor
                                in zip(fragment["sections"], anchors, strict=True)]
    return index
