"""The browser's search engine, joined from its parts when a site is exported.

``site_templates/static/engine/*.js`` mirror, file by file, the Python modules whose
rules they follow (``pipeline.js`` and ``analysis/pipeline.py``, ``scoring.js`` and
``engine/scoring.py``...). An export joins them, in the order of the pipeline, into
one classic script, ``static/search-core.js``: a page loads it with a plain
``<script>`` (so the site works opened from ``file://``), and Node loads it with
``require`` (the parity tests). The rules themselves travel in the client manifest
(``rules.client_rules``); the only thing written into the script is the client
index format it reads, from ``client_index.FORMAT_VERSION``.
"""

from __future__ import annotations

from pathlib import Path

from museumxtd_search.site.client_index import FORMAT_VERSION

# In order: each part uses only what the parts before it define.
ENGINE_PARTS = (
    "python-str.js",
    "rules.js",
    "text.js",
    "pipeline.js",
    "query.js",
    "typos.js",
    "snippets.js",
    "client-files.js",
    "bm25f.js",
    "scoring.js",
    "ranking.js",
    "search.js",
)
ENGINE_FOLDER = Path("static") / "engine"
SCRIPT_NAME = "search-core.js"

_HEAD = """\
/*
 * search-core.js: the search engine of the exported site, joined by museumxtd-search
 * from site_templates/static/engine/*.js (edit those). It answers a query from the
 * client index (docs/client-index.md) exactly like `museumxtd-search query`: the
 * rules arrive in the index's manifest, and scores are added in the order
 * museumxtd_search/engine/scoring.py declares.
 *
 * Usage: load snowball.js, then this file, as classic <script>s (global MXSearch);
 * under Node, require() returns the same object.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module && module.exports) {
    module.exports = factory(require("./snowball.js"));
  } else {
    root.MXSearch = factory(root.MXSnowball);
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (MXSnowball) {
"use strict";

// The client index format this engine reads (site/client_index.py FORMAT_VERSION).
const FORMAT = %d;

"""
_TAIL = """
return PUBLIC;
});
"""


def engine_script(folders: list[Path]) -> str:
    """The joined engine, each part taken from the first template folder holding it."""
    parts = []
    for name in ENGINE_PARTS:
        source = next((folder / ENGINE_FOLDER / name for folder in folders
                       if (folder / ENGINE_FOLDER / name).is_file()), None)
        if source is None:
            raise FileNotFoundError(f"engine part {ENGINE_FOLDER / name} not found in "
                                    "the templates: reinstall museumxtd-search")
        parts.append(f"// ---- {name} " + "-" * (70 - len(name)) + "\n"
                     + source.read_text(encoding="utf-8"))
    return _HEAD % FORMAT_VERSION + "\n".join(parts) + _TAIL
