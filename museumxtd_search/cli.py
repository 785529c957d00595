"""The ``museumxtd-search`` command: thin verbs over the library.

Each command parses options, calls one library function, and prints either text for
people or exactly one JSON object (``--json``). Errors are one line on stderr: exit 2
for bad usage (missing notes folder, empty query), 1 when the work could not be done.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from museumxtd_search import __version__
from museumxtd_search.vault.files import ATTACHMENT_KINDS

DEFAULT_NOTES = "notes"
DEFAULT_INDEX = "index"


def _notes_option(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option("--exclude", multiple=True, metavar="GLOB",
                            help="Leave out matching notes or folders (repeatable).")(function)
    return click.option("--notes", "notes_dir", default=DEFAULT_NOTES, show_default=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="Folder of Markdown notes.")(function)


def _index_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="Folder of the search index.")(function)


def _json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON object instead of text.")(function)


class UsageProblem(click.ClickException):
    """Bad usage phrased in one line (exit 2), without click's multi-line usage block."""

    exit_code = 2


def _require_notes(notes_dir: Path) -> None:
    if not notes_dir.is_dir():
        raise UsageProblem(f"notes folder not found: {notes_dir}")


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_summary(summary, as_json: bool) -> None:
    """A build's or export's outcome: warnings on stderr and one line, or the JSON twin."""
    if as_json:
        _print_json(summary.to_json())
        return
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for reference in getattr(summary, "dead_references", ()):  # an export's
        click.echo(str(reference), err=True)  # "path:line: dead image …: no such file"
    click.echo(summary.line())


def _use_colour() -> bool | None:
    return False if os.environ.get("NO_COLOR") else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="museumxtd-search")
def cli() -> None:
    """Search a garden of Markdown notes (French-aware), in the terminal or on a static site."""


# --- index ----------------------------------------------------------------------------

@contextlib.contextmanager
def _progress_bar(label: str, show: bool):
    """A progress callback ``(done, total)`` drawing a bar on stderr when it is a
    terminal; the bar appears with the first news (an update reading nothing shows none)."""
    if not show or not sys.stderr.isatty():
        yield None
        return
    with contextlib.ExitStack() as stack:
        bar = None

        def advance(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = stack.enter_context(click.progressbar(length=total, label=label,
                                                            file=sys.stderr))
            bar.length = total
            bar.update(done - bar.pos)

        yield advance


def _say_waiting(holder: str) -> None:
    # A silent wait looks like a hang.
    click.echo(f"waiting: index is being built by PID {holder}", err=True)


def _garden(notes_dir: Path, index_dir: Path = Path(DEFAULT_INDEX),
            exclude: tuple[str, ...] = ()):
    from museumxtd_search.api import Garden

    _require_notes(notes_dir)
    return Garden(notes_dir, index_dir, exclude)


def _indexed_garden(notes_dir: Path, index_dir: Path, exclude: tuple[str, ...]):
    """The garden of a command that reads an index: without ``--notes``, the notes the
    index was built from (and its ``--exclude`` globs, unless others are given), when
    that folder still exists; else the options as given."""
    from museumxtd_search.index.side_files import recorded_garden

    context = click.get_current_context()
    recorded = None
    if context.get_parameter_source("notes_dir") == click.core.ParameterSource.DEFAULT:
        recorded = recorded_garden(index_dir)
    if recorded is not None:
        notes_dir = recorded[0]
        if context.get_parameter_source("exclude") == click.core.ParameterSource.DEFAULT:
            exclude = recorded[1]
    return _garden(notes_dir, index_dir, exclude)


@cli.command("index")
@_notes_option
@_index_option
@click.option("--full", is_flag=True, help="Rebuild everything instead of updating changes.")
@_json_option
def index_command(notes_dir: Path, exclude: tuple[str, ...], index_dir: Path, full: bool,
                  as_json: bool) -> None:
    """Build or update the search index (incremental unless --full)."""
    garden = _indexed_garden(notes_dir, index_dir, exclude)
    with _progress_bar("indexing", show=not as_json) as progress:
        summary = garden.index(full=full, on_progress=progress, on_wait=_say_waiting)
    _print_summary(summary, as_json)


# --- query ----------------------------------------------------------------------------

def _tell_refresh(notes_dir: Path, index_dir: Path):
    """What ``query`` says on stderr while it refreshes the index."""

    def tell(event: str, value: object) -> None:
        if event == "stale" and value is None:
            click.echo(f"building the index of {notes_dir} in {index_dir}…", err=True)
        elif event == "stale":
            click.echo(f"updating the index: {len(value)} note(s) changed…", err=True)
        elif event == "built":
            click.echo(value.line(), err=True)
        elif event == "busy":
            click.echo(f"note: {value}; answering from the previous index", err=True)

    return tell


@cli.command("query", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@_notes_option
@_index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10_000),
              help="Number of results.")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Only notes with this tag, or a tag nested under it (repeatable: all "
                   "must match).")
