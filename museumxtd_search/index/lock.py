"""Write locks: one process writes an index (or exports a site) at a time.

A lock is an ``flock`` on a lock file (``.lock`` in the index folder; beside the
site for an export), released by the operating system when its holder dies; the file
holds the holder's PID, so a waiting process can say whom it waits for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

LOCK = ".lock"


class BusyError(RuntimeError):
    """Another process holds the lock: it is building this index, or exporting this site."""


# A forked worker (``parallel.ForkedWorkers``: parsing notes, writing a segment, rendering
# pages) inherits the lock, and an flock lasts while any copy is open: the lock is held
# until the holder and all its workers are gone. That is what makes a SIGKILLed build
# safe to follow: its workers end within 0.2 s of it (``parallel._exit_with``), but may
# still be writing into its generation until then, and the next build, which removes
# that generation, waits for them. (Workers used to close their copy at once; under
# load, a next build then removed the generation while a worker still wrote into it,
# and the folder stayed.)


@contextlib.contextmanager
def exclusive(lock_file: Path, busy: str, wait: bool = True,
              on_wait: Callable[[str], None] | None = None,
              remove: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created with its folder); the OS
    releases it if the process dies.

    With ``wait`` false, raise ``BusyError`` saying ``{busy} by PID N``; else call
    ``on_wait`` with that PID once before waiting, so a person knows why. With
    ``remove``, the file is deleted when the lock is released (nothing is left beside
    an exported site): a process that was waiting on the deleted file sees that the
    path no longer names it, and locks the path again.
    """
    import fcntl  # here: the query command never locks, and loading it costs ~1 ms

    lock_file.parent.mkdir(parents=True, exist_ok=True)
    told = False
    while True:
        handle = open(lock_file, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                holder = _holder(handle)
                if not wait:
                    raise BusyError(f"{busy} by PID {holder}") from None
                if on_wait and not told:
                    on_wait(holder)
                    told = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            if remove and not _names(lock_file, handle):
                handle.close()  # its holder deleted it: lock the file the path names now
                continue
        except BaseException:
            handle.close()
            raise
        break
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        if remove:
            with contextlib.suppress(OSError):
                os.unlink(lock_file)
        handle.close()


def _holder(handle: IO[str]) -> str:
    """The PID written in a lock file held by another process. It writes it just after
    taking the lock: an empty file is read again for a moment before giving up."""
    for _ in range(20):
        handle.seek(0)
        holder = handle.read().strip()
        if holder:
            return holder
        time.sleep(0.01)
    return "unknown"


def _names(path: Path, handle: IO[str]) -> bool:
    """Whether ``path`` still names the file open as ``handle``."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(handle.fileno())
    return (found.st_dev, found.st_ino) == (held.st_dev, held.st_ino)


def writer_lock(index_dir: Path, wait: bool = True,
                on_wait: Callable[[str], None] | None = None):
    """Hold the index's write lock (see ``exclusive``)."""
    return exclusive(index_dir / LOCK, "index is being built", wait, on_wait)


def lock_holder(index_dir: Path) -> str | None:
    """The PID holding the write lock, or ``None`` when nobody writes."""
    import fcntl

    try:
        handle = open(index_dir / LOCK, encoding="utf-8")  # noqa: SIM115
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return handle.read().strip() or "unknown"
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
