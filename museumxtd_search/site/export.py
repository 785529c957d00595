"""Export a garden as a static site: note pages, lists, tags, search page, client index.

One read of the garden and one analysis pass per note feed both the pages and the
client index. The site is written into a temporary folder beside ``--out`` and
swapped in whole at the end, so a failed or killed export leaves the previous site
complete. A marker file records that we made the folder: a non-empty ``--out``
without it is never deleted unless ``force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from museumxtd_search import __version__
from museumxtd_search.analysis.documents import AnalyzedNote, analyze_note
from museumxtd_search.engine.related import RelatedNotes
from museumxtd_search.index.lock import exclusive
from museumxtd_search.index.snapshot import read_garden
from museumxtd_search.parallel import collector_paused
from museumxtd_search.site.browser_client import copy_static, shipped
from museumxtd_search.site.client_index import ClientIndex, build_client_index
from museumxtd_search.site.engine_script import ENGINE_FOLDER, SCRIPT_NAME, engine_script
from museumxtd_search.site.folders import folder_pages, folder_urls
from museumxtd_search.site.markdown_render import RenderContext, render_markdown
from museumxtd_search.site.pages import NotePages, start_note_pages
from museumxtd_search.site.search_files import write_client_index
from museumxtd_search.site.templates import environment, template_folders
from museumxtd_search.site.ui_text import UI_TEXT, site_language
from museumxtd_search.site.urls import (
    asset_url,
    document_url,
    page_urls,
    relative_root,
    tag_url,
)
from museumxtd_search.site.writer import SiteWriter
from museumxtd_search.text.keys import key
from museumxtd_search.vault.files import is_attachment_name, read_search_settings
from museumxtd_search.vault.notes import VaultWarning
from museumxtd_search.vault.reading import Vault, published_vault
from museumxtd_search.vault.references import Reference, naming_drafts

MARKER = ".museumxtd-site"
class ExportRefusedError(RuntimeError):
    """``--out`` holds files this tool did not write."""


@dataclass(frozen=True)
class SearchData:
    """The search part of a site, built by a caller that keeps it: the live preview
    updates the related-notes model and the client index in place after each save, and
    hands them to its first export rather than have it build both a second time."""

    related: RelatedNotes
    client_index: ClientIndex


@dataclass
class ExportSummary:
    out: str
    notes: int = 0
    searchable: int = 0
    pages: int = 0
    tags: int = 0
    assets: int = 0
    broken_links: int = 0
    # Notes left out as drafts (``draft: true``, ``publish: false``): no page, not searched.
    drafts: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # Every reference that leads nowhere in the site (``vault.references``), the same
    # list ``links --broken`` gives, plus the links to drafts; ``broken_links`` counts them.
    dead_references: list[Reference] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["dead_references"] = [reference.to_json() for reference in self.dead_references]
        return data

    def line(self) -> str:
        drafts = f", {self.drafts} draft{'s' * (self.drafts > 1)} left out" if self.drafts \
            else ""
        return (f"exported {self.pages} pages ({self.notes} notes, {self.searchable} searchable, "
                f"{self.tags} tags, {self.assets} files{drafts}) to {self.out}: "
                f"{self.broken_links} dead references, {len(self.warnings)} warnings, "
                f"{self.seconds:.2f} s")


def check_output(out: Path, force: bool, notes_dir: Path | None = None) -> None:
    """Refuse a non-empty ``out`` that is not one of our exports (unless ``force``), and,
    even with ``force``, an ``out`` holding the notes: replacing it would delete them."""
    if out.exists() and not out.is_dir():
        raise ExportRefusedError(f"--out {out} is a file, not a folder")
    if notes_dir is not None and Path(notes_dir).resolve().is_relative_to(out.resolve()):
        raise ExportRefusedError(f"--out {out} holds the notes folder: choose another folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise ExportRefusedError(
            f"--out {out} is not empty and was not made by museumxtd-search export "
            "(use --force to replace it)")


def _recover(out: Path) -> None:
    """Finish or undo what a killed export left: restore a swapped-out site, drop temps."""
    for leftover in out.parent.glob(f".{out.name}.old-*"):
        if not out.exists():
            os.rename(leftover, out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for pattern in (f".{out.name}.tmp-*", f".{out.name}.trash-*"):
        for leftover in out.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _beside(out: Path, kind: str) -> Path:
    """A new name beside ``out`` for a temporary, replaced or discarded site."""
    return out.parent / f".{out.name}.{kind}-{os.getpid()}-{time.time_ns()}"


def _swap_in(temporary: Path, out: Path) -> None:
    """Replace ``out`` by ``temporary`` with two renames; the old site is deleted after."""
    if out.exists():
        old = _beside(out, "old")
        os.rename(out, old)
        os.rename(temporary, out)
        # Renamed again so a half-deleted old site can never be restored by _recover.
        trash = _beside(out, "trash")
        os.rename(old, trash)
        _remove_in_background(trash)
    else:
        os.rename(temporary, out)


def _remove_in_background(folder: Path) -> None:
    """Delete a replaced site without making the person wait (thousands of files).

    If the process is stopped first, the next export removes the leftover.
    """
    rm = shutil.which("rm")
    if rm is None or os.name != "posix":
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def export_site(
    notes_dir: Path | str,
    out: Path | str,
    exclude: Iterable[str] = (),
    templates: Path | None = None,
    force: bool = False,
    allow_html: bool = False,
    site_title: str | None = None,
    vault: Vault | None = None,
    base_url: str = "",
    analyzed: Sequence[AnalyzedNote] | None = None,
    snapshot: Path | None = None,
    on_wait: Callable[[str], None] | None = None,
    search: SearchData | None = None,
    drafts: bool = False,
    lang: str | None = None,
) -> ExportSummary:
    """Export ``notes_dir`` to the folder ``out``; see the module docstring for safety.
    Drafts (``Note.published``) are left out unless ``drafts``. ``lang`` (``fr``,
    ``en``) is the language of the site's own words; ``None``: that of most notes.

    One export of ``out`` runs at a time (a lock beside it): another one waits, and
    ``on_wait`` gets the PID it waits for.

    A caller that has already read the garden (``vault``) and analysed its searchable
    notes (``analyzed``, in path order, e.g. from an index build) passes them, and the
    export neither reads nor analyses again. ``snapshot`` is a folder where a full
    index build left what it read (see ``index.snapshot``): notes unchanged
    since are taken from there. ``search``, given with ``analyzed``, is the search part
    already built from them.
    """
    started = time.perf_counter()
    out = Path(out).absolute()
    folders = template_folders(templates)
    check_output(out, force, Path(notes_dir))
    with exclusive(out.parent / f".{out.name}.lock", f"{out} is being exported",
                   on_wait=on_wait, remove=True):
        check_output(out, force, Path(notes_dir))  # as it is now, after any wait
        if vault is None:
            with collector_paused():  # thousands of notes arrive, and no cycles
                vault, analyzed = read_garden(Path(notes_dir), exclude, snapshot)
        # Under the lock, anything left beside ``out`` is a killed export's.
        _recover(out)
        summary = _export_into(vault, out, folders, allow_html, site_title, base_url,
                               analyzed, search, drafts, lang)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _export_into(vault: Vault, out: Path, folders: list[Path], allow_html: bool,
                 site_title: str | None, base_url: str,
                 analyzed: Sequence[AnalyzedNote] | None,
                 search: SearchData | None = None, drafts: bool = False,
                 lang: str | None = None) -> ExportSummary:
    """Write the site into a temporary folder beside ``out`` and swap it in."""
    site = vault if drafts else published_vault(vault)
    if site is not vault:  # analysed with the drafts' titles and links: not the site's
        analyzed = search = None
    temporary = _beside(out, "tmp")
    temporary.mkdir()
    try:
        summary = _write_site(site, SiteWriter(temporary), folders, allow_html,
                              site_title or _site_title(site), base_url, analyzed, search,
                              lang)
        summary.drafts = len(vault.notes) - len(site.notes)
        if summary.drafts:
            summary.dead_references = naming_drafts(summary.dead_references, vault.links)
        # Every note, drafts too: ``check --site`` compares the whole garden with it.
        fingerprint = site_fingerprint(vault, folders, allow_html, site_title, base_url, lang)
        (temporary / MARKER).write_text(json.dumps(fingerprint, ensure_ascii=False, indent=1,
                                                   sort_keys=True) + "\n", encoding="utf-8")
        _swap_in(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    summary.out = str(out)
    return summary


def templates_digest(folders: list[Path]) -> str:
    """One hash of every template and static file, so a changed template means a stale site."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def site_fingerprint(vault: Vault, folders: list[Path], allow_html: bool,
                     site_title: str | None, base_url: str,
                     lang: str | None = None) -> dict[str, object]:
    """What an exported site was made from; ``check`` compares it with the garden now."""
    return {
        "generator": f"museumxtd-search {__version__}",
        "notes": {note.path: note.content_hash for note in vault.notes},
        "assets": list(vault.assets),
        "templates": templates_digest(folders),
        "options": {"allow_html": allow_html, "title": site_title, "base_url": base_url,
                    "lang": lang},
    }


