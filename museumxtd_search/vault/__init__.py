"""Stage 1: find and read the notes of a garden (front matter, text, links) and resolve links.

Importing this package stays cheap: each name is loaded on first use, so the query
command's freshness check (``vault.files``) does not build the note records' classes,
and ``read_vault`` loads the YAML machinery only when notes are read.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "Heading": "notes", "Link": "notes", "Note": "notes", "Section": "notes",
    "VaultWarning": "warning", "LinkTable": "resolver", "ResolvedLink": "resolver",
    "Vault": "reading", "read_vault": "reading",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
