"""Write the files of a site strictly inside one folder.

An export writes some 50,000 files at 10,000 notes, so a write is kept to the system
calls it needs: each folder is created once, and a path is checked by reasoning on its
text rather than by asking the file system about every component.
"""

from __future__ import annotations

import os
from pathlib import Path


class SiteWriter:
    """Writes files strictly inside one folder (note paths never escape it).

    The folder is a fresh one that only this writer fills, with no symbolic links in
    it, so a path normalised as text is the path the file system would resolve.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.pages = 0
        self._root = str(self.folder)
        self._made: set[str] = {self._root}

    def path(self, relative: str) -> Path:
        """The absolute path of ``relative`` in the site, its folder created; refuses a
        path that would leave the site."""
        return Path(self._target(relative))

    def _target(self, relative: str) -> str:
        target = os.path.normpath(os.path.join(self._root, relative))
        if target != self._root and not target.startswith(self._root + os.sep):
            raise ValueError(f"refusing to write outside the site: {relative}")
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return target

    def write(self, relative: str, text: str) -> None:
        """Write ``text`` as UTF-8 to ``relative`` (``Path.write_text``'s bytes)."""
        write_text(self._target(relative), text)

    def page(self, url: str, html: str) -> None:
        self.write(url + "index.html" if url.endswith("/") or not url else url, html)
        self.pages += 1


def write_text(path: str, text: str) -> int:
    """Write ``text`` to the new or replaced file ``path`` in UTF-8 with three system
    calls (open, write, close) rather than ``open()``'s buffered text stack; return the
    number of bytes written."""
    if os.linesep != "\n":  # what text mode would do, so the bytes match on any system
        text = text.replace("\n", os.linesep)
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str, data: bytes) -> int:
    """Write ``data`` to the new or replaced file ``path`` with three system calls;
    return the number of bytes written."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                         0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)
    return len(data)
