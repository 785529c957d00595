"""The one kind of problem report every stage gives about a file of the garden.

Its own module so that listing files (the query command's freshness check) does not
load the note records it never builds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VaultWarning:
    """Something wrong in one file, phrased for a person: ``path:line: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
