"""Stage 1: find and read the notes of a garden (front matter, text, links) and resolve links.

Importing this package stays cheap (the query command needs only the resolver);
``read_vault`` and ``Vault`` load the YAML machinery on first use.
"""

from __future__ import annotations

from typing import Any

from museumxtd_search.vault.notes import Heading, Link, Note, Section, VaultWarning
from museumxtd_search.vault.resolver import LinkTable, ResolvedLink

__all__ = [
    "Heading",
    "Link",
    "LinkTable",
    "Note",
    "ResolvedLink",
    "Section",
    "Vault",
    "VaultWarning",
    "read_vault",
]


def __getattr__(name: str) -> Any:
    if name in ("Vault", "read_vault"):
        from museumxtd_search.vault import reading

        return getattr(reading, name)
    raise AttributeError(name)
