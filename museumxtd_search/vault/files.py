"""Find a garden's files: notes and other files, minus hidden and excluded ones.

Kept apart from parsing so that the query command can check freshness by listing and
``stat``-ing files without loading the YAML machinery.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from museumxtd_search.vault.notes import VaultWarning

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = "museumxtd.toml"


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
    ``Brouillon/x.md``); a glob without ``/`` also matches any single file or folder name.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = [p for p in patterns if p.strip()]
        self._compiled = [(glob_to_regex(p), "/" not in p.strip("/")) for p in self.patterns]

    def excluded(self, relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        for regex, any_name in self._compiled:
            if any(regex.match(prefix) for prefix in prefixes):
                return True
            if any_name and any(regex.match(part) for part in parts):
                return True
        return False


def read_config(root: Path) -> tuple[list[str], list[VaultWarning]]:
    """Read the ``exclude`` list of ``museumxtd.toml`` in the notes folder, if any."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return [], []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        return [], [VaultWarning(CONFIG_FILE, None, f"ignored, cannot be read: {error}")]
    exclude = data.get("exclude", [])
    if isinstance(exclude, str):
        exclude = [exclude]
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        return [], [VaultWarning(CONFIG_FILE, None, "'exclude' must be a list of globs")]
    return exclude, []


@dataclass(frozen=True, slots=True)
class GardenFiles:
    """The files of a garden: notes and other files, relative paths, sorted."""

    notes: tuple[str, ...]
    assets: tuple[str, ...]
    warnings: tuple[VaultWarning, ...]


def find_files(root: Path, exclude: Iterable[str] = ()) -> GardenFiles:
    """List ``*.md`` notes and other files under ``root``, skipping hidden and excluded ones.

    Folder symlinks are not followed (no loops); a broken file symlink is a warning;
    a symlink to a file outside the garden is left out with a warning, so an export
    never publishes a file from elsewhere on the machine.
    """
    configured, warnings = read_config(root)
    real_root = os.path.realpath(root)
    excluder = Excluder([*configured, *exclude])
    notes: list[str] = []
    assets: list[str] = []
    for folder, dirs, files in os.walk(root, onerror=None):
        relative_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative_folder == "." else relative_folder + "/"
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not excluder.excluded(prefix + d))
        for name in sorted(files):
            relative = prefix + name
            if name.startswith(".") or name == CONFIG_FILE or excluder.excluded(relative):
                continue
            full = os.path.join(folder, name)
            if os.path.islink(full) and os.path.exists(full) and os.path.commonpath(
                    [real_root, os.path.realpath(full)]) != real_root:
                warnings.append(VaultWarning(relative, None,
                                             "links to a file outside the notes folder: skipped"))
                continue
            if name.lower().endswith(".md"):
                if not os.path.isfile(full):
                    warnings.append(VaultWarning(relative, None, "broken link, not a file"))
                    continue
                notes.append(relative)
            else:
                assets.append(relative)
    return GardenFiles(tuple(sorted(notes)), tuple(sorted(assets)), tuple(warnings))
