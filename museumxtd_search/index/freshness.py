"""Is the index up to date with the notes? Asked by every query, and by ``check``.

The query command decides by listing and ``stat``-ing files only (``stale_files``,
``StaleCheck``), against the stamps the build recorded. ``check`` (for CI) compares
content hashes instead (``index_freshness``): a fresh clone has new modification
times but the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from museumxtd_search import parallel
from museumxtd_search.index import side_files
from museumxtd_search.index.generations import live_generation
from museumxtd_search.vault.files import find_files


def stale_files(notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> list[str] | None:
    """Paths whose files differ from the index's manifest; ``None`` when there is no
    usable index (none, another folder or options, side files that disagree).

    Only the file listing and ``stat`` are read, so this is cheap enough for every query.
    """
    generation = live_generation(index_dir)  # read once: a build may switch it
    manifest = side_files.read_manifest(generation)
    if not side_files.built_from(manifest, notes_dir, exclude):
        return None
    files = find_files(Path(notes_dir), exclude)
    stamps = files.stamps
    if manifest.get("listing") == side_files.listing_digest(files.notes, stamps):
        return []
    stored = side_files.read_stamps_file(generation)
    if stored is None or stored[0] != manifest.get("build"):
        return None
    _, paths, flat = stored
    now = side_files.flat_stamps(files.notes, stamps)
    if list(files.notes) == paths and now == flat:
        return []
    old = {path: (flat[2 * n], flat[2 * n + 1]) for n, path in enumerate(paths)}
    changed = [p for p in files.notes if old.get(p) != stamps[p]]
    changed += [p for p in old if p not in stamps]
    return sorted(changed)


def _indexed_notes(index_dir: Path) -> int:
    """How many notes the live index holds (0 when unknown): its statistics file."""
    generation = live_generation(index_dir)
    try:
        statistics = side_files.read_statistics(generation) if generation is not None else None
    except OSError:
        statistics = None
    return statistics["documents"] if statistics else 0


class StaleCheck:
    """``stale_files`` worked out in a forked child while the caller goes on.

    The query command starts one, then loads the search engine and answers from the
    live index while the child lists and ``stat``-s the notes on a second core (some
    0.1 s at 10,000 notes, 0.4 s at 50,000); the answer stands when nothing changed.
    ``result`` waits for the child's answer. The answer is worked out here instead when
    ``parallel.processes`` says one process (an index smaller than its "stale check"
    minimum, no fork or second core, other threads running), or when the child fails.
    """

    def __init__(self, notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> None:
        self._arguments = (Path(notes_dir), Path(index_dir), tuple(exclude))
        self._child: parallel.ForkedWorkers | None = None
        if parallel.processes("stale check", _indexed_notes(Path(index_dir))) == 1:
            return
        child = parallel.ForkedWorkers(1, lambda _: stale_files(*self._arguments))
        try:
            child.start()
        except OSError:  # no fork now (too many processes): the check runs here
            return
        self._child = child

    @property
    def in_child(self) -> bool:
        """Whether the check runs in a child, leaving this process free until ``result``."""
        return self._child is not None

    def result(self) -> list[str] | None:
        if self._child is not None:
            child, self._child = self._child, None
            try:
                return child.gather()[0]
            except Exception:  # noqa: BLE001 - e.g. out of memory there: try here
                pass
            finally:
                child.close()
        return stale_files(*self._arguments)


class Freshness:
    """What differs between the notes and one built artefact (``index`` or ``site``).

    A plain class: this module is on the query command's path (see ``vault.warning``).
    """

    def __init__(self, target: str, path: str) -> None:
        self.target = target
        self.path = path
        self.added: list[str] = []
        self.changed: list[str] = []
        self.removed: list[str] = []
        self.reasons: list[str] = []

    @property
    def fresh(self) -> bool:
        return not (self.added or self.changed or self.removed or self.reasons)

    def compare(self, built: dict[str, str], now: dict[str, str]) -> Freshness:
        """Record the notes added, removed and changed between two path -> hash maps."""
        self.added = sorted(p for p in now if p not in built)
        self.removed = sorted(p for p in built if p not in now)
        self.changed = sorted(p for p in now if p in built and built[p] != now[p])
        return self

    def to_json(self) -> dict[str, object]:
        return {"target": self.target, "path": self.path, "added": self.added,
                "changed": self.changed, "removed": self.removed, "reasons": self.reasons,
                "fresh": self.fresh}

    def lines(self) -> list[str]:
        if self.fresh:
            return [f"{self.target} {self.path} is up to date"]
        lines = [f"{self.target} {self.path} is stale:"]
        lines += [f"  {reason}" for reason in self.reasons]
        lines += [f"  added:   {p}" for p in self.added]
        lines += [f"  changed: {p}" for p in self.changed]
        lines += [f"  removed: {p}" for p in self.removed]
        return lines


def index_freshness(notes_dir: Path, index_dir: Path, exclude: Iterable[str] = ()) -> Freshness:
    """Compare the notes with the index by content hash."""
    from museumxtd_search.vault.reading import note_hashes

    result = Freshness("index", str(index_dir))
    generation = live_generation(index_dir)
    manifest = side_files.read_manifest(generation)
    if manifest is None:
        result.reasons.append("no index: run museumxtd-search index")
        return result
    if manifest.get("schema") != side_files.SCHEMA_VERSION:
        # ``query`` would rebuild it in full before answering: it is not up to date. Its
        # side files may have other names and shapes: no note is listed as changed.
        result.reasons.append("written by another version of museumxtd-search: "
                              "run museumxtd-search index")
        return result
    if manifest.get("root") != str(notes_dir.resolve()):
        result.reasons.append(f"built from another notes folder: {manifest.get('root')}")
    if manifest.get("exclude") != list(exclude):
        result.reasons.append("built with other --exclude globs")
    if manifest.get("settings") != side_files.indexed_settings(notes_dir):
        result.reasons.append("built with other settings (title_keys of museumxtd.toml, "
                              "Obsidian's excluded files): run museumxtd-search index")
    hashes, _ = note_hashes(notes_dir, exclude)
    return result.compare(_indexed_hashes(generation), hashes)


def _indexed_hashes(generation: Path) -> dict[str, str]:
    """The content hash of every note the index was built from (``notes.json.gz``)."""
    from museumxtd_search.vault.catalog import NoteEntry

    try:
        entries = side_files.read_json(generation / side_files.NOTES)["entries"]
        return {path: NoteEntry.from_json(path, entry).content_hash
                for path, entry in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}
