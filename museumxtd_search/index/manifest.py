"""The index's manifest: what the live index was built from, readable cheaply.

The query command uses it to decide, by listing and ``stat``-ing files only, whether
the index must be refreshed before answering.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from museumxtd_search.index import store
from museumxtd_search.index.schema import SCHEMA_VERSION
from museumxtd_search.vault.files import find_files
from museumxtd_search.vault.notes import VaultWarning


def file_stamps(root: Path, paths: Iterable[str]) -> dict[str, list[int]]:
    """(mtime in ns, size) of each note file: the cheap staleness test."""
    stamps = {}
    for path in paths:
        try:
            stat = os.stat(root / path)
        except OSError:
            continue
        stamps[path] = [stat.st_mtime_ns, stat.st_size]
    return stamps


def load_manifest(index_dir: Path) -> dict | None:
    generation = store.live_generation(index_dir)
    if generation is None:
        return None
    try:
        return store.read_json(generation / store.MANIFEST)
    except (OSError, ValueError):
        return None


def stale_files(notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> list[str] | None:
    """Paths whose files differ from the index's manifest; ``None`` when there is no index.

    Only the file listing and ``stat`` are read, so this is cheap enough for every query.
    """
    manifest = load_manifest(index_dir)
    if (manifest is None or manifest.get("schema") != SCHEMA_VERSION
            or manifest.get("root") != str(Path(notes_dir).resolve())
            or manifest.get("exclude") != list(exclude)):
        return None
    files = find_files(Path(notes_dir), exclude)
    stamps = file_stamps(Path(notes_dir), files.notes)
    old: dict[str, list[int]] = manifest.get("stamps", {})
    changed = [p for p, stamp in stamps.items() if old.get(p) != stamp]
    changed += [p for p in old if p not in stamps]
    return sorted(changed)


def index_warnings(index_dir: Path) -> list[VaultWarning]:
    manifest = load_manifest(index_dir) or {}
    return [VaultWarning(*w) for w in manifest.get("warnings", [])]
