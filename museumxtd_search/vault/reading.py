"""Read a garden from disk: parse each note file into a ``Note``, build the link table.

With ``vault.files`` (which lists the files), the only modules of the vault stage
that touch the file system.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from museumxtd_search.parallel import exit_with_parent
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import detect_language
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import (  # noqa: F401 - re-exported for callers
    CONFIG_FILE,
    Excluder,
    GardenFiles,
    find_files,
    glob_to_regex,
    note_name,
    read_config,
)
from museumxtd_search.vault.front_matter import (
    as_bool,
    as_float,
    as_list,
    as_text,
    decode,
    split_front_matter,
)
from museumxtd_search.vault.links import find_links
from museumxtd_search.vault.markdown_text import inline_markup_to_text, strip_markdown
from museumxtd_search.vault.notes import Note, VaultWarning
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


def parse_note(path: str, data: bytes) -> tuple[Note, str, list[VaultWarning]]:
    """Parse one note's bytes. Returns the note, its fallback title, and warnings.

    The fallback title (first ``#`` heading, else file name) replaces the front
    matter title when ``read_vault`` finds that title shared by several notes.
    """
    text, warnings = decode(data, path)
    source = split_front_matter(text, path)
    warnings.extend(source.warnings)
    meta = source.metadata
    name = note_name(path)
    plain = strip_markdown(source.body, source.body_line)
    first_heading = next((h.text for h in plain.headings if h.level == 1), None)
    fallback_title = first_heading or name
    front_title = inline_markup_to_text(as_text(meta.get("title"))).strip()
    aliases = as_list(meta.get("aliases"), split=False) + as_list(meta.get("alias"), split=False)
    tags = as_list(meta.get("tags"), split=True) + as_list(meta.get("tag"), split=True)
    tags += list(plain.inline_tags)
    language = as_text(meta.get("lang") or meta.get("language")).lower()[:2]
    if language not in ("fr", "en"):
        language = detect_language(plain.text)
    note = Note(
        path=path,
        name=name,
        title=front_title or fallback_title,
        aliases=tuple(dict.fromkeys(a for a in aliases if key(a))),
        tags=_unique_tags(tags),
        headings=plain.headings,
        sections=plain.sections,
        links=tuple(find_links(source.body, source.body_line)),
        text=plain.text,
        markdown=source.body,
        language=language,
        searchable=as_bool(meta.get("search"), True),
        boost=as_float(meta.get("search_boost"), 1.0),
        content_hash=content_hash(data),
        body_line=source.body_line,
        front_matter=meta,
    )
    return note, fallback_title, warnings


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
    on_progress: Callable[[str], None] | None = None,
    files: GardenFiles | None = None,
) -> Vault:
    """Read every note under ``root`` (those of ``files`` when the caller has listed
    them already). Bad files become warnings, never exceptions.

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


@dataclass(frozen=True)
class ReadNotes:
    """Notes parsed from disk, each with its entry (titles as the notes give them), and
    the warnings of those files in path order (unreadable files among them)."""

    notes: list[tuple[Note, NoteEntry]]
    warnings: list[VaultWarning]


def read_notes(root: Path, paths: Iterable[str],
               on_progress: Callable[[str], None] | None = None,
               parallel: bool = True) -> ReadNotes:
    """Read and parse the notes at ``paths`` (relative to ``root``); never raises.

    Many notes are parsed on every core unless ``parallel`` is false (in a worker).
    """
    read = ReadNotes([], [])
    for relative, result in _parse_files(root, tuple(paths), on_progress, parallel):
        if isinstance(result, str):
            read.warnings.append(VaultWarning(relative, None, f"cannot be read: {result}"))
            continue
        note, fallback, note_warnings = result
        read.warnings.extend(note_warnings)
        read.notes.append((note, NoteEntry.of(note, fallback, note_warnings)))
    return read


def with_title(note: Note, title: str) -> Note:
    """``note`` with its display title (see ``catalog.display_titles``)."""
    return note if note.title == title else replace(note, title=title)


# Below this many notes a second process costs more than it saves.
PARALLEL_THRESHOLD = 400
_ParseResult = tuple[Note, str, list[VaultWarning]] | str


def _parse_file(root: Path, relative: str) -> _ParseResult:
    """Read and parse one note; an OS error becomes its message (never an exception)."""
    try:
        data = (root / relative).read_bytes()
    except OSError as error:
        return error.strerror or str(error)
    return parse_note(relative, data)


def _parse_chunk(root: Path, chunk: list[str]) -> list[_ParseResult]:
    return [_parse_file(root, relative) for relative in chunk]


def _parse_files(root: Path, paths: tuple[str, ...],
                 on_progress: Callable[[str], None] | None,
                 parallel: bool = True) -> Iterator[tuple[str, _ParseResult]]:
    """Parse notes in path order, on every core for large gardens (parsing is CPU-bound)."""
    workers = min(os.cpu_count() or 1, 4)
    if not parallel or len(paths) < PARALLEL_THRESHOLD or workers < 2:
        for relative in paths:
            if on_progress:
                on_progress(relative)
            yield relative, _parse_file(root, relative)
        return
    size = max(50, len(paths) // (workers * 8))
    chunks = [list(paths[i:i + size]) for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        for chunk, results in zip(chunks, pool.map(_parse_chunk, [root] * len(chunks), chunks),
                                  strict=True):
            for relative, result in zip(chunk, results, strict=True):
                if on_progress:
                    on_progress(relative)
                yield relative, result
