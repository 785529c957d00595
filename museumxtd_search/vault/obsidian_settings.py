"""What a vault's own Obsidian settings say about search: its *Excluded files*.

Obsidian keeps them in ``.obsidian/app.json`` as ``userIgnoreFilters`` (Settings →
Files and links → Excluded files), and hides those files from its search, graph and
unlinked mentions while they stay notes one can open and link to. An author who has
set them once (templates, archives, a scratch folder) expects our search to hide
them too, without a second list: such notes keep their page on the site and their
links, but are not searchable (as with ``search: false``).

Each filter is read as Obsidian reads it: ``/pattern/`` is a regular expression
searched in the note's path; anything else is a prefix of the path
(``Modèles/`` a folder, ``README.md`` a file, ``Archive`` both ``Archive/…`` and
``Archive 2020.md``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

SETTINGS_FILE = ".obsidian/app.json"


def excluded_filters(root: Path) -> list[str]:
    """The vault's ``userIgnoreFilters`` as written, ``[]`` when there are none (no
    Obsidian settings, an unreadable file, or not a list of strings)."""
    try:
        data = json.loads((Path(root) / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    filters = data.get("userIgnoreFilters") if isinstance(data, dict) else None
    if not isinstance(filters, list):
        return []
    return [item for item in filters if isinstance(item, str) and item.strip()]


def excluded_from_search(root: Path) -> Callable[[str], bool]:
    """Whether a path (relative to ``root``, with ``/``) is among the vault's excluded
    files. A regular expression Python cannot compile is left out."""
    prefixes: list[str] = []
    patterns: list[re.Pattern[str]] = []
    for item in excluded_filters(root):
        if len(item) > 2 and item.startswith("/") and item.endswith("/"):
            try:
                patterns.append(re.compile(item[1:-1]))
            except re.error:
                continue
        else:
            prefixes.append(item.lstrip("/"))
    if not prefixes and not patterns:
        return _nothing
    starts = tuple(prefixes)
    return lambda path: path.startswith(starts) or any(p.search(path) for p in patterns)


def _nothing(path: str) -> bool:
    return False
