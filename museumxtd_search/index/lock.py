"""The index's write lock: one process writes an index at a time.

The lock is an ``flock`` on ``.lock`` in the index folder, released by the operating
system when its holder dies; the file holds the holder's PID, so a waiting process
can say whom it waits for.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

LOCK = ".lock"


class IndexBusyError(RuntimeError):
    """Another process is writing this index."""


# Lock files this process holds. A forked child (a note-parsing worker) inherits them,
# and an flock lasts while any copy is open: if the builder were SIGKILLed, orphaned
# workers would keep the index locked forever. Children close their copies at once.
_held_locks: set[IO[str]] = set()


def _close_inherited_locks() -> None:
    for handle in _held_locks:
        with contextlib.suppress(OSError):
            handle.close()
    _held_locks.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait: bool = True,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's write lock; the OS releases it if the process dies.

    With ``wait`` false, raise ``IndexBusyError`` naming the PID that holds it; else
    call ``on_wait`` with that PID once before waiting, so a person knows why.
    """
    import fcntl  # here: the query command never locks, and loading it costs ~1 ms

    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            if not wait:
                raise IndexBusyError(f"index is being built by PID {holder}") from None
            if on_wait:
                on_wait(holder)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _held_locks.add(handle)
        yield
    finally:
        _held_locks.discard(handle)
        handle.close()


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