@click.option("--any-tag", is_flag=True, help="With several --tag: any one is enough.")
@click.option("--links-to", metavar="NOTE",
              help="Only notes that link to NOTE (by name, title, alias or path).")
@click.option("--type", "kind", type=click.Choice(["note", *ATTACHMENT_KINDS]), default=None,
              help="Only notes, or only attachments of one kind (PDF results name the "
                   "page).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
              show_default=True,
              help="date: newest first (front matter date, else last commit, else file time).")
@click.option("--facets", is_flag=True,
              help="Count the results' tags and the properties museumxtd.toml declares "
                   "([search] facets), in the JSON's \"facets\" (or after the results).")
@_json_option
def query_command(words: tuple[str, ...], notes_dir: Path, exclude: tuple[str, ...],
                  index_dir: Path, limit: int, tags: tuple[str, ...], any_tag: bool,
                  links_to: str | None, kind: str | None, sort: str, facets: bool,
                  as_json: bool) -> None:
    """Search the notes: museumxtd-search query "réseaux sociaux".

    \b
    Query language (as in Obsidian):
      réseaux sociaux        every word (notes missing some rank lower)
      "réseaux sociaux"      the words next to each other
      médiation OR publics   either word;  -brouillon, NOT brouillon: exclude
      strat*                 words starting with strat
      title:stratégie        in titles, names and aliases only
      content:stratégie      in the notes' text and properties, not their names
      tag:projet             notes tagged projet or projet/... (nested tags)
      path:Lectures          notes whose folders or file name have these words
      file:musée             notes whose file name has these words
      [auteur]               notes with that front matter property
      [auteur:Malraux]       notes whose property has these words
      section:(musée 3D)     the words, in notes where one section holds them all
                             (line:(…) and block:(…) read the same)
      -path:x, -[type:livre], -tag:x   leave out what the filter keeps
      (musée numérique) OR 3D   a group: notes with both words, or with 3D
      -(brouillon OR archive)   leave out the notes a group matches
      tag:a OR path:Projets     OR joins filters too (and a filter and a word)
    """
    text = " ".join(words).strip()
    if not text and not links_to and not tags:
        raise UsageProblem("empty query: give words to search for (or --links-to/--tag)")
    if len(text) > 2000:
        raise UsageProblem(f"query too long ({len(text)} characters, at most 2000)")
    garden = _indexed_garden(notes_dir, index_dir, exclude)
    with _progress_bar("indexing", show=True) as progress:
        response = garden.query(text, limit=limit, tags=tags, links_to=links_to, kind=kind,
                                on_refresh=_tell_refresh(garden.notes, index_dir),
                                on_progress=progress, any_tag=any_tag, sort=sort,
                                facets=facets)
    if as_json:
        _print_json(response.to_json())
        return
    for warning in response.warnings:
        click.echo(f"warning: {warning}", err=True)
    searched = text or " ".join([*(f"tag:{tag}" for tag in tags),
                                 *([f"links to {links_to}"] if links_to else [])])
    _print_results(response, searched)


