"""Allow ``python -m museumxtd_search``."""

from museumxtd_search.cli import console

console()
