"""The files of the in-browser search, in the order a page loads them.

The engine (``snowball.js``, then ``search-core.js``: global ``MXSearch``) answers
queries from the client index; the search box (``search-ui.js`` and its stylesheet)
is the one component both our exported site and the bundle of ``export --into`` use.
Both come from the ``static/`` folder of the template folders (the override first),
as ``export`` ships them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

ENGINE_SCRIPTS = ("snowball.js", "search-core.js")
UI_SCRIPT = "search-ui.js"
UI_STYLES = "search-ui.css"


def static_file(folders: Sequence[Path], name: str) -> Path:
    """``static/<name>`` from the first template folder that has it."""
    for folder in folders:
        candidate = folder / "static" / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"static/{name} not found in the templates: reinstall museumxtd-search")


def engine_scripts(folders: Sequence[Path]) -> list[Path]:
    """The search engine's scripts, in load order (they define ``MXSearch``)."""
    return [static_file(folders, name) for name in ENGINE_SCRIPTS]


def joined_script(folders: Sequence[Path], settings: Mapping[str, object], header: str) -> str:
    """One script holding the engine and the search box, preceded by ``settings`` (read by
    the search box as ``window.MXSearchSettings``): a page loads it with one request."""
    parts = [f"/* {header} */\n",
             "window.MXSearchSettings = "
             + json.dumps(dict(settings), ensure_ascii=False, sort_keys=True) + ";\n"]
    for path in [*engine_scripts(folders), static_file(folders, UI_SCRIPT)]:
        text = path.read_text(encoding="utf-8")
        parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)


def ui_styles(folders: Sequence[Path]) -> str:
    return static_file(folders, UI_STYLES).read_text(encoding="utf-8")
