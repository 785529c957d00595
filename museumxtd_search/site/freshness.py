"""Is an exported site up to date with the notes and templates? (``check --site``.)"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from museumxtd_search.index.freshness import Freshness
from museumxtd_search.site.export import MARKER, templates_digest
from museumxtd_search.site.templates import template_folders
from museumxtd_search.vault.reading import note_hashes


def site_freshness(notes_dir: Path, site_dir: Path, exclude: Iterable[str] = (),
                   templates: Path | None = None) -> Freshness:
    """Compare the notes (and templates) with what the site's marker says it was made from."""
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
    return result.compare(fingerprint.get("notes", {}), hashes)
