"""Read a garden from disk: parse each note file into a ``Note``, build the link table.

With ``vault.files`` (which lists the files), the only modules of the vault stage
that touch the file system.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from museumxtd_search import parallel
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import clear_language, declared_language
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import (  # noqa: F401 - re-exported for callers
    CONFIG_FILE,
    Excluder,
    GardenFiles,
    find_files,
    glob_to_regex,
    is_attachment_name,
    name_as_title,
    note_name,
    read_config,
    read_search_settings,
)
from museumxtd_search.vault.front_matter import (
    as_bool,
    as_list,
    as_text,
    by_lowercase_key,
    decode,
    front_matter_text,
    split_front_matter,
)
from museumxtd_search.vault.links import find_links
from museumxtd_search.vault.markdown_text import inline_markup_to_text, strip_markdown
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.obsidian_settings import excluded_from_search
from museumxtd_search.vault.properties import (
    TAG_KEYS,
    front_matter_title,
    is_published,
    is_searchable,
    note_properties,
    own_date,
    property_links,
    search_boost,
    title_key_names,
)
from museumxtd_search.vault.resolver import LinkTable


@dataclass(frozen=True)
class Vault:
    """A garden as read: its notes (sorted by path, with display titles), other files,
    warnings, link table, and each note's entry (what the index remembers of it)."""

    root: Path
    notes: tuple[Note, ...]
    assets: tuple[str, ...]
    warnings: tuple[VaultWarning, ...]
    links: LinkTable
    entries: tuple[NoteEntry, ...] = ()
    files: GardenFiles | None = None

    def note(self, path: str) -> Note | None:
        return next((n for n in self.notes if n.path == path), None)


def content_hash(data: bytes) -> str:
    """The fingerprint of a note file's bytes (index and site freshness compare it)."""
    return hashlib.sha256(data).hexdigest()[:20]


def parse_note(path: str, data: bytes, title_keys: tuple[str, ...] | None = None
               ) -> tuple[Note, str, list[VaultWarning]]:
    """Parse one note's bytes. Returns the note, its fallback title, and warnings.

    The fallback title (first ``#`` heading, else file name) replaces the front
    matter title when ``read_vault`` finds that title shared by several notes.
    ``title_keys`` are the keys of the front matter properties that may give the
    title, in order of preference (``None``: ``vault.properties.TITLE_KEYS``).
    """
    title_keys = title_key_names(None) if title_keys is None else title_keys
    text, warnings = decode(data, path)
    source = split_front_matter(text, path)
    warnings.extend(source.warnings)
    meta = source.metadata
    name = note_name(path)
    plain = strip_markdown(source.body, source.body_line)
    fallback_title = plain.title or name_as_title(name)
    title_key, title_text = front_matter_title(meta, title_keys)
    front_title = inline_markup_to_text(title_text).strip()
    known = by_lowercase_key(meta)  # the keys we read, however a garden cases them
    aliases = as_list(known.get("aliases"), split=False) + as_list(known.get("alias"),
                                                                   split=False)
    tags = [tag for name in TAG_KEYS for tag in as_list(known.get(name), split=True)]
    tags += list(plain.inline_tags)
    language = declared_language(as_text(known.get("lang") or known.get("language")))[1] \
        or clear_language(plain.text)
    note = Note(
        path=path,
        name=name,
        title=front_title or fallback_title,
        aliases=tuple(dict.fromkeys(a for a in aliases if key(a) and not _is_address(a))),
        tags=_unique_tags(tags),
        headings=plain.headings,
        sections=plain.sections,
        links=tuple(property_links(*front_matter_text(text, source.body_line), meta)
                    if meta else ())
        + tuple(find_links(source.body, source.body_line)),
        text=plain.text,
        markdown=source.body,
        language=language or "fr",
        language_known=language is not None,
        searchable=is_searchable(known),
        published=is_published(known),
        boost=search_boost(known),
        content_hash=content_hash(data),
        body_line=source.body_line,
        front_matter=meta,
        properties=note_properties(meta, title_keys, title_key),
        date=own_date(meta, name),
    )
    return note, fallback_title, warnings


def _is_address(alias: str) -> bool:
    """Whether an alias is an address rather than a name: Hugo's ``aliases`` are the
    note's old URLs (``/posts/ancienne-adresse/``), for which it writes redirects;
    read as names, their words ranked the note as if it were titled so."""
    alias = alias.strip()
    return alias.startswith("/") or "://" in alias


