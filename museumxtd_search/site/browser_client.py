"""The files of the in-browser search, in the order a page loads them.

The engine (``snowball.js``, then ``search-core.js`` joined from ``static/engine/`` by
``engine_script``: global ``MXSearch``) answers queries from the client index; the
search box (``search-ui.js`` and its stylesheet) is the one component both our
exported site and the bundle of ``export --into`` use. All come from the template
folders (the override first), as ``export`` ships them.

Every script a site receives is minified first (``shipped``): comments and indentation
are a third of the bytes a visitor downloads before the first results (about 14 KB of
38 KB gzipped), and the sources keep their comments for the people who change them.
rjsmin only removes comments and white space, so the scripts' meaning stays (the
browser tests drive the minified scripts).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import rjsmin

from museumxtd_search.site.engine_script import engine_script

STEMMERS = "snowball.js"
UI_SCRIPT = "search-ui.js"
UI_STYLES = "search-ui.css"
# The bundle's related-notes list (``<div data-mxsearch-related>``): a file of its own,
# which the loader joined after the search box fetches on the pages that show one.
RELATED_SCRIPT = "related-ui.js"
RELATED_LOADER = "related-loader.js"


def shipped(script: str) -> str:
    """``script`` as a site receives it: minified, its ``/*! … */`` notices kept."""
    return rjsmin.jsmin(script, keep_bang_comments=True) + "\n"


def copy_static(source: str, target: str) -> None:
    """Copy one static file into a site (``shutil.copytree``'s ``copy_function``),
    scripts minified."""
    if source.endswith(".js"):
        with open(source, encoding="utf-8") as file:
            text = shipped(file.read())
        with open(target, "w", encoding="utf-8") as file:
            file.write(text)
    else:
        shutil.copy2(source, target)


def static_file(folders: Sequence[Path], name: str) -> Path:
    """``static/<name>`` from the first template folder that has it."""
    for folder in folders:
        candidate = folder / "static" / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"static/{name} not found in the templates: reinstall museumxtd-search")


def engine_sources(folders: Sequence[Path]) -> list[str]:
    """The search engine's scripts, in load order (together they define ``MXSearch``)."""
    return [static_file(folders, STEMMERS).read_text(encoding="utf-8"),
            engine_script(list(folders))]


def joined_script(folders: Sequence[Path], settings: Mapping[str, object], header: str) -> str:
    """One script holding the engine and the search box, preceded by ``settings`` (read by
    the search box as ``window.MXSearchSettings``): a page loads it with one request
    (and a page showing related notes one more, ``related_script``).
    The header and the settings stay as written, for the people who open the file."""
    code = []
    for text in [*engine_sources(folders),
                 static_file(folders, UI_SCRIPT).read_text(encoding="utf-8"),
                 static_file(folders, RELATED_LOADER).read_text(encoding="utf-8")]:
        code.append(text if text.endswith("\n") else text + "\n")
    return (f"/* {header} */\n" + "window.MXSearchSettings = "
            + json.dumps(dict(settings), ensure_ascii=False, sort_keys=True) + ";\n"
            + shipped("".join(code)))


def related_script(folders: Sequence[Path]) -> str:
    """The related notes' script of a bundle, as shipped (see ``RELATED_LOADER``)."""
    return shipped(static_file(folders, RELATED_SCRIPT).read_text(encoding="utf-8"))


def ui_styles(folders: Sequence[Path]) -> str:
    return static_file(folders, UI_STYLES).read_text(encoding="utf-8")
