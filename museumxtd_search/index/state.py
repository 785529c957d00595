"""What a build leaves beside the Whoosh index for the next build, and its consistency.

A generation folder holds, besides Whoosh's files:

- ``manifest.json``: the notes folder and options, each note's stamp (mtime, size) and
  content hash, the other files, the warnings, and the Whoosh generation it describes;
- ``notes.json``: each note's entry (names and link targets, see ``vault.catalog``)
  and the state it was indexed in (content hash, links signature, title);
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
from museumxtd_search.index.manifest import built_from
from museumxtd_search.index.schema import SCHEMA_VERSION
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
    indexed: dict[str, list]
    vocabulary: Vocabulary

    @property
    def stamps(self) -> dict[str, list[int]]:
        return self.manifest["stamps"]

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
        if notes["build"] != token or vocabulary["build"] != token \
                or not (generation / store.LINKS).is_file():
            return None
        if whoosh.index.open_dir(str(generation)).latest_generation() != \
                manifest["whoosh_generation"]:
            return None
        entries = {path: NoteEntry.from_json(path, data)
                   for path, data in notes["entries"].items()}
        return BuildState(generation, manifest, entries, notes["indexed"],
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
    files_out[store.MANIFEST] = {
        "schema": SCHEMA_VERSION,
        "root": str(root.resolve()),
        "exclude": exclude,
        "build": token,
        "whoosh_generation": whoosh_generation,
        "stamps": {p: list(files.stamps[p]) for p in files.notes if p in files.stamps},
        "hashes": {p: e.content_hash for p, e in entries.items()},
        "assets": list(files.assets),
        "warnings": [[w.path, w.line, w.message] for w in warnings],
    }
    return files_out