# Folder names that say where a project keeps its notes, not what the garden is: our own
# notes/, Quartz's content/, Jekyll's _notes/, the Digital Garden plugin's src/site/notes/.
PLACE_NAMES = frozenset({
    "notes", "note", "_notes", "content", "contents", "docs", "doc", "src", "source",
    "site", "pages", "markdown", "md", "vault", "public", "input", "www"})
# How many folders up a name that says more is looked for.
_TITLE_LEVELS = 3


def _site_title(vault: Vault) -> str:
    """The default title: the notes' folder name (an Obsidian vault's name), unless it
    only says where notes are kept (``PLACE_NAMES``): then the first folder above it
    that says more (``musee/content`` is « musee »), never the home folder's own name
    (``~/notes`` stays « notes »)."""
    folder = vault.root.resolve()
    named = folder
    if not (folder / ".obsidian").is_dir():
        try:
            home: Path | None = Path.home().resolve()
        except (RuntimeError, KeyError):  # no home folder known
            home = None
        for place in (folder, *folder.parents)[:_TITLE_LEVELS + 1]:
            if place == home or place == place.parent:
                break
            if place.name.lower() not in PLACE_NAMES:
                named = place
                break
    return named.name.replace("-", " ").strip() or "Notes"


@dataclass
class SitePlan:
    """What every page of a site is made from, before any is written: page URLs, each
    note's resolved links, backlinks (in ``job``), tags, the templates' common values."""

    urls: dict[str, str]
    resolved: dict[str, list]
    tags: dict[str, dict]
    common: dict[str, object]
    job: NotePages

    def item(self, path: str) -> dict[str, str]:
        """A note as lists show it."""
        return {"path": path, "title": self.job.titles[path], "url": self.urls[path]}


