"""Stage 1: find and read the notes of a garden (front matter, text, links) and resolve links."""

from museumxtd_search.vault.notes import Heading, Link, Note, Section, VaultWarning
from museumxtd_search.vault.reading import Vault, read_vault
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
