"""Where an index lives on disk, and how it is switched atomically and locked.

Layout of an index folder::

    index/
      CURRENT            name of the live generation (replaced atomically)
      gen-<n>/           a complete Whoosh index + manifest.json, notes.json, links.json,
                         vocabulary.json, statistics.json, stamps.json (see ``index.state``)
      .lock              held (flock) by the one process that writes

A full build writes a new generation beside the live one and switches ``CURRENT``
only when it is complete, so a killed build leaves the previous index answering.
Incremental updates go into the live generation through Whoosh's own commit, which
writes new segments and then renames its table of contents: also all or nothing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

# The layout of a generation (Whoosh schema and side files); an index written with
# another is rebuilt in full. Here rather than in ``schema``: the commands that only
# read the manifest (export, check) need not import Whoosh to compare it.
SCHEMA_VERSION = 4

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
LINKS = "links.json"
VOCABULARY = "vocabulary.json"
NOTES = "notes.json"
STATISTICS = "statistics.json"
STAMPS = "stamps.json"
LOCK = ".lock"


def open_whoosh(generation: Path, readonly: bool = False):
    """The Whoosh index in ``generation``, its files read plainly rather than mmapped:
    Whoosh copies each mmapped part of a compound segment into a ``BytesIO`` when it
    opens it (at 10,000 notes, 25 ms for a searcher and 0.2 s for an update's reader).
    Whoosh is imported here so that commands which only read side files never load it.
    """
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(generation), supports_mmap=False, readonly=readonly).open_index()


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


def live_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or ``None`` when there is no complete index."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    generation = index_dir / name
    if name.startswith("gen-") and (generation / MANIFEST).is_file():
        return generation
    return None


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = index_dir / f"gen-{time.time_ns()}-{os.getpid()}"
    generation.mkdir()
    return generation


def write_atomically(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    os.replace(stage(path, data), path)


def stage(path: Path, data: str) -> Path:
    """Write ``data`` to a temporary file beside ``path``, on disk, and return it.

    ``os.replace`` puts it in place later: a full disk fails here, before anything a
    reader sees has changed. A killed writer's temporary is removed by the next build.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def switch_to(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` live, then remove every other generation and leftovers."""
    write_atomically(index_dir / CURRENT, generation.name + "\n")
    remove_leftovers(index_dir, keep=generation)


def remove_leftovers(index_dir: Path, keep: Path | None) -> None:
    """Delete generations and temporary files a killed build left behind (in the index
    folder and in the kept generation, where a killed update stages its side files)."""
    for entry in [*index_dir.iterdir(), *(keep.iterdir() if keep else ())]:
        if entry.name.startswith("gen-") and (keep is None or entry.name != keep.name):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(".") and entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                entry.unlink()


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_statistics(generation: Path) -> dict | None:
    """The build's ``statistics.json`` (notes indexed, each field's exact total length),
    or ``None`` when unreadable or empty. Raises ``FileNotFoundError`` when the whole
    generation is gone (a rebuild replaced it), so that a reader opens the new one."""
    try:
        data = read_json(generation / STATISTICS)
        return data if data["documents"] > 0 and isinstance(data["field_lengths"], dict) \
            else None
    except FileNotFoundError:
        if not (generation / MANIFEST).exists():
            raise
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def dump_json(data: Any, sort_keys: bool = True) -> str:
    """Compact JSON; ``sort_keys=False`` for large tables already in path order."""
    return json.dumps(data, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))


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
