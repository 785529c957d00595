"""The index's manifest: what the live index was built from, readable cheaply.

The query command uses it to decide, by listing and ``stat``-ing files only, whether
the index must be refreshed before answering (with ``stamps.json``).
"""

from __future__ import annotations

import json
import os
import threading
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

from museumxtd_search.index import store
from museumxtd_search.vault.files import find_files

try:  # the C module hashlib wraps: importing hashlib loads OpenSSL, ~4 ms per query
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b


def load_manifest(index_dir: Path) -> dict | None:
    return _manifest_of(store.live_generation(index_dir))


def _manifest_of(generation: Path | None) -> dict | None:
    if generation is None:
        return None
    try:
        return store.read_json(generation / store.MANIFEST)
    except (OSError, ValueError):
        return None


def built_from(manifest: dict | None, notes_dir: Path, exclude: Iterable[str]) -> bool:
    """Whether ``manifest`` describes an index of ``notes_dir`` with these exclusions,
    written by this version of the schema (else only a full build will do)."""
    return (manifest is not None and manifest.get("schema") == store.SCHEMA_VERSION
            and manifest.get("root") == str(Path(notes_dir).resolve())
            and manifest.get("exclude") == list(exclude))


def read_stamps_file(generation: Path) -> tuple[str, list[str], list[int]] | None:
    """(build token, note paths, their stamps flattened: mtime, size, mtime, …) of the
    generation's ``stamps.json``, or ``None`` when unreadable."""
    try:
        data = store.read_json(generation / store.STAMPS)
        token, paths, flat = data["build"], data["paths"], data["stamps"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(paths, list) or not isinstance(flat, list) or \
            len(flat) != 2 * len(paths):
        return None
    return token, paths, flat


def listing_digest(paths: Sequence[str], stamps: dict[str, tuple[int, int]]) -> str:
    """One hash of the note paths in order and their stamps (mtime in ns, size).

    The manifest keeps it, so the query command's usual case, nothing changed, is
    told by the manifest it reads anyway instead of parsing ``stamps.json`` (10,000
    paths and 20,000 numbers at 10,000 notes); that file says what changed otherwise.
    """
    digest = blake2b(digest_size=16)
    digest.update("\n".join(paths).encode("utf-8", "surrogateescape"))
    # Machine integers: formatting 20,000 numbers as text cost more than parsing them.
    digest.update(array("q", [n for path in paths for n in stamps[path]]).tobytes())
    return digest.hexdigest()


def stale_files(notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> list[str] | None:
    """Paths whose files differ from the index's manifest; ``None`` when there is no
    usable index (none, another folder or options, side files that disagree).

    Only the file listing and ``stat`` are read, so this is cheap enough for every query.
    """
    generation = store.live_generation(index_dir)  # read once: a build may switch it
    manifest = _manifest_of(generation)
    if not built_from(manifest, notes_dir, exclude):
        return None
    files = find_files(Path(notes_dir), exclude)
    stamps = files.stamps
    if manifest.get("listing") == listing_digest(files.notes, stamps):
        return []
    stored = read_stamps_file(generation)
    if stored is None or stored[0] != manifest.get("build"):
        return None
    _, paths, flat = stored
    now = [n for path in files.notes for n in stamps[path]]
    if list(files.notes) == paths and now == flat:
        return []
    old = {path: (flat[2 * n], flat[2 * n + 1]) for n, path in enumerate(paths)}
    changed = [p for p in files.notes if old.get(p) != stamps[p]]
    changed += [p for p in old if p not in stamps]
    return sorted(changed)


# From this many indexed notes the query command lists the notes in a forked child.
FORK_FROM_NOTES = 1000


def _indexed_notes(index_dir: Path) -> int:
    """How many notes the live index holds (0 when unknown): its statistics file."""
    generation = store.live_generation(index_dir)
    try:
        statistics = store.read_statistics(generation) if generation is not None else None
    except OSError:
        statistics = None
    return statistics["documents"] if statistics else 0


class StaleCheck:
    """``stale_files`` worked out in a forked child while the caller goes on.

    The query command starts one before it loads Whoosh (about 100 ms of imports): on
    a second core the listing's ``stat`` calls, some 55 ms at 10,000 notes, then cost
    no time (query process at 10k, median of 8 alternated with the inline check: 310
    -> 272 ms above bare Python). ``result`` waits for the child's answer. The answer
    is worked out here instead for an index of fewer than ``FORK_FROM_NOTES`` notes
    (its listing is quicker than a fork), without ``fork`` or a second core, in a
    process running other threads (its child could inherit a held lock), or when the
    child fails.
    """

    def __init__(self, notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> None:
        self._arguments = (Path(notes_dir), Path(index_dir), tuple(exclude))
        self._child: tuple[int, int] | None = None
        if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or \
                threading.active_count() > 1 or _indexed_notes(Path(index_dir)) < FORK_FROM_NOTES:
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: answer through the pipe, then leave without cleanup
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "w", encoding="utf-8") as pipe:
                    json.dump(stale_files(*self._arguments), pipe)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._child = (pid, read)

    def result(self) -> list[str] | None:
        if self._child is not None:
            pid, read = self._child
            self._child = None
            with os.fdopen(read, encoding="utf-8") as pipe:
                answer = pipe.read()
            _, status = os.waitpid(pid, 0)
            if status == 0:
                try:
                    return json.loads(answer)
                except ValueError:
                    pass
        return stale_files(*self._arguments)


def snapshot_folder(index_dir: Path, notes_dir: Path, exclude: Iterable[str] = ()) -> Path | None:
    """The live generation of ``index_dir`` when it was built from ``notes_dir`` with
    these exclusions (the folder holding its snapshot), else ``None``."""
    generation = store.live_generation(index_dir)
    return generation if built_from(_manifest_of(generation), notes_dir, exclude) else None