def _unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags without ``#``, deduplicated case- and accent-insensitively, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = tag.strip().lstrip("#").strip()
        if tag and key(tag) and key(tag) not in seen:
            seen[key(tag)] = tag
    return tuple(seen.values())


def note_hashes(root: Path, exclude: Iterable[str] = ()) -> tuple[dict[str, str], GardenFiles]:
    """Content hash of every note file (unreadable files are left out), without parsing."""
    files = find_files(root, exclude)
    hashes = {}
    for relative in files.notes:
        try:
            hashes[relative] = content_hash((root / relative).read_bytes())
        except OSError:
            continue
    return hashes, files


def read_vault(
    root: Path | str,
    exclude: Iterable[str] = (),
    on_progress: Callable[[int], None] | None = None,
    files: GardenFiles | None = None,
) -> Vault:
    """Read every note under ``root`` (those of ``files`` when the caller has listed
    them already). Bad files become warnings, never exceptions. ``on_progress`` gets
    how many notes are read, now and then.

    Raises ``FileNotFoundError`` only when ``root`` itself is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"notes folder not found: {root}")
    if files is None:
        files = find_files(root, exclude)
    read = read_notes(root, files.notes, on_progress)
    entries = [entry for _, entry in read.notes]
    titles = display_titles(entries)
    notes = tuple(with_title(note, titles[note.path]) for note, _ in read.notes)
    return Vault(root, notes, files.assets, (*files.warnings, *read.warnings),
                 link_table(entries, titles, files.assets), tuple(entries), files)


def published_vault(vault: Vault) -> Vault:
    """``vault`` without its drafts (``on_site``), as an exported site shows it: links
    to a draft do not resolve, titles are told apart among the published notes.
    ``vault`` itself when every note is published."""
    chosen = publishes_chosen_notes(vault.notes)
    kept = [note.path for note in vault.notes if on_site(note, chosen)]
    return vault if len(kept) == len(vault.notes) else restricted_vault(vault, kept)


def chosen_for_publishing(note: Note) -> bool:
    """Whether the note says ``dg-publish: true``: the Digital Garden plugin for
    Obsidian publishes the notes that say so, and no other."""
    return as_bool(note.front_matter.get("dg-publish"), False)


def publishes_chosen_notes(notes: Iterable[Note]) -> bool:
    """Whether the garden is published as the Digital Garden plugin publishes it, the
    notes saying ``dg-publish: true`` only: its vault keeps private notes beside them,
    and a garden where any note says so is read that way."""
    return any(chosen_for_publishing(note) for note in notes)


def on_site(note: Note, chosen: bool) -> bool:
    """Whether the note is on an exported site: not a draft (``Note.published``) and,
    in a garden publishing ``chosen`` notes only (``publishes_chosen_notes``), one of
    them."""
    return note.published and (not chosen or chosen_for_publishing(note))


def restricted_vault(vault: Vault, paths: Iterable[str]) -> Vault:
    """``vault`` as if only the notes at ``paths`` existed: display titles and links
    resolve among them (a site that publishes some of the notes links to those only).
    ``vault`` must have its entries (``read_vault`` gives them)."""
    keep = set(paths)
    entries = [entry for entry in vault.entries if entry.path in keep]
    titles = display_titles(entries)
    notes = tuple(with_title(note, titles[note.path]) for note in vault.notes
                  if note.path in keep)
    return Vault(vault.root, notes, vault.assets, vault.warnings,
                 link_table(entries, titles, vault.assets), tuple(entries), vault.files)


@dataclass(frozen=True)
class ReadNotes:
    """Notes parsed from disk, each with its entry (titles as the notes give them), and
    the warnings of those files in path order (unreadable files among them)."""

    notes: list[tuple[Note, NoteEntry]]
    warnings: list[VaultWarning]


def read_notes(root: Path, paths: Iterable[str],
               on_progress: Callable[[int], None] | None = None) -> ReadNotes:
    """Read and parse the notes at ``paths`` (relative to ``root``), many of them on
    every core; never raises. ``on_progress`` gets how many are read, now and then."""
    paths = tuple(paths)
    read = ReadNotes([], [])
    # museumxtd.toml's warnings are the listing's (find_files); only its values here.
    settings, _ = read_search_settings(root)
    title_keys = title_key_names(settings.title_keys)
    dates = FileDates(root)
    hidden = excluded_from_search(root)  # Obsidian's "Excluded files"
    for relative, result in zip(paths, _parse_files(root, paths, on_progress, title_keys),
                                strict=True):
        if isinstance(result, str):
            read.warnings.append(VaultWarning(relative, None, f"cannot be read: {result}"))
            continue
        note, fallback, note_warnings = result
        read.warnings.extend(note_warnings)
        if not note.date:
            note = replace(note, date=dates.of(relative))
        if note.searchable and hidden(relative):
            note = replace(note, searchable=False)
        read.notes.append((note, NoteEntry.of(note, fallback, note_warnings)))
    return read


class FileDates:
    """The date of a note whose front matter gives none: the day of the last commit
    that touched it (git is asked once, when a note first needs it), else the day its
    file was last modified. An index snapshot keeps the notes, not these days: a note
    it keeps is dated again (``index.snapshot``)."""

    def __init__(self, root: Path, stamps: dict[str, tuple[int, int]] | None = None) -> None:
        """``stamps``: the notes' (mtime in ns, size) when a listing has them already
        (``GardenFiles.stamps``), so no file is asked again."""
        self.root = root
        self._stamps = stamps or {}
        self._commits: dict[str, str] | None = None

    def of(self, relative: str) -> str:
        if self._commits is None:
            self._commits = commit_dates(self.root)
        found = self._commits.get(relative)
        if found:
            return found
        stamp = self._stamps.get(relative)
        return _day(stamp[0] / 1e9) if stamp else _modified(self.root, relative)


def commit_dates(root: Path) -> dict[str, str]:
    """Path relative to ``root`` -> ``YYYY-MM-DD`` of the last commit that touched it,
    when ``root`` is in a git work tree (one ``git log`` for the whole garden);
    ``{}`` without git or outside a repository."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%x00%cs", "--name-only", "--relative",
             "-z", "--no-renames", "--", "."],
            capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    day = ""
    for item in done.stdout.decode("utf-8", "replace").split("\0"):
        item = item.strip("\n")
        if not item:
            continue
        if len(item) == 10 and item[4] == "-" and item[7] == "-" and item[:4].isdigit():
            day = item
        elif day:
            dates.setdefault(item, day)
    return dates


