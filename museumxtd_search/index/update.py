"""Bring the live generation up to date with the notes that changed, in place.

An update lists and ``stat``s the files and reads again only the notes whose file
changed, carrying everything else forward from the side files of the live generation
(``BuildState``). A note is rewritten when its content changed, and also when its
links resolve differently or its display title changed (a target appeared, vanished
or was renamed): that is checked for every note only when some note's names changed,
from the link targets each note's entry remembers. The update goes into the live
generation through Whoosh's own commit (all or nothing); its side files are staged
first and put in place after, the manifest last.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from museumxtd_search.analysis.documents import (
    AnalyzedNote,
    analyze_note,
    entry_links_signature,
    note_surfaces,
)
from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.engine.storage import schema
from museumxtd_search.engine.storage import segments as storage
from museumxtd_search.index import side_files
from museumxtd_search.index.generations import live_generation, stage
from museumxtd_search.index.side_files import IndexedState, make_side_files, new_token
from museumxtd_search.index.summary import BuildSummary
from museumxtd_search.vault.catalog import NoteEntry, display_titles, link_table
from museumxtd_search.vault.files import GardenFiles, find_files, note_name
from museumxtd_search.vault.notes import Note, VaultWarning
from museumxtd_search.vault.reading import read_notes, with_title
from museumxtd_search.vault.resolver import LinkTable

Progress = Callable[[int, int], None]


@dataclass
class BuildState:
    """The side files of the live generation, as one consistent whole."""

    generation: Path
    manifest: dict
    entries: dict[str, NoteEntry]
    stamps: dict[str, tuple[int, int]]
    indexed: dict[str, IndexedState]
    vocabulary: Vocabulary

    @property
    def assets(self) -> list[str]:
        return self.manifest["assets"]

    def link_table(self) -> LinkTable:
        return LinkTable.from_json(side_files.read_json(self.generation / side_files.LINKS))


def load_state(index_dir: Path, notes_dir: Path, exclude: list[str]) -> BuildState | None:
    """The live generation's state, or ``None`` when only a full build will do: no
    index, another folder or options, another schema, or side files that disagree."""
    generation = live_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = side_files.read_json(generation / side_files.MANIFEST)
        if not side_files.built_from(manifest, notes_dir, exclude):
            return None
        token = manifest["build"]
        notes = side_files.read_json(generation / side_files.NOTES)
        vocabulary = side_files.read_json(generation / side_files.VOCABULARY)
        stamps = side_files.read_stamps(generation)
        if notes["build"] != token or vocabulary["build"] != token or stamps is None \
                or stamps[0] != token or not (generation / side_files.LINKS).is_file():
            return None
        if storage.latest_generation(generation) != manifest["whoosh_generation"]:
            return None
        entries = {path: NoteEntry.from_json(path, data)
                   for path, data in notes["entries"].items()}
        indexed = {path: IndexedState.from_json(data) for path, data in notes["indexed"].items()}
        return BuildState(generation, manifest, entries, stamps[1], indexed,
                          Vocabulary.from_json(vocabulary))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def update_index(state: BuildState, notes_dir: Path, exclude: list[str],
                 on_progress: Progress | None) -> BuildSummary:
    """Update the live generation of ``state`` with the notes changed since."""
    files = find_files(notes_dir, exclude)
    old = state.entries
    changed = [p for p in files.notes
               if p not in old or state.stamps.get(p) != files.stamps[p]]
    if not changed and old.keys() == set(files.notes) and list(files.assets) == state.assets:
        return _summary(old, files, {}, [], [], state.indexed)

    total = len(changed)
    progress = (lambda done: on_progress(done, total)) if on_progress else None
    read = _read(notes_dir, changed, progress)
    entries = {p: read.entries.get(p) or old[p] for p in files.notes
               if p in read.entries or (p in old and p not in changed)}
    names_changed = (entries.keys() != old.keys() or list(files.assets) != state.assets
                     or any(not entry.same_names(old[p]) for p, entry in read.entries.items()
                            if p in old))
    if names_changed:
        titles = display_titles(entries.values())
        table = link_table(entries.values(), titles, files.assets)
        stale = [p for p, entry in entries.items()
                 if p not in read.entries and entry.searchable
                 and (p not in state.indexed or not state.indexed[p].same_source(
                     entry.content_hash, entry_links_signature(entry, table), titles[p]))]
        reread = _read(notes_dir, stale, None)
        read.notes.extend(reread.notes)
        read.unreadable.update(reread.unreadable)
        for path in reread.unreadable:
            entries.pop(path, None)
    else:
        table = state.link_table()
        titles = table.titles

    analysed = []
    for note in read.notes:
        if note.path in entries and note.searchable:
            item = analyze_note(with_title(note, titles[note.path]),
                                table.resolve_all(note), table)
            if state.indexed.get(note.path) != IndexedState.of(item):
                analysed.append(item)
    removed = [p for p in state.indexed if p not in entries or not entries[p].searchable]
    indexed = {p: s for p, s in state.indexed.items() if p not in removed}
    indexed.update((a.note.path, IndexedState.of(a)) for a in analysed)
    warnings = _warnings(files, entries, read.unreadable)
    _write_update(state, analysed, removed, lambda whoosh_generation: make_side_files(
        new_token(), notes_dir, exclude, files, entries, indexed, state.vocabulary,
        table if names_changed else None, warnings, whoosh_generation))
    return _summary(entries, files, read.unreadable, analysed, removed, state.indexed,
                    warnings)


@dataclass
class _Read:
    notes: list[Note]
    entries: dict[str, NoteEntry]
    unreadable: dict[str, VaultWarning]


def _read(notes_dir: Path, paths: list[str], progress: Callable[[int], None] | None) -> _Read:
    read = read_notes(notes_dir, paths, progress)
    entries = {entry.path: entry for _, entry in read.notes}
    unreadable = {w.path: w for w in read.warnings if w.path not in entries}
    return _Read([note for note, _ in read.notes], entries, unreadable)


def _write_update(state: BuildState, analysed: list[AnalyzedNote], removed: list[str],
                  make_files: Callable[[int], dict[str, object]]) -> None:
    """Commit the changes to the live generation, staging the side files first so that
    a full disk leaves the whole index as it was, not half updated."""
    generation = state.generation
    staged: list[tuple[Path, Path]] = []

    def stage_files(whoosh_generation: int) -> None:
        for name, data in make_files(whoosh_generation).items():
            staged.append((stage(generation / name, side_files.file_bytes(name, data)),
                           generation / name))

    try:
        if analysed or removed:
            writer = storage.writer(storage.open_index(generation))
            try:
                # The vocabulary takes back the words of the notes replaced or removed
                # and counts the new versions: side files are made from it below.
                taken = storage.take_out(writer, [*removed, *(a.note.path for a in analysed)])
                state.vocabulary.remove_surfaces(_surfaces(path, meta) for path, meta in taken)
                state.vocabulary.remove_pairs(meta.get("pairs", []) for _, meta in taken)
                for item in analysed:
                    state.vocabulary.add(item)
                    writer.add_document(**schema.document(item))
                stage_files(writer.generation)
            except BaseException:
                writer.cancel()
                raise
            storage.commit_update(writer)
        else:
            stage_files(state.manifest["whoosh_generation"])
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:  # the manifest last: it marks the update complete
        os.replace(temporary, path)


def _surfaces(path: str, meta: dict) -> list[str]:
    """The surface words a note was counted with, from what the index stored of it."""
    return note_surfaces(meta["title"], note_name(path), meta["aliases"], meta["tags"],
                         meta["text"], meta.get("properties", ()))


def _warnings(files: GardenFiles, entries: dict[str, NoteEntry],
              unreadable: dict[str, VaultWarning]) -> list[VaultWarning]:
    """Every warning of the garden, as a full read gives them: files first, then note by
    note in path order (remembered ones for notes not read again)."""
    warnings = list(files.warnings)
    for path in files.notes:
        if path in entries:
            warnings.extend(entries[path].warnings)
        elif path in unreadable:
            warnings.append(unreadable[path])
    return warnings


def _summary(entries: dict[str, NoteEntry], files: GardenFiles,
             unreadable: dict[str, VaultWarning], analysed: list[AnalyzedNote],
             removed: list[str], previous: dict[str, IndexedState],
             warnings: list[VaultWarning] | None = None) -> BuildSummary:
    searchable = sum(1 for entry in entries.values() if entry.searchable)
    added = sum(1 for a in analysed if a.note.path not in previous)
    updated = len(analysed) - added
    if warnings is None:
        warnings = _warnings(files, entries, unreadable)
    return BuildSummary(notes=searchable, added=added, updated=updated, removed=len(removed),
                        unchanged=searchable - added - updated,
                        warnings=[str(w) for w in warnings])
