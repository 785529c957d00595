"""What a build leaves beside the Whoosh index in a generation, read and written here.

- ``manifest.json``: the notes folder and options, the other files, the warnings, the
  Whoosh generation it describes and a digest of the note listing with its stamps (small:
  written last, its presence marks a complete generation);
- ``stamps.json.gz``: each note's stamp (modification time, size), as two flat lists
  (what tells which notes changed when the manifest's listing digest differs);
- ``notes.json.gz``: each note's entry (content hash, names, link targets, see
  ``vault.catalog``) and its ``IndexedState`` (what decides whether its document is
  still right, and its field lengths);
- ``vocabulary.json``: the vocabulary counts (the searcher reads words and spellings);
- ``links.json.gz``: the link table (for ``query --links-to`` and unchanged updates);
- ``statistics.json``: the number of notes indexed and each field's total length,
  the BM25 statistics the searcher ranks with (``collection_statistics``).

The three large ones are gzipped (zlib level 1): at 10,000 notes 9.3 MB of JSON
become 2.2 MB, for about 0.13 s of CPU to write and 0.06 s to read them back in an
update. The small ones, which the query command reads, stay plain JSON.

An update carries these forward instead of re-reading every note, so they must
describe the same index: they share a build token, and the manifest (replaced last)
names the token and the Whoosh generation. A build that died between the Whoosh
commit and the manifest leaves them disagreeing, and the next build is a full one.

This module is on the query command's path (freshness, statistics): it imports
nothing heavy.
"""

from __future__ import annotations

import os
import time
import zlib
from array import array
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from museumxtd_search.index.generations import MANIFEST, live_generation
from museumxtd_search.rules import EXACT_FIELD, FIELD_WEIGHTS
from museumxtd_search.text.compact_json import decode_json, encode_json
from museumxtd_search.vault.files import read_search_settings
from museumxtd_search.vault.obsidian_settings import excluded_filters

if TYPE_CHECKING:
    from museumxtd_search.analysis.documents import AnalyzedNote
    from museumxtd_search.analysis.vocabulary import Vocabulary
    from museumxtd_search.vault.catalog import NoteEntry
    from museumxtd_search.vault.files import GardenFiles
    from museumxtd_search.vault.resolver import LinkTable
    from museumxtd_search.vault.warning import VaultWarning

try:  # the C module hashlib wraps: importing hashlib loads OpenSSL, ~4 ms per query
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

# The layout of a generation (Whoosh schema and side files); an index written with
# another is rebuilt in full, and ``check`` calls it stale.
# 9: callouts, code-span tags; 10: _emphasis_; 11: reference links; 12: Unix dates;
# 13: front matter values written as #tags; 14: code spans kept as written; 15: no
# links in code or comments; 16: day-first dates; 17: no links to template-tag URLs;
# 18: a date with no such day is text, not a lost front matter; 19: pandoc keys;
# 20: inline footnotes read as asides; 21: links in properties; 22: template
# placeholders in front matter; 23: links to files of any extension; 24: dates in
# file names; 25: ``language: rust`` searched, ``/`` links to the home note; 26: -ise
# and -ize stems made one; 27: whether a note tells its language; 28: dates under any
# key; 29: code fenced in a callout or a list item; 30: ```a``` on a line is a code
# span, not a fence; an image's ``|200`` size and a task's ``[/]`` box no words;
# 31: other generators' search switches (``pagefind: false``, ``search: {exclude}``),
# Hugo's URL aliases no names, switches and site paths no words; 32: hyphenated
# words also indexed joined (``email`` finds ``e-mail``); 33: a stop word of two
# capitals is an acronym (``AI``, ``IT``), indexed; 34: pandoc's ``keywords`` are tags.
SCHEMA_VERSION = 34

LINKS = "links.json.gz"
VOCABULARY = "vocabulary.json"
NOTES = "notes.json.gz"
STATISTICS = "statistics.json"
STAMPS = "stamps.json.gz"
GZIP_LEVEL = 1
# Every field BM25F scores, in the order of ``IndexedState.lengths``.
SCORED_FIELDS = (*FIELD_WEIGHTS, EXACT_FIELD)


