"""Find a garden's files: notes and other files, minus hidden and excluded ones.

Kept apart from parsing so that the query command can check freshness by listing and
``stat``-ing files without loading the YAML machinery.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from museumxtd_search.vault.drawings import DRAWING_SUFFIX
from museumxtd_search.vault.warning import VaultWarning

CONFIG_FILE = "museumxtd.toml"
# Folders are listed through a descriptor where the system allows it: each note's
# ``stat`` then names the file within its folder instead of walking its whole path
# again, about a fifth less time at 10,000 notes.
_SCAN_BY_DESCRIPTOR = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def is_note_name(name: str) -> bool:
    """Whether a file name or path names a note: it ends in ``.md``, in any case."""
    return name[-3:].lower() == ".md"


# Attachments whose text is searchable, by extension: what ``query --type`` names each
# kind (``vault.attachments`` reads them).
ATTACHMENT_KINDS = ("pdf", "txt", "docx", "odt")


def attachment_kind(name: str) -> str | None:
    """The kind of attachment a file name or path names (``pdf``, ``txt``, ``docx``,
    ``odt``, whatever the case of its extension), ``None`` for any other file."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or "/" in extension:
        return None
    extension = extension.lower()
    return extension if extension in ATTACHMENT_KINDS else None


def is_attachment_name(name: str) -> bool:
    """Whether a file name or path names an attachment whose text is searchable (a PDF,
    a plain text, a Word or OpenDocument text: ``ATTACHMENT_KINDS``). It is listed both
    as a file (links and embeds reach it, the site copies it) and as a document
    (indexed, stamped, updated like a note)."""
    return attachment_kind(name) is not None


def attachment_title(path: str) -> str:
    """An attachment's title: its file name without the extension (``Rapport 2023``)."""
    return path.rsplit("/", 1)[-1].rpartition(".")[0] or path


def without_note_suffix(path: str) -> str:
    """``path`` without its ``.md`` (in any case), if it has one."""
    return path[:-3] if is_note_name(path) else path


def note_name(path: str) -> str:
    """A note's name: its file name without ``.md`` (wikilinks resolve by it)."""
    return without_note_suffix(path.rsplit("/", 1)[-1])


def name_as_title(name: str) -> str:
    """The title a note's file name gives it when nothing else does: Logseq's
    namespaces written ``___`` (``Community___Sprint`` is ``Community/Sprint``; ``%2F``
    in older graphs), and an Excalidraw drawing without its suffix (``Plan.excalidraw``
    is ``Plan``)."""
    if "___" in name:
        name = name.replace("___", "/")
    if "%2F" in name or "%2f" in name:
        name = name.replace("%2F", "/").replace("%2f", "/")
    if name.endswith(DRAWING_SUFFIX) and len(name) > len(DRAWING_SUFFIX):
        name = name[:-len(DRAWING_SUFFIX)]
    return name


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a ``--exclude`` glob: ``*`` within a name, ``**`` across folders."""
    pattern = pattern.strip().replace("\\", "/").strip("/")
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE)


class Excluder:
    """Decides which relative paths the ``exclude`` globs leave out.

    A glob matches a whole relative path or any folder above it (``Brouillon`` excludes
    ``Brouillon/x.md``); a glob without ``/`` also matches any single file or folder name
    (``docs`` excludes ``Projets/docs/x.md``), unless it starts with ``/``, which
    anchors it at the notes folder's root as in ``.gitignore`` (``/docs`` does not).
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = [p for p in patterns if p.strip()]
        self._compiled = [(glob_to_regex(p), _any_name(p)) for p in self.patterns]

    def excluded(self, relative: str) -> bool:
        if not self._compiled:
            return False
        parts = relative.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        for regex, any_name in self._compiled:
            if any(regex.match(prefix) for prefix in prefixes):
                return True
            if any_name and any(regex.match(part) for part in parts):
                return True
        return False


def _any_name(pattern: str) -> bool:
    """Whether ``pattern`` also matches a file or folder name at any depth: it holds no
    ``/`` but a trailing one, and no leading ``/`` anchors it."""
    pattern = pattern.strip().replace("\\", "/")
    return not pattern.startswith("/") and "/" not in pattern.rstrip("/")


class ConfigError(ValueError):
    """``museumxtd.toml`` cannot be read or parsed (the message says why)."""


def loads_toml(text: str) -> dict:
    """The mapping TOML ``text`` holds (``museumxtd.toml``, a note's ``+++`` front
    matter); raises ``ConfigError`` saying why it cannot be read."""
    # Imported here: most gardens have no TOML, and every query lists files.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(error)) from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise ConfigError("nested too deeply") from None


