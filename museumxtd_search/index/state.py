"""What a build leaves beside the Whoosh index for the next build, and its consistency.

A generation folder holds, besides Whoosh's files:

- ``manifest.json``: the notes folder and options, the other files, the warnings, the
  Whoosh generation it describes and a digest of the note listing with its stamps (small:
  its presence marks a complete generation);
- ``stamps.json``: each note's stamp (modification time, size), as two flat lists (the
  query command compares them before every search, so it must load fast);
- ``notes.json``: each note's entry (content hash, names, link targets, see
  ``vault.catalog``) and the state it was indexed in (content hash, links signature,
  title, field lengths);
- ``vocabulary.json``: the vocabulary counts (the searcher reads words and spellings);
- ``links.json``: the link table (for ``query --links-to`` and unchanged updates);
- ``statistics.json``: the number of notes indexed and each field's total length,
  the BM25 statistics the searcher ranks with (see ``segments.collection_statistics``).

An update carries these forward instead of re-reading every note, so they must
describe the same index: they share a build token, and the manifest (replaced last)
names the token and the Whoosh generation. A build that died between the Whoosh
commit and the manifest leaves them disagreeing, and the next build is a full one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import whoosh.index

from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.index import store
from museumxtd_search.index.manifest import built_from, listing_digest, read_stamps_file
from museumxtd_search.index.segments import collection_statistics
from museumxtd_search.vault.catalog import NoteEntry
from museumxtd_search.vault.files import GardenFiles
from museumxtd_search.vault.notes import VaultWarning
from museumxtd_search.vault.resolver import LinkTable


def new_token() -> str:
    """A build's token: unique per build, written in every side file it writes."""
    return f"{time.time_ns()}-{os.getpid()}"


@dataclass
class BuildState:
    """The side files of the live generation, as one consistent whole."""

    generation: Path
    manifest: dict
    entries: dict[str, NoteEntry]
    stamps: dict[str, tuple[int, int]]
    indexed: dict[str, list]
    vocabulary: Vocabulary

    @property
    def assets(self) -> list[str]:
        return self.manifest["assets"]

    def link_table(self) -> LinkTable:
        return LinkTable.from_json(store.read_json(self.generation / store.LINKS))


def load_state(index_dir: Path, notes_dir: Path, exclude: list[str]) -> BuildState | None:
    """The live generation's state, or ``None`` when only a full build will do: no
    index, another folder or options, another schema, or side files that disagree."""
    generation = store.live_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = store.read_json(generation / store.MANIFEST)
        if not built_from(manifest, notes_dir, exclude):
            return None
        token = manifest["build"]
        notes = store.read_json(generation / store.NOTES)
        vocabulary = store.read_json(generation / store.VOCABULARY)
        stamps = read_stamps(generation)
        if notes["build"] != token or vocabulary["build"] != token or stamps is None \
                or stamps[0] != token or not (generation / store.LINKS).is_file():
            return None
        if whoosh.index.open_dir(str(generation)).latest_generation() != \
                manifest["whoosh_generation"]:
            return None
        entries = {path: NoteEntry.from_json(path, data)
                   for path, data in notes["entries"].items()}
        return BuildState(generation, manifest, entries, stamps[1], notes["indexed"],
                          Vocabulary.from_json(vocabulary))
    except (OSError, ValueError, KeyError, TypeError, whoosh.index.IndexError):
        return None


def side_files(token: str, root: Path, exclude: list[str], files: GardenFiles,
               entries: dict[str, NoteEntry], indexed: dict[str, list],
               vocabulary: Vocabulary, table: LinkTable | None, warnings: list[VaultWarning],
               whoosh_generation: int) -> dict[str, object]:
    """The side files of a generation by name, the manifest last (written last, it
    marks the generation complete). ``table`` is ``None`` when links.json stays."""
    files_out: dict[str, object] = {
        store.NOTES: {"build": token, "entries": {p: e.to_json() for p, e in entries.items()},
                      "indexed": indexed},
        store.VOCABULARY: {"build": token, **vocabulary.to_json()},
    }
    if table is not None:
        files_out[store.LINKS] = table.to_json()
    files_out[store.STATISTICS] = {"build": token, **collection_statistics(indexed.values())}
    paths = [p for p in files.notes if p in files.stamps]
    files_out[store.STAMPS] = {"build": token, "paths": paths,
                               "stamps": [n for p in paths for n in files.stamps[p]]}
    files_out[store.MANIFEST] = {
        "schema": store.SCHEMA_VERSION,
        "root": str(root.resolve()),
        "exclude": exclude,
        "build": token,
        "whoosh_generation": whoosh_generation,
        "listing": listing_digest(paths, files.stamps),
        "assets": list(files.assets),
        "warnings": [[w.path, w.line, w.message] for w in warnings],
    }
    return files_out



def read_stamps(generation: Path) -> tuple[str, dict[str, tuple[int, int]]] | None:
    """(build token, path -> stamp) of ``stamps.json``, or ``None`` when unreadable."""
    found = read_stamps_file(generation)
    if found is None:
        return None
    token, paths, flat = found
    return token, {path: (flat[2 * n], flat[2 * n + 1]) for n, path in enumerate(paths)}
