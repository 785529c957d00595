"""The one kind of problem report every stage gives about a file of the garden.

Its own module so that listing files (the query command's freshness check) does not
load the note records it never builds.
"""

from __future__ import annotations

from typing import NamedTuple


class VaultWarning(NamedTuple):
    """Something wrong in one file, phrased for a person: ``path:line: message``.

    The classes the query command loads are named tuples or plain classes, not
    dataclasses: each dataclass costs about a millisecond to create at import, and
    ``dataclasses`` itself two more, in a command whose whole budget is 120 ms.
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
