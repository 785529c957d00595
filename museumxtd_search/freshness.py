"""Is the index, or an exported site, up to date with the notes? (``check``, for CI.)

Freshness is decided by content, not modification times: a fresh clone in CI has new
mtimes but the same bytes. The index (``notes.json``) and the site's marker file record
the content hash of every note they were built from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from museumxtd_search.index import store
from museumxtd_search.index.manifest import load_manifest
from museumxtd_search.vault.reading import note_hashes


@dataclass
class Freshness:
    """What differs between the notes and one built artefact (``index`` or ``site``)."""

    target: str
    path: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def fresh(self) -> bool:
        return not (self.added or self.changed or self.removed or self.reasons)

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "fresh": self.fresh}

    def lines(self) -> list[str]:
        if self.fresh:
            return [f"{self.target} {self.path} is up to date"]
        lines = [f"{self.target} {self.path} is stale:"]
        lines += [f"  {reason}" for reason in self.reasons]
        lines += [f"  added:   {p}" for p in self.added]
        lines += [f"  changed: {p}" for p in self.changed]
        lines += [f"  removed: {p}" for p in self.removed]
        return lines


def _compare(result: Freshness, built: dict[str, str], now: dict[str, str]) -> Freshness:
    result.added = sorted(p for p in now if p not in built)
    result.removed = sorted(p for p in built if p not in now)
    result.changed = sorted(p for p in now if p in built and built[p] != now[p])
    return result


def index_freshness(notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> Freshness:
    """Compare the notes with the index's manifest."""
    result = Freshness("index", str(index_dir))
    manifest = load_manifest(index_dir)
    if manifest is None:
        result.reasons.append("no index: run museumxtd-search index")
        return result
    if manifest.get("root") != str(notes_dir.resolve()):
        result.reasons.append(f"built from another notes folder: {manifest.get('root')}")
    if manifest.get("exclude") != list(exclude):
        result.reasons.append("built with other --exclude globs")
    hashes, _ = note_hashes(notes_dir, exclude)
    return _compare(result, _indexed_hashes(index_dir), hashes)


def _indexed_hashes(index_dir: Path) -> dict[str, str]:
    """The content hash of every note the index was built from (``notes.json``)."""
    generation = store.live_generation(index_dir)
    try:
        entries = store.read_json(generation / store.NOTES)["entries"]
        return {path: entry[0] for path, entry in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


def site_freshness(notes_dir: Path, site_dir: Path, exclude: Iterable[str] = (),
                   templates: Path | None = None) -> Freshness:
    """Compare the notes (and templates) with what the site's marker says it was made from."""
    from museumxtd_search.site.export import MARKER, templates_digest
    from museumxtd_search.site.templates import template_folders

    result = Freshness("site", str(site_dir))
    try:
        fingerprint = json.loads((site_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        result.reasons.append("no exported site: run museumxtd-search export")
        return result
    if not isinstance(fingerprint, dict):
        result.reasons.append("the site's marker is not readable: export again")
        return result
    hashes, files = note_hashes(notes_dir, exclude)
    if fingerprint.get("templates") != templates_digest(template_folders(templates)):
        result.reasons.append("templates changed")
    if fingerprint.get("assets") != list(files.assets):
        result.reasons.append("images or other files changed")
    return _compare(result, fingerprint.get("notes", {}), hashes)


__all__ = ["Freshness", "index_freshness", "site_freshness", "store"]