def read_json(path: Path) -> Any:
    """A side file's data (``.gz``: gzipped JSON)."""
    data = path.read_bytes()
    return decode_json(zlib.decompress(data, 16 + zlib.MAX_WBITS)
                       if path.name.endswith(".gz") else data)


def file_bytes(name: str, data: Any) -> bytes:
    """The bytes of side file ``name`` holding ``data``: compact JSON in UTF-8, keys in
    the order given (large tables come in path order), gzipped for a ``.gz`` name
    (with no time or file name in its header: the same data gives the same bytes)."""
    encoded = encode_json(data, sort_keys=False)
    if not name.endswith(".gz"):
        return encoded
    gzip = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return gzip.compress(encoded) + gzip.flush()


def new_token() -> str:
    """A build's token: unique per build, written in every side file it writes."""
    return f"{time.time_ns()}-{os.getpid()}"


class IndexedState(NamedTuple):
    """What an index entry was written from: when the content hash, the links signature
    or the display title changes, the note is written again. ``lengths`` are the
    lengths of its scored fields (``SCORED_FIELDS`` order), what the collection
    statistics are summed from. Stored in ``notes.json.gz`` as a JSON list."""

    content_hash: str
    links_signature: str
    title: str
    lengths: list[int]

    @classmethod
    def of(cls, analyzed: AnalyzedNote) -> IndexedState:
        note = analyzed.note
        return cls(note.content_hash, analyzed.links_signature, note.title,
                   [len(analyzed.fields[name]) for name in FIELD_WEIGHTS]
                   + [len(analyzed.exact)])

    @classmethod
    def from_json(cls, data: list) -> IndexedState:
        content_hash, links_signature, title, lengths = data
        return cls(content_hash, links_signature, title, lengths)

    def same_source(self, content_hash: str, links_signature: str, title: str) -> bool:
        return (self.content_hash, self.links_signature, self.title) == \
            (content_hash, links_signature, title)


def collection_statistics(states: Iterable[IndexedState]) -> dict[str, object]:
    """The BM25 statistics of the notes indexed now: their number and each field's
    total length. Whoosh's own counts keep deleted documents until segments merge,
    so after an update they would rank differently from a full build; these do not."""
    totals = [0] * len(SCORED_FIELDS)
    documents = 0
    for state in states:
        documents += 1
        for number, length in enumerate(state.lengths):
            totals[number] += length
    return {"documents": documents,
            "field_lengths": dict(zip(SCORED_FIELDS, totals, strict=True))}


def read_manifest(generation: Path | None) -> dict | None:
    """The generation's manifest, or ``None`` when there is none readable."""
    if generation is None:
        return None
    try:
        return read_json(generation / MANIFEST)
    except (OSError, ValueError):
        return None


def built_from(manifest: dict | None, notes_dir: Path, exclude: Iterable[str]) -> bool:
    """Whether ``manifest`` describes an index of ``notes_dir`` with these exclusions
    and the folder's present ``indexed_settings``, written by this version of the
    schema (else only a full build will do)."""
    return (manifest is not None and manifest.get("schema") == SCHEMA_VERSION
            and manifest.get("root") == str(Path(notes_dir).resolve())
            and manifest.get("exclude") == list(exclude)
            and manifest.get("settings") == indexed_settings(notes_dir))


def recorded_garden(index_dir: Path) -> tuple[Path, tuple[str, ...]] | None:
    """The notes folder and exclusion globs the index in ``index_dir`` was built from,
    when it has a readable manifest and that folder still exists; else ``None``.

    Why: an index knows what it indexed. After ``index --notes ~/jardin --index X``,
    ``query --index X`` searches ``~/jardin`` instead of failing for want of a
    ``notes`` folder, or worse, rebuilding X from another garden that happens to sit
    in the working directory as ``notes``."""
    manifest = read_manifest(live_generation(index_dir))
    if manifest is None or not isinstance(manifest.get("root"), str):
        return None
    root = Path(manifest["root"])
    exclude = manifest.get("exclude")
    if not root.is_dir() or not isinstance(exclude, list):
        return None
    return root, tuple(str(glob) for glob in exclude)


