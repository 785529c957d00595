"""museumxtd-search: French-aware search for Markdown digital gardens.

Use it from Python as from the command line, with the same verbs::

    import museumxtd_search as mxs

    garden = mxs.Garden("notes", index="index")
    garden.index()
    response = garden.query("réseaux sociaux")

(see ``museumxtd_search.api``). The data walks one way through the sub-packages,
named after the stages (``docs/ARCHITECTURE.md`` walks a note through them):

``text``      normalising, accent folding, keys, slugs, language detection
``vault``     find and read notes: front matter, Markdown text, wikilinks, the link resolver
``analysis``  the one French/English text pipeline, queries, excerpts
``engine``    Whoosh's file format, BM25F scoring, the ranking rules, search
``index``     generations on disk, side files, full builds and updates
``site``      the static site: pages, the client search index, the browser engine
``api``       the Python API; ``cli`` the click commands over it
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Garden", "open_garden", "__version__"]


def __getattr__(name: str) -> Any:
    # The API is loaded on first use: ``python -m museumxtd_search query`` imports this
    # package before anything else, and must not pay for what it does not use.
    if name in ("Garden", "open_garden"):
        from museumxtd_search import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
