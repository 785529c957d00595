"""Build or refresh the Whoosh index from a garden, incrementally and atomically.

Incremental by default: a note is rewritten when its bytes changed (content hash) or
when its links resolve differently (a target appeared, vanished or was renamed).
``full=True`` writes a new generation beside the live one and switches at the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import whoosh.index

from museumxtd_search.analysis.documents import AnalyzedNote, analyze_note
from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.index import store
from museumxtd_search.index.manifest import file_stamps, load_manifest, stale_files  # noqa: F401
from museumxtd_search.index.schema import SCHEMA_VERSION, build_schema
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.reading import Vault, read_vault

# Whoosh spills postings to disk (pickling each one) when its pool exceeds this; its
# accounting underestimates, so leave room: a 10k-note garden then sorts in memory,
# which was 2x faster than the default external sort.
WRITER_MEMORY_MB = 2048


@dataclass
class BuildSummary:
    """What a build did, for the one-line summary and ``--json``."""

    notes: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    full: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        kind = "full rebuild" if self.full else "incremental"
        return (f"indexed {self.notes} notes ({kind}): {self.added} added, {self.updated} "
                f"updated, {self.removed} removed, {len(self.warnings)} warnings, "
                f"{self.seconds:.2f} s")


def _document(analyzed: AnalyzedNote) -> dict[str, object]:
    note = analyzed.note
    document: dict[str, object] = {name: " ".join(t) for name, t in analyzed.fields.items()}
    document.update(
        path=note.path,
        exact=" ".join(analyzed.exact),
        keys=" ".join(analyzed.title_keys),
        tag_keys=" ".join(analyzed.tag_keys),
        link_paths=" ".join(analyzed.link_paths),
        boosted="yes" if note.boost != 1.0 else "",
        meta=store.dump_json(stored_meta(note, analyzed)),
    )
    return document


def stored_meta(note: Note, analyzed: AnalyzedNote) -> dict[str, object]:
    """What a search result shows, stored with the note so a query never reads the garden."""
    return {
        "title": note.title,
        "tags": list(note.tags),
        "aliases": list(note.aliases),
        "text": note.text,
        "language": note.language,
        "sections": [[s.heading, s.anchor, s.start] for s in note.sections],
        "boost": note.boost,
        "hash": note.content_hash,
        "links": analyzed.links_signature,
    }


def _manifest(vault: Vault, stamps: dict[str, list[int]], exclude: list[str],
              indexed: dict[str, list[str]]) -> dict[str, object]:
    return {
        "schema": SCHEMA_VERSION,
        "root": str(vault.root.resolve()),
        "exclude": exclude,
        "stamps": stamps,
        "indexed": indexed,
        "hashes": {note.path: note.content_hash for note in vault.notes},
        "assets": list(vault.assets),
        "warnings": [[w.path, w.line, w.message] for w in vault.warnings],
    }


def build_index(
    notes_dir: Path | str,
    index_dir: Path | str,
    exclude: Iterable[str] = (),
    full: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    wait: bool = True,
    vault: Vault | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Bring the index in ``index_dir`` up to date with ``notes_dir``.

    Raises ``FileNotFoundError`` for a missing notes folder, ``store.IndexBusyError``
    when ``wait`` is false and another build runs, ``OSError`` when the index folder
    cannot be written (the live index is then left as it was). When another build
    runs and ``wait`` is true, ``on_wait`` gets its PID before this one waits.
    """
    started = time.perf_counter()
    notes_dir, index_dir = Path(notes_dir), Path(index_dir)
    exclude = list(exclude)
    with store.writer_lock(index_dir, wait=wait, on_wait=on_wait):
        if vault is None:
            vault = read_vault(notes_dir, exclude)
        manifest = load_manifest(index_dir)
        if (manifest is None or manifest.get("schema") != SCHEMA_VERSION
                or manifest.get("root") != str(notes_dir.resolve())
                or manifest.get("exclude") != exclude):
            full = True
        summary = BuildSummary(full=full, warnings=[str(w) for w in vault.warnings])
        searchable = [n for n in vault.notes if n.searchable]
        summary.notes = len(searchable)
        previous: dict[str, list[str]] = {} if full else manifest.get("indexed", {})
        current: dict[str, list[str]] = {}
        pending: list[AnalyzedNote] = []
        vocabulary = Vocabulary()
        total = len(searchable)
        for number, note in enumerate(searchable, 1):
            resolved = vault.links.resolve_all(note)
            analyzed = analyze_note(note, resolved, vault.links)
            state = [note.content_hash, analyzed.links_signature]
            current[note.path] = state
            vocabulary.add(analyzed)
            if previous.get(note.path) != state:
                pending.append(analyzed)
            if on_progress:
                on_progress(number, total)
        removed = [p for p in previous if p not in current]
        summary.added = sum(1 for a in pending if a.note.path not in previous)
        summary.updated = len(pending) - summary.added
        summary.removed = len(removed)
        summary.unchanged = len(current) - len(pending)
        stamps = file_stamps(notes_dir, [n.path for n in vault.notes])
        side_files = {
            store.LINKS: vault.links.to_json(),
            store.VOCABULARY: vocabulary.to_json(),
            store.MANIFEST: _manifest(vault, stamps, exclude, current),  # last: marks complete
        }
        if full:
            _write_generation(index_dir, pending, side_files)
        else:
            generation = store.live_generation(index_dir)
            assert generation is not None
            _update_generation(generation, pending, removed, side_files)
        store.remove_leftovers(index_dir, keep=store.live_generation(index_dir))
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _write_documents(writer, pending: list[AnalyzedNote], update: bool) -> None:
    for analyzed in pending:
        document = _document(analyzed)
        if update:
            writer.update_document(**document)
        else:
            writer.add_document(**document)


def _write_generation(index_dir: Path, pending: list[AnalyzedNote],
                      side_files: dict[str, object]) -> None:
    generation = store.new_generation(index_dir)
    try:
        ix = whoosh.index.create_in(str(generation), build_schema())
        writer = ix.writer(limitmb=WRITER_MEMORY_MB)
        _write_documents(writer, pending, update=False)
        writer.commit()
        _write_side_files(generation, side_files)
    except BaseException:
        # A failed build (disk full, Ctrl-C) never becomes live.
        store.remove_leftovers(index_dir, keep=store.live_generation(index_dir))
        raise
    store.switch_to(index_dir, generation)


def _update_generation(generation: Path, pending: list[AnalyzedNote], removed: list[str],
                       side_files: dict[str, object]) -> None:
    """Update the live generation in place: the side files are staged before the Whoosh
    commit, so that a full disk leaves the whole index as it was, not half updated."""
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in side_files.items():
            staged.append((store.stage(generation / name, store.dump_json(data)),
                           generation / name))
        if pending or removed:
            ix = whoosh.index.open_dir(str(generation))
            writer = ix.writer(limitmb=WRITER_MEMORY_MB)
            try:
                for path in removed:
                    writer.delete_by_term("path", path)
                _write_documents(writer, pending, update=True)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:  # the manifest last: it marks the update complete
        os.replace(temporary, path)


def _write_side_files(generation: Path, side_files: dict[str, object]) -> None:
    for name, data in side_files.items():
        store.write_atomically(generation / name, store.dump_json(data))
