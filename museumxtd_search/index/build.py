"""Build or refresh the Whoosh index from a garden, incrementally and atomically.

A full build (``full=True``, or when there is no usable index) reads every note,
writes a new generation beside the live one (on every core for large gardens) and
switches to it at the end (``index.full_build``). An update (the default) reads
again only the notes whose file changed and commits them into the live generation
(``index.update``). Either way one process writes at a time (``index.lock``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from museumxtd_search.index.full_build import build_all
from museumxtd_search.index.generations import live_generation, remove_leftovers
from museumxtd_search.index.lock import writer_lock
from museumxtd_search.index.summary import BuildSummary
from museumxtd_search.index.update import load_state, update_index

Progress = Callable[[int, int], None]


def build_index(
    notes_dir: Path | str,
    index_dir: Path | str,
    exclude: Iterable[str] = (),
    full: bool = False,
    on_progress: Progress | None = None,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Bring the index in ``index_dir`` up to date with ``notes_dir``.

    Raises ``FileNotFoundError`` for a missing notes folder, ``lock.BusyError``
    when ``wait`` is false and another build runs, ``OSError`` when the index folder
    cannot be written (the live index is then left as it was). When another build
    runs and ``wait`` is true, ``on_wait`` gets its PID before this one waits.
    ``on_progress(done, total)`` is called as notes are read and written.
    """
    started = time.perf_counter()
    notes_dir, index_dir = Path(notes_dir), Path(index_dir)
    exclude = list(exclude)
    if not notes_dir.is_dir():
        raise FileNotFoundError(f"notes folder not found: {notes_dir}")
    with writer_lock(index_dir, wait=wait, on_wait=on_wait):
        state = None if full else load_state(index_dir, notes_dir, exclude)
        if state is None:
            summary = build_all(notes_dir, index_dir, exclude, on_progress)
        else:
            summary = update_index(state, notes_dir, exclude, on_progress)
        remove_leftovers(index_dir, keep=live_generation(index_dir))
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


__all__ = ["BuildSummary", "Progress", "build_index"]
