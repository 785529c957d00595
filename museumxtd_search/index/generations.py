"""Where an index lives on disk: generations, switched atomically.

Layout of an index folder::

    index/
      CURRENT            name of the live generation (replaced atomically)
      gen-<n>/           a complete Whoosh index and its side files (``index.side_files``),
                         the manifest last: its presence marks the generation complete
      .lock              held by the one process that writes (``index.lock``)

A full build writes a new generation beside the live one and switches ``CURRENT``
only when it is complete, so a killed build leaves the previous index answering.
Incremental updates go into the live generation through Whoosh's own commit, which
writes new segments and then renames its table of contents: also all or nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

CURRENT = "CURRENT"
# Written last into a generation: a generation without it is incomplete.
MANIFEST = "manifest.json"


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


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    os.replace(stage(path, data), path)


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, on disk, and return it.

    ``os.replace`` puts it in place later: a full disk fails here, before anything a
    reader sees has changed. A killed writer's temporary is removed by the next build.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def switch_to(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` live, then remove every other generation and leftovers."""
    write_atomically(index_dir / CURRENT, (generation.name + "\n").encode("utf-8"))
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


