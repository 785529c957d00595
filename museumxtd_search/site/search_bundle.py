"""The search bundle: the one folder ``export --into`` writes inside a site another
generator built. Nothing else of the site is ever written, moved or deleted.

Its files::

    mxsearch.js        the engine and the search box, with this bundle's settings
    mxsearch-related.js  the related notes' list, fetched by pages that show one
    mxsearch.css       the search box's styles
    snippet.html       the lines to paste into a layout
    index-<digest>/    the client index (docs/client-index.md), named after its content
    files/             copies of the attachments results link to, when the site has
                       none of its own (``bundle_attachments``), at their notes' paths
    .museumxtd-search  marker: which index is current, which one came before

A visitor never loads half an index: each run writes its index under a temporary
name and renames it to ``index-<digest>`` once complete; only then is ``mxsearch.js``
(renamed into place) pointed at it. The previous index stays until the next run, so
a page that loaded the previous script still finds every file it asks for. The same
notes give the same digest: a second run rewrites nothing (idempotent). Copied
attachments are put in place (each by a rename, only when its bytes changed) before
the script points at the new index, and those no index lists any more are removed
after.

A bundle folder that holds anything this module did not write is refused, whole. One
run writes a bundle at a time (a lock file inside it while it does): another waits.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from museumxtd_search.index.lock import exclusive
from museumxtd_search.site.writer import write_text

MARKER = ".museumxtd-search"
SCRIPT = "mxsearch.js"
RELATED = "mxsearch-related.js"
STYLES = "mxsearch.css"
SNIPPET = "snippet.html"
LOCK = ".lock"
FILES_FOLDER = "files"
_INDEX_FOLDER = re.compile(r"index-[0-9a-f]{12}\Z")
_TEMPORARY = re.compile(r"\.tmp-[0-9]+(-.+)?\Z")  # a run's index or file being written


class BundleRefusedError(RuntimeError):
    """The bundle folder cannot be written: it is outside the site, or holds files
    this tool did not write."""


@dataclass(frozen=True)
class BundleFiles:
    """What a run writes: the script (given the index folder's name), the styles, the
    snippet, a function writing the client index into a folder, updating a digest, the
    attachments to copy: path inside the bundle (under ``FILES_FOLDER``) -> file, and
    the related notes' script."""

    script: Callable[[str], str]
    styles: str
    snippet: str
    write_index: Callable[[Path, object], None]
    copies: Mapping[str, Path] = field(default_factory=dict)
    related: str = ""  # the related notes' script (``RELATED``)


@dataclass(frozen=True)
class BundleWritten:
    folder: str
    index: str
    changed: bool


def bundle_folder(site: Path, bundle: str) -> Path:
    """The bundle folder for ``--bundle`` (a relative path inside the site); refuses one
    that is the site itself or leaves it."""
    relative = PurePosixPath(bundle.replace("\\", "/").strip("/"))
    if bundle.startswith(("/", "\\")) or not relative.parts or ".." in relative.parts \
            or relative.parts[0].startswith(".") or str(relative) == ".":
        raise BundleRefusedError(
            f"--bundle {bundle!r}: give a folder inside the site, such as 'mxsearch'")
    return site / Path(*relative.parts)


def check_bundle(folder: Path) -> dict:
    """Refuse a bundle folder holding files we did not write; return its marker ({}
    when the folder is new or empty)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BundleRefusedError(f"{folder} is not a folder: choose another --bundle")
    if not folder.is_dir() or not any(e.name != LOCK for e in folder.iterdir()):
        return {}
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        marker = None
    if not isinstance(marker, dict):
        raise BundleRefusedError(
            f"{folder} holds files museumxtd-search did not write: choose another --bundle "
            "or empty that folder")
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            ours = False
        elif entry.name in (MARKER, SCRIPT, RELATED, STYLES, SNIPPET, LOCK):
            ours = entry.is_file()
        elif _INDEX_FOLDER.match(entry.name) or entry.name == FILES_FOLDER:
            ours = entry.is_dir()
        else:
            ours = _TEMPORARY.match(entry.name) is not None
        if not ours:
            raise BundleRefusedError(
                f"{entry} was not written by museumxtd-search: move it out of the bundle "
                "folder or choose another --bundle")
    return marker


def write_bundle(folder: Path, files: BundleFiles,
                 on_wait: Callable[[str], None] | None = None) -> BundleWritten:
    """Write (or bring up to date) the bundle in ``folder``, checked by ``check_bundle``.
    While another process writes it, wait (``on_wait`` gets its PID first)."""
    check_bundle(folder)  # nothing, not even the lock, goes into a folder not ours
    with exclusive(folder / LOCK, f"{folder} is being written", on_wait=on_wait,
                   remove=True):
        return _write(folder, files, check_bundle(folder))  # as it is after any wait


def _write(folder: Path, files: BundleFiles, previous: dict) -> BundleWritten:
    for leftover in folder.iterdir():  # what a killed run was writing
        if _TEMPORARY.match(leftover.name):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    temporary = folder / f".tmp-{os.getpid()}"
    temporary.mkdir()
    try:
        digest = hashlib.sha256()
        files.write_index(temporary, digest)
        index = f"index-{digest.hexdigest()[:12]}"
        if (folder / index).is_dir():
            shutil.rmtree(temporary)  # the same index is live already
        else:
            os.rename(temporary, folder / index)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    live = previous.get("index")
    kept = live if live != index else previous.get("previous")
    changed = _copy_attachments(folder, files.copies)
    changed |= _replace(folder / STYLES, files.styles)
    changed |= _replace(folder / SNIPPET, files.snippet)
    changed |= _replace(folder / RELATED, files.related)  # before the script asks for it
    changed |= _replace(folder / SCRIPT, files.script(index))
    marker = {"generator": "museumxtd-search", "index": index, "previous": kept}
    changed |= _replace(folder / MARKER, json.dumps(marker, indent=1, sort_keys=True) + "\n")
    for entry in folder.iterdir():
        if _INDEX_FOLDER.match(entry.name) and entry.name not in (index, kept):
            shutil.rmtree(entry)
            changed = True
    changed |= _remove_stale_copies(folder, files.copies)
    return BundleWritten(str(folder), index, changed or live != index)


def _copy_attachments(folder: Path, copies: Mapping[str, Path]) -> bool:
    """Put each file of ``copies`` at its path in the bundle, by a rename, unless the
    same bytes are there; return whether any changed."""
    changed = False
    for inside, source in sorted(copies.items()):
        target = folder / inside
        data = source.read_bytes()
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".tmp-{os.getpid()}-{target.name}")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        changed = True
    return changed


def _remove_stale_copies(folder: Path, copies: Mapping[str, Path]) -> bool:
    """Remove copied attachments the current index no longer links to (and folders left
    empty); return whether any was."""
    files = folder / FILES_FOLDER
    if not files.is_dir():
        return False
    wanted = set(copies)
    changed = False
    for path in sorted(files.rglob("*"), reverse=True):  # contents before their folders
        inside = path.relative_to(folder).as_posix()
        if path.is_symlink() or path.is_file():
            if inside not in wanted:
                path.unlink()
                changed = True
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(files.iterdir()):
        files.rmdir()
    return changed


def _replace(path: Path, text: str) -> bool:
    """Put ``text`` in ``path`` by a rename (a reader sees the old or the new file, never
    half of one), unless it already holds exactly that; return whether it changed."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    write_text(str(temporary), text)
    os.replace(temporary, path)
    return True