def _highlight(snippet: str, highlights: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in highlights:
        out.append(snippet[last:start])
        out.append(click.style(snippet[start:end], bold=True, fg="yellow"))
        last = end
    out.append(snippet[last:])
    return "".join(out)


def _print_results(response, searched: str) -> None:
    """The results for people; ``searched`` names the query, or the filters alone
    (``tag:projet links to Parent``) when no words were given."""
    colour = _use_colour()
    if response.suggestion:
        click.echo(f"showing results for « {response.suggestion} »", color=colour)
    if not response.results:
        click.echo(f"no results for « {searched} »")
        return
    click.echo(f"{response.total} result(s) for « {searched} »", color=colour)
    for rank, hit in enumerate(response.results, 1):
        click.echo("")
        click.echo(f"{rank:>2}. " + click.style(hit.title, bold=True), color=colour)
        details = [click.style(hit.path, fg="cyan")]
        if hit.tags:
            details.append("tags: " + ", ".join(hit.tags))
        if hit.section and hit.section != hit.title:
            details.append(f"§ {hit.section}")
        if hit.date:
            details.append(hit.date)
        click.echo("    " + " · ".join(details), color=colour)
        click.echo("    " + _highlight(hit.snippet, hit.highlights), color=colour)
    for facet, values in (response.facets or {}).items():
        if values:
            click.echo("")
            click.echo(f"{facet}: " + ", ".join(f"{value} ({count})" for value, count in values),
                       color=colour)


# --- related --------------------------------------------------------------------------

@cli.command("related")
@click.argument("note")
@_notes_option
@_index_option
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000),
              help="Number of related notes.")
@_json_option
def related_command(note: str, notes_dir: Path, exclude: tuple[str, ...], index_dir: Path,
                    limit: int, as_json: bool) -> None:
    """The notes closest to NOTE (by name, title, alias or path), with the reasons."""
    from museumxtd_search.api import UnknownNoteError

    try:
        response = _indexed_garden(notes_dir, index_dir, exclude).related(note, limit=limit)
    except UnknownNoteError as error:
        raise UsageProblem(str(error)) from None
    if as_json:
        _print_json(response.to_json())
        return
    colour = _use_colour()
    if not response.results:
        click.echo(f"no related notes for « {response.title} » ({response.note})")
        return
    click.echo(f"notes related to « {response.title} » ({response.note})", color=colour)
    for rank, near in enumerate(response.results, 1):
        click.echo("")
        click.echo(f"{rank:>2}. " + click.style(near.title, bold=True), color=colour)
        click.echo("    " + click.style(near.path, fg="cyan") + f" · {near.score:.3f}",
                   color=colour)
        click.echo("    " + "; ".join(near.reasons), color=colour)


# --- export and serve -----------------------------------------------------------------

@cli.command("export")
@_notes_option
@click.option("--out", "out_dir", default="site", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder of the site.")
@click.option("--into", "into_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="Instead of --out: add the search to this site, built by another "
                   "generator (writes only its bundle folder).")
@click.option("--bundle", default=None, metavar="FOLDER",
              help="With --into: the bundle folder inside the site [default: mxsearch].")
@click.option("--url-pattern", default=None, metavar="PATTERN",
              help="With --into: where the site puts each note's page, e.g. "
                   "'/posts/{slug}/' (placeholders {path} {folder} {name} {slug} {slug_path}).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the site's menus, labels and search box [default: that "
                   "of most notes].")
@click.option("--base-url", default=None, metavar="URL",
              help="Public address of the site, for canonical links (links stay relative); "
                   "with --into, its path prefixes the snippet's URLs.")
@click.option("--templates", "templates_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of templates overriding the bundled ones.")
@click.option("--title", "site_title", default=None,
              help="Site title (default: the notes folder's name, or its project's when the "
                   "folder is content/, notes/, docs/...).")
@click.option("--force", is_flag=True, help="Replace a non-empty --out not made by export.")
@click.option("--allow-html", is_flag=True,
              help="Keep raw HTML of notes (trusted gardens only; escaped by default).")
@click.option("--drafts", is_flag=True,
              help="Also publish drafts (draft: true, publish: false), left out by default.")
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Index of the same notes: notes unchanged since its last full build "
                   "are taken from it instead of being read again.")
@_json_option
@click.pass_context
def export_command(context: click.Context, notes_dir: Path, exclude: tuple[str, ...],
                   out_dir: Path, into_dir: Path | None, bundle: str | None,
                   url_pattern: str | None, lang: str | None, base_url: str | None,
                   templates_dir: Path | None, site_title: str | None, force: bool,
                   allow_html: bool, drafts: bool, index_dir: Path, as_json: bool) -> None:
    """Export a static site with an offline in-browser search, or (--into) add the search
    to a site another generator built."""
    from museumxtd_search.site.export import ExportRefusedError

    given = {name for name in context.params
             if context.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE}
    if into_dir is not None:
        _export_into(given, notes_dir, exclude, into_dir, bundle, url_pattern, lang, base_url,
                     as_json)
        return
    only_into = sorted(given & {"bundle", "url_pattern"})
    if only_into:
        raise UsageProblem(f"--{only_into[0].replace('_', '-')} goes with --into SITE")
    garden = _indexed_garden(notes_dir, index_dir, exclude)

    def waiting(holder: str) -> None:
        click.echo(f"waiting: {out_dir} is being exported by PID {holder}", err=True)

    try:
        summary = garden.export(out_dir, templates=templates_dir, base_url=base_url or "",
                                title=site_title, force=force, allow_html=allow_html,
                                on_wait=waiting, drafts=drafts, lang=lang)
    except ExportRefusedError as error:
        raise click.ClickException(str(error)) from None
    _print_summary(summary, as_json)