def _modified(root: Path, relative: str) -> str:
    """``YYYY-MM-DD`` (UTC) of the file's modification time, ``""`` if unreadable."""
    try:
        seconds = (root / relative).stat().st_mtime_ns / 1e9  # as from a stamp
    except OSError:
        return ""
    return _day(seconds)


def _day(seconds: float) -> str:
    """``YYYY-MM-DD`` (UTC) of a time in seconds since the epoch."""
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat()


def with_title(note: Note, title: str) -> Note:
    """``note`` with its display title (see ``catalog.display_titles``)."""
    return note if note.title == title else replace(note, title=title)


_ParseResult = tuple[Note, str, list[VaultWarning]] | str


def _parse_file(root: Path, relative: str, title_keys: tuple[str, ...]) -> _ParseResult:
    """Read and parse one note; an OS error becomes its message (never an exception)."""
    try:
        data = (root / relative).read_bytes()
    except OSError as error:
        return error.strerror or str(error)
    if is_attachment_name(relative):
        from museumxtd_search.vault.attachments import parse_attachment

        return parse_attachment(relative, data, content_hash(data))
    return parse_note(relative, data, title_keys)


def _parse_files(root: Path, paths: tuple[str, ...],
                 on_progress: Callable[[int], None] | None,
                 title_keys: tuple[str, ...]) -> list[_ParseResult]:
    """Parse notes, in the order of ``paths``; on every core for many (parsing is
    CPU-bound): workers parse chunks as they take them and send each chunk's notes
    back, which this process unpickles meanwhile."""
    processes = parallel.processes("read", len(paths))
    if processes == 1:
        parsed = []
        for relative in paths:
            parsed.append(_parse_file(root, relative, title_keys))
            if on_progress:
                on_progress(len(parsed))
        return parsed
    chunks = parallel.chunks(len(paths), max(50, len(paths) // (processes * 8)))
    by_chunk: dict[int, list[_ParseResult]] = {}
    done = 0

    def parse_chunks(worker: parallel.Worker) -> None:
        while (number := worker.take()) is not None:
            worker.report((number, [_parse_file(root, paths[n], title_keys)
                                     for n in chunks[number]]))

    def arrived(report) -> None:
        nonlocal done
        number, results = report
        by_chunk[number] = results
        done += len(results)
        if on_progress:
            on_progress(done)

    with parallel.ForkedWorkers(processes, parse_chunks, chunks=len(chunks)) as workers:
        workers.gather(arrived)
    return [result for number in range(len(chunks)) for result in by_chunk[number]]