def pages_of(vault: Vault) -> tuple:
    """The notes that get a page: every note but the PDFs (searched, and linked as the
    files they are)."""
    return tuple(note for note in vault.notes if not is_attachment_name(note.path))


def plan_site(vault: Vault, folders: list[Path], allow_html: bool, site_title: str,
              base_url: str, out: Path, resolved: dict[str, list] | None = None,
              urls: dict[str, str] | None = None, lang: str | None = None) -> SitePlan:
    """The plan of ``vault``'s site (see ``SitePlan``), for pages written into ``out``;
    ``resolved`` (the notes' links resolved by ``vault.links``) and ``urls`` (their
    ``page_urls``) when the caller knows them already; ``lang`` the site's language
    (``None``: its notes', ``ui_text.site_language``)."""
    notes = pages_of(vault)
    if urls is None:
        urls = page_urls(n.path for n in notes)
    if resolved is None:
        resolved = {note.path: vault.links.resolve_all(note) for note in notes}
    backlinks: dict[str, set[str]] = {}
    for note in notes:
        for found in resolved[note.path]:
            if found.is_note and found.target_path and found.target_path != note.path:
                backlinks.setdefault(found.target_path, set()).add(note.path)
    tags: dict[str, dict] = {}
    for note in notes:
        for tag in note.tags:
            entry = tags.setdefault(key(tag), {"name": tag, "url": tag_url(key(tag)), "notes": []})
            entry["notes"].append(note)
    base_url = base_url.rstrip("/") + "/" if base_url else ""
    # ``lang``: the page's (a note page's is its note's); ``site_lang``: the words
    # around the notes (``ui``) and the search box's labels.
    language = site_language(notes, lang)
    common = {"site_title": site_title, "note_count": len(notes), "lang": language,
              "site_lang": language, "ui": UI_TEXT[language], "base_url": base_url, "url": ""}
    titles = {n.path: n.title for n in notes}
    job = NotePages(notes=notes, table=vault.links, urls=urls, backlinks=backlinks,
                    folders=folders, common=common, allow_html=allow_html, out=out,
                    titles=titles)
    return SitePlan(urls, resolved, tags, common, job)