def read_toml(path: Path) -> dict:
    """The settings in the TOML file ``path``; raises ``ConfigError``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as error:
        raise ConfigError(str(error)) from None
    return loads_toml(text)


def read_config(root: Path) -> tuple[list[str], list[VaultWarning]]:
    """Read the ``exclude`` list of ``museumxtd.toml`` in the notes folder, if any."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return [], []
    try:
        data = read_toml(path)
    except ConfigError as error:
        return [], [VaultWarning(CONFIG_FILE, None, f"ignored, cannot be read: {error}")]
    exclude = data.get("exclude", [])
    if isinstance(exclude, str):
        exclude = [exclude]
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        return [], [VaultWarning(CONFIG_FILE, None, "'exclude' must be a list of globs")]
    return exclude, []


class SearchSettings(NamedTuple):
    """The ``[search]`` table of ``museumxtd.toml``: ``title_keys`` (front matter keys
    naming a note's title, in order of preference; ``None``: the defaults of
    ``vault.properties``) and ``facets`` (properties the site counts beside tags)."""

    title_keys: tuple[str, ...] | None = None
    facets: tuple[str, ...] = ()


def _strings(value: object) -> tuple[str, ...] | None:
    """``value`` as a tuple of strings (a string alone counts), or ``None``."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def read_search_settings(root: Path) -> tuple[SearchSettings, list[VaultWarning]]:
    """The ``[search]`` settings of ``museumxtd.toml`` in the notes folder, if any; a
    malformed one is a warning and the defaults."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SearchSettings(), []
    try:
        table = read_toml(path).get("search", {})
    except ConfigError:
        return SearchSettings(), []  # read_config already says so
    if not isinstance(table, dict):
        return SearchSettings(), [VaultWarning(CONFIG_FILE, None, "'search' must be a table")]
    warnings = []
    settings = {}
    for name in ("title_keys", "facets"):
        if name not in table:
            continue
        value = _strings(table[name])
        if value is None:
            warnings.append(VaultWarning(CONFIG_FILE, None,
                                         f"'search.{name}' must be a list of property names"))
        else:
            settings[name] = value
    return SearchSettings(**settings), warnings


class GardenFiles(NamedTuple):
    """The files of a garden: notes and other files, relative paths, sorted.

    ``stamps`` holds each note's (mtime in ns, size), taken by the same listing, before
    anything is read: the cheap test of whether a note changed since a build.
    """

    notes: tuple[str, ...]
    assets: tuple[str, ...]
    warnings: tuple[VaultWarning, ...]
    stamps: dict[str, tuple[int, int]]


def find_files(root: Path, exclude: Iterable[str] = ()) -> GardenFiles:
    """List ``*.md`` notes and other files under ``root``, skipping hidden and excluded ones.
    PDFs are both: files, and documents among ``notes`` (``is_attachment_name``).

    Folder symlinks are not followed (no loops); a broken file symlink is a warning;
    a symlink to a file outside the garden is left out with a warning, so an export
    never publishes a file from elsewhere on the machine. One ``stat`` per note: the
    query command runs this before every search, on gardens of thousands of notes.
    """
    configured, config_warnings = read_config(root)
    config_warnings += read_search_settings(root)[1]
    warnings: list[VaultWarning] = []
    real_root = os.path.realpath(root)
    excluder = Excluder([*configured, *exclude])
    notes: list[str] = []
    assets: list[str] = []
    stamps: dict[str, tuple[int, int]] = {}
    excluded = excluder.excluded if excluder.patterns else None
    folders = [(os.fspath(root), "")]
    while folders:  # a stack, not recursion: folders may nest deeper than Python recurses
        folder, prefix = folders.pop()
        try:
            descriptor = os.open(folder, _FOLDER_FLAGS) if _SCAN_BY_DESCRIPTOR else None
        except OSError:
            continue  # an unreadable folder is left out, as os.walk does
        try:
            with os.scandir(folder if descriptor is None else descriptor) as listing:
                entries = list(listing)
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                relative = prefix + name
                if excluded is not None and excluded(relative):
                    continue
                try:
                    is_folder = entry.is_dir()
                except OSError:
                    is_folder = False
                if is_folder:
                    if not entry.is_symlink():
                        folders.append((os.path.join(folder, name), relative + "/"))
                    continue
                if name == CONFIG_FILE:
                    continue
                if entry.is_symlink():
                    path = os.path.join(folder, name)
                    if os.path.exists(path) and os.path.commonpath(
                            [real_root, os.path.realpath(path)]) != real_root:
                        warnings.append(VaultWarning(
                            relative, None, "links to a file outside the notes folder: skipped"))
                        continue
                if not is_note_name(name):
                    assets.append(relative)
                    if not is_attachment_name(name):
                        continue
                try:
                    stat = entry.stat()
                except OSError:
                    stat = None
                if stat is None or not S_ISREG(stat.st_mode):
                    warnings.append(VaultWarning(relative, None, "broken link, not a file"))
                    continue
                notes.append(relative)
                stamps[relative] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue
        finally:
            if descriptor is not None:
                os.close(descriptor)
    warnings.sort(key=lambda w: w.path)
    return GardenFiles(tuple(sorted(notes)), tuple(sorted(assets)),
                       (*config_warnings, *warnings), stamps)