def _export_into(given: set[str], notes_dir: Path, exclude: tuple[str, ...], into_dir: Path,
                 bundle: str | None, url_pattern: str | None, lang: str | None,
                 base_url: str | None, as_json: bool) -> None:
    """``export --into``: options for the library, its summary for people or --json."""
    from museumxtd_search.site.existing_site import (
        NoPageMatchedError,
        SiteSettingsError,
        load_settings,
    )
    from museumxtd_search.site.search_bundle import BundleRefusedError

    for_out = sorted(given & {"out_dir", "templates_dir", "site_title", "force", "allow_html",
                              "drafts", "index_dir"})
    if for_out:
        option = {"out_dir": "out", "templates_dir": "templates", "site_title": "title",
                  "allow_html": "allow-html", "index_dir": "index"}.get(for_out[0], for_out[0])
        raise UsageProblem(f"--{option} is for our own site: --into only adds the search")
    notes_given = "notes_dir" in given
    try:
        settings = load_settings(into_dir, notes_dir if notes_given else Path.cwd(),
                                 notes=notes_dir if notes_given else None, bundle=bundle,
                                 url_pattern=url_pattern, lang=lang, base_url=base_url,
                                 exclude=exclude)
    except SiteSettingsError as error:
        raise UsageProblem(str(error)) from None
    garden = _garden(settings.notes, exclude=settings.exclude)

    def waiting(holder: str) -> None:
        click.echo(f"waiting: the bundle in {into_dir} is being written by PID {holder}",
                   err=True)

    try:
        summary = garden.export_into(settings.site, bundle=settings.bundle,
                                     url_pattern=settings.url_pattern, lang=settings.lang,
                                     base_url=settings.base_url, on_wait=waiting)
    except SiteSettingsError as error:
        raise UsageProblem(str(error)) from None
    except (BundleRefusedError, NoPageMatchedError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        _print_json(summary.to_json())
        return
    for item in summary.left_out:
        click.echo(f"left out: {item['path']}: {item['reason']}", err=True)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(summary.line())
    click.echo(f"Paste into a layout (also in {summary.snippet_file}):")
    click.echo(summary.snippet, nl=False)


@cli.command("serve")
@click.option("--out", "out_dir", default="site", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder of the site.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--watch", is_flag=True,
              help="Export --notes into --out, then rewrite what each saved note changes "
                   "and reload open pages.")
@_notes_option
@click.option("--templates", "templates_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="With --watch: folder of templates overriding the bundled ones.")
@click.option("--title", "site_title", default=None, help="With --watch: site title.")
@click.option("--allow-html", is_flag=True, help="With --watch: keep raw HTML unsanitised.")
@click.option("--drafts", is_flag=True, help="With --watch: show drafts too.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="With --watch: language of the site's words [default: that of most notes].")
def serve_command(out_dir: Path, port: int, watch: bool, notes_dir: Path,
                  exclude: tuple[str, ...], templates_dir: Path | None, site_title: str | None,
                  allow_html: bool, drafts: bool, lang: str | None) -> None:
    """Preview the exported site on http://127.0.0.1:PORT/ (Ctrl+C stops)."""
    import time

    from museumxtd_search.site.export import ExportRefusedError, check_output
    from museumxtd_search.site.live import LiveSite
    from museumxtd_search.site.serve import preview_server

    live = None
    if watch:
        _require_notes(notes_dir)
        try:
            check_output(out_dir, False, notes_dir)
        except ExportRefusedError as error:
            raise click.ClickException(str(error)) from None
        live = LiveSite(notes_dir, out_dir, exclude, templates_dir, allow_html, site_title,
                        drafts=drafts, lang=lang)
        for problem in live.problems:
            click.echo(f"warning: {problem}", err=True)
        click.echo(live.summary.line(), err=True)
    elif not (out_dir / "index.html").is_file():
        raise click.UsageError(f"no exported site in {out_dir}: run museumxtd-search export")

    def report(done) -> None:
        click.echo(done.line(), err=True)
        for problem in done.problems:
            click.echo(f"warning: {problem}", err=True)

    with preview_server(out_dir, port, live, report) as server:
        click.echo(f"serving {out_dir} on http://127.0.0.1:{server.server_address[1]}/"
                   + (" (watching the notes)" if live else ""), err=True)
        while True:
            time.sleep(3600)


# --- check ----------------------------------------------------------------------------

@cli.command("check")
@_notes_option
@_index_option
@click.option("--site", "site_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="Also check this exported site.")
@click.option("--templates", "templates_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="Templates the site was exported with.")
@_json_option
def check_command(notes_dir: Path, exclude: tuple[str, ...], index_dir: Path,
                  site_dir: Path | None, templates_dir: Path | None, as_json: bool) -> None:
    """Exit 0 when the index (and site) match the notes, 1 when stale (for CI)."""
    results = _indexed_garden(notes_dir, index_dir, exclude).check(site=site_dir,
                                                                   templates=templates_dir)
    fresh = all(r.fresh for r in results)
    if as_json:
        _print_json({"fresh": fresh, "checks": [r.to_json() for r in results]})
    else:
        for result in results:
            for line in result.lines():
                click.echo(line)
    if not fresh:
        sys.exit(1)


# --- links ----------------------------------------------------------------------------

@cli.command("links")
@_notes_option
@click.option("--broken", is_flag=True, help="Only references that lead nowhere.")
@click.option("--strict", is_flag=True, help="Exit 1 when any reference leads nowhere.")
@_json_option
def links_command(notes_dir: Path, exclude: tuple[str, ...], broken: bool, strict: bool,
                  as_json: bool) -> None:
    """List every reference of the notes (wikilinks, embeds, Markdown links and images,
    raw HTML src/href) and what it resolves to."""
    references = [reference for reference in _garden(notes_dir, exclude=exclude).links()
                  if reference.broken or not broken]
    dead = sum(1 for reference in references if reference.broken)
    if as_json:
        _print_json({"links": [reference.to_json() for reference in references],
                     "broken": dead})
    else:
        for reference in references:
            click.echo(reference.line())
        click.echo(f"{len(references)} reference(s), {dead} leading nowhere", err=True)
    if strict and dead:
        sys.exit(1)


def main() -> None:
    """Console entry point: never show a traceback to a person."""
    try:
        cli.main(standalone_mode=False, prog_name="museumxtd-search")
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as error:
        # One line like every other error: click's usage block would bury the reason.
        click.echo(f"Error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence is one clear line
        click.echo(f"error: {describe(error)}", err=True)
        sys.exit(1)


def console() -> NoReturn:
    """The installed command and ``python -m museumxtd_search``: ``main``, then leave
    without tearing the interpreter down.

    Once the answer is printed nothing is left to do, yet Python's finalization frees
    every object of every module one by one: about 40 ms of CPU after a 199-note
    ``query`` (strace); skipping it took that process from 164 to 108 ms above bare
    Python (alternated runs). So the exit handlers run, the output is flushed, and
    the process ends with ``os._exit``. Every file this tool writes is closed before its
    command returns (the index and the site are renamed into place at the very end), so
    nothing waits on finalization. ``main`` itself still exits normally, for callers
    that run it in their own process, and so does this function under a profiler,
    coverage or a debugger, which write their results after the program returns.
    """
    try:
        main()
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # the reader went away (a closed pipe) or closed
            code = code or 1
    os._exit(code)


def _exit_code(code: object) -> int:
    """The status ``sys.exit(code)`` gives: ``None`` 0, an integer itself, anything else
    printed on stderr and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def describe(error: BaseException) -> str:
    """One line for a person: what failed and, for OS errors, on which file."""
    from museumxtd_search.engine.storage.reader import IndexFormatError
    from museumxtd_search.index.lock import BusyError
    from museumxtd_search.index.searcher import NoIndexError

    if isinstance(error, (NoIndexError, BusyError, IndexFormatError)):
        return str(error)
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or error}{where}"
    return f"{type(error).__name__}: {error}"