def _write_site(vault: Vault, writer: SiteWriter, folders: list[Path], allow_html: bool,
                site_title: str, base_url: str,
                analyzed: Sequence[AnalyzedNote] | None = None,
                search: SearchData | None = None, lang: str | None = None) -> ExportSummary:
    """Write every file of the site into ``writer``'s folder.

    ``analyzed`` are the searchable notes of ``vault`` already analysed, in path order
    (as an index build has them); without it they are analysed here. Note pages are
    rendered in the background while this process analyses, writes the client index
    and the other pages, then renders with the workers.
    """
    env = environment(folders)
    documents = vault.notes  # the notes and the PDFs: what the search finds
    notes = pages_of(vault)
    plan = plan_site(vault, folders, allow_html, site_title, base_url, writer.folder,
                     lang=lang)
    urls, resolved, tags, common, job = plan.urls, plan.resolved, plan.tags, plan.common, plan.job
    item = plan.item
    summary = ExportSummary(out="", notes=len(notes),
                            warnings=[str(w) for w in vault.warnings])
    summary.tags = len(tags)
    searchable = [n for n in documents if n.searchable]
    # The client index is millions of small lists, written then dropped: collecting
    # while it lives would walk all of them, and they hold no cycles.
    with collector_paused():
        if analyzed is None:
            analyzed = [analyze_note(n, resolved.get(n.path) or vault.links.resolve_all(n),
                                     vault.links) for n in searchable]
        # Every page lists its related notes, worked out by whoever renders the page.
        job.related_model = search.related if search else RelatedNotes(analyzed)
    with start_note_pages(job) as rendering:
        with collector_paused():
            client_index = search.client_index if search else build_client_index(
                analyzed, [document_url(n.path, urls) for n in searchable],
                read_search_settings(vault.root)[0].facets)
            write_client_index(client_index, writer.path("search/manifest.js").parent)
        summary.searchable = len(searchable)
        _write_other_pages(vault, writer, env, common, item, tags, urls, allow_html, site_title)
        for folder in reversed(folders):
            static = folder / "static"
            if static.is_dir():
                shutil.copytree(static, writer.path("static"), dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns(ENGINE_FOLDER.name),
                                copy_function=copy_static)
        writer.write(f"static/{SCRIPT_NAME}", shipped(engine_script(folders)))
        written = rendering.finish()

    writer.pages += written.pages
    summary.dead_references = written.dead
    summary.broken_links = len(written.dead)
    for path in written.unrendered:
        summary.warnings.append(str(VaultWarning(
            path, None, "nested too deeply to render: shown as plain text")))
    # The PDFs the search finds are in the site even when no note links to them.
    copied = written.assets | {n.path for n in searchable if is_attachment_name(n.path)}
    for asset in sorted(copied):
        shutil.copyfile(vault.root / asset, writer.path(asset_url(asset)))
    summary.assets = len(copied)
    summary.pages = writer.pages
    return summary


def _write_other_pages(vault: Vault, writer: SiteWriter, env, common: dict[str, object],
                       item, tags: dict[str, dict], urls: dict[str, str], allow_html: bool,
                       site_title: str) -> None:
    """The all-notes page, a page per tag, the tag list, a page per folder
    (``site.folders``), the search page and the home."""
    folders = folder_urls(urls)
    notes = pages_of(vault)
    ui = UI_TEXT[str(common["site_lang"])]
    by_title = sorted(notes, key=lambda n: (n.title.lower(), n.path))
    list_template = env.get_template("list.html")
    writer.page("all/", list_template.render(
        **common, root="../", heading=ui["all_notes"], items=[item(n.path) for n in by_title]))
    tag_list = sorted(({"name": t["name"], "url": t["url"], "count": len(t["notes"]),
                        "notes": t["notes"]} for t in tags.values()),
                      key=lambda t: (-t["count"], t["name"].lower()))
    for tag in tag_list:
        writer.page(tag["url"], list_template.render(
            **common, root=relative_root(tag["url"]), heading=f"#{tag['name']}",
            items=[item(n.path) for n in sorted(tag["notes"], key=lambda n: n.title.lower())]))
    writer.page("tags/", env.get_template("tags.html").render(
        **common, root="../", tags=tag_list))
    for folder in folder_pages(urls, folders):
        writer.page(folder.url, list_template.render(
            **common, root=relative_root(folder.url), heading=folder.name,
            folders=[{"name": child.rpartition("/")[2], "url": folders[child]}
                     for child in folder.folders],
            items=sorted((item(path) for path in folder.notes),
                         key=lambda entry: (entry["title"].lower(), entry["path"]))))

    search_template = env.get_template("search.html")
    writer.page("search/", search_template.render(
        **common, root="../", heading=ui["search"], home_body=""))
    home_path = vault.links.home_note()
    home = next((n for n in notes if n.path == home_path), None)
    home_body = ""
    if home is not None:
        context = RenderContext(home, vault.links, urls, "", asset_url,
                                notes={note.path: note for note in notes},
                                lang=str(common["site_lang"]))
        home_body = render_markdown(context, allow_html)
    writer.page("", search_template.render(
        **common, root="", heading=site_title, home_body=home_body))
