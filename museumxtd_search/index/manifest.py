"""The index's manifest: what the live index was built from, readable cheaply.

The query command uses it to decide, by listing and ``stat``-ing files only, whether
the index must be refreshed before answering; ``check`` compares its content hashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from museumxtd_search.index import store
from museumxtd_search.index.schema import SCHEMA_VERSION
from museumxtd_search.vault.files import find_files


def load_manifest(index_dir: Path) -> dict | None:
    generation = store.live_generation(index_dir)
    if generation is None:
        return None
    try:
        return store.read_json(generation / store.MANIFEST)
    except (OSError, ValueError):
        return None


def built_from(manifest: dict | None, notes_dir: Path, exclude: Iterable[str]) -> bool:
    """Whether ``manifest`` describes an index of ``notes_dir`` with these exclusions,
    written by this version of the schema (else only a full build will do)."""
    return (manifest is not None and manifest.get("schema") == SCHEMA_VERSION
            and manifest.get("root") == str(Path(notes_dir).resolve())
            and manifest.get("exclude") == list(exclude))


def stale_files(notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> list[str] | None:
    """Paths whose files differ from the index's manifest; ``None`` when there is no index.

    Only the file listing and ``stat`` are read, so this is cheap enough for every query.
    """
    manifest = load_manifest(index_dir)
    if not built_from(manifest, notes_dir, exclude):
        return None
    stamps = find_files(Path(notes_dir), exclude).stamps
    old: dict[str, list[int]] = manifest.get("stamps", {})
    changed = [p for p, stamp in stamps.items() if old.get(p) != list(stamp)]
    changed += [p for p in old if p not in stamps]
    return sorted(changed)


def snapshot_folder(index_dir: Path, notes_dir: Path, exclude: Iterable[str] = ()) -> Path | None:
    """The live generation of ``index_dir`` when it was built from ``notes_dir`` with
    these exclusions (the folder holding its snapshot), else ``None``."""
    manifest = load_manifest(index_dir)
    if not built_from(manifest, notes_dir, exclude):
        return None
    return store.live_generation(index_dir)