def indexed_settings(notes_dir: Path) -> dict[str, object]:
    """The settings that change what every note's document holds: ``title_keys`` of
    ``museumxtd.toml``'s ``[search]`` table (which property titles a note), as written
    (``None``: the defaults), and Obsidian's excluded files (which notes are searchable,
    ``vault.obsidian_settings``). Recorded in the manifest, so that editing them makes
    ``index`` rebuild in full and ``check`` report the index stale: an incremental
    update only re-reads the notes whose files changed. ``facets`` is not here: the
    index holds every property, and facets are counted when searching."""
    settings, _ = read_search_settings(Path(notes_dir))
    return {"title_keys": None if settings.title_keys is None else list(settings.title_keys),
            "obsidian_excluded": excluded_filters(Path(notes_dir))}


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


def read_stamps_file(generation: Path) -> tuple[str, list[str], list[int]] | None:
    """(build token, note paths, their stamps flattened: mtime, size, mtime, …) of the
    generation's ``stamps.json.gz``, or ``None`` when unreadable."""
    try:
        data = read_json(generation / STAMPS)
        token, paths, flat = data["build"], data["paths"], data["stamps"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(paths, list) or not isinstance(flat, list) or \
            len(flat) != 2 * len(paths):
        return None
    return token, paths, flat


def read_stamps(generation: Path) -> tuple[str, dict[str, tuple[int, int]]] | None:
    """(build token, path -> stamp) of ``stamps.json.gz``, or ``None`` when unreadable."""
    found = read_stamps_file(generation)
    if found is None:
        return None
    token, paths, flat = found
    return token, {path: (flat[2 * n], flat[2 * n + 1]) for n, path in enumerate(paths)}


def flat_stamps(paths: Sequence[str], stamps: dict[str, tuple[int, int]]) -> list[int]:
    """The stamps of ``paths``, in order, as one list: mtime, size, mtime, size, ...

    Built by C-level iteration: at 50,000 notes a nested comprehension, then an array
    built from it, took 30-40 ms of the query command's freshness check, this 20."""
    return list(chain.from_iterable(map(stamps.__getitem__, paths)))


def listing_digest(paths: Sequence[str], stamps: dict[str, tuple[int, int]]) -> str:
    """One hash of the note paths in order and their stamps (mtime in ns, size).

    The manifest keeps it, so the query command's usual case, nothing changed, is
    told by the manifest it reads anyway instead of parsing ``stamps.json.gz`` (10,000
    paths and 20,000 numbers at 10,000 notes); that file says what changed otherwise.
    """
    digest = blake2b(digest_size=16)
    digest.update("\n".join(paths).encode("utf-8", "surrogateescape"))
    # Machine integers: formatting 20,000 numbers as text cost more than parsing them.
    digest.update(array("q", flat_stamps(paths, stamps)).tobytes())
    return digest.hexdigest()


def make_side_files(token: str, root: Path, exclude: list[str], files: GardenFiles,
                    entries: dict[str, NoteEntry], indexed: dict[str, IndexedState],
                    vocabulary: Vocabulary, table: LinkTable | None,
                    warnings: list[VaultWarning], whoosh_generation: int) -> dict[str, object]:
    """The side files of a generation by name, the manifest last (written last, it
    marks the generation complete). ``table`` is ``None`` when links.json.gz stays."""
    files_out: dict[str, object] = {
        NOTES: {"build": token, "entries": {p: e.to_json() for p, e in entries.items()},
                "indexed": {p: list(state) for p, state in indexed.items()}},
        VOCABULARY: {"build": token, **vocabulary.to_json()},
    }
    if table is not None:
        files_out[LINKS] = table.to_json()
    files_out[STATISTICS] = {"build": token, **collection_statistics(indexed.values())}
    paths = [p for p in files.notes if p in files.stamps]
    files_out[STAMPS] = {"build": token, "paths": paths,
                         "stamps": flat_stamps(paths, files.stamps)}
    files_out[MANIFEST] = {
        "schema": SCHEMA_VERSION,
        "root": str(root.resolve()),
        "exclude": exclude,
        "settings": indexed_settings(root),
        "build": token,
        "whoosh_generation": whoosh_generation,
        "listing": listing_digest(paths, files.stamps),
        "assets": list(files.assets),
        "warnings": [[w.path, w.line, w.message] for w in warnings],
    }
    return files_out
