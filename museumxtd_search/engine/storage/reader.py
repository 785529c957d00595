"""The files of a Whoosh index, read for the query command without importing Whoosh's
readers.

Why: Whoosh's reading modules import all of Whoosh (fields, analysers, stemmers,
codecs, hashlib through OpenSSL): 50-60 ms per ``query`` process here, half of what a
query costs above bare Python. Scoring already reads posting lists itself
(``index/postings.py``); what it still asked Whoosh for is small: the table of
contents, the term table, each term's entry, the per-document length bytes and the
stored fields. This module reads exactly those parts of the pinned ``whoosh3==3.54.0``
W3 format, read-only. Whoosh stays the writer (builds and updates) and the reference:
``tests/test_whoosh_files.py`` compares every term, length, column value and stored
field read here with Whoosh's public API, on single, parallel-built and updated
indexes.

The layout read (big-endian throughout):

* ``_MAIN_<generation>.toc``: three varints (int, long and float sizes), the int
  -12345, the TOC version (-111), three varints (Whoosh's release), the pickled schema
  as a varint-prefixed string (skipped: terms arrive analysed), the generation, an
  unused int, then the pickled list of ``W3Segment`` (document count, deleted
  documents, exact field lengths, compound flag). Its Whoosh classes are unpickled as
  plain records: only their attributes are read.
* ``MAIN_<segment>.seg``: a compound file, a long and an int (directory offset and
  length) then the segment's files, then the pickled directory
  ``{name: {"offset", "length", "modified"}}``. A file not in it is looked up in the
  index folder, as Whoosh's ``OverlayStorage`` does.
* ``.trm``: the term table, a ``HashReader`` file: ``HSH3``, the hash type (0 is MD5
  of the key, 1 CRC32), 8 unused bytes, key/value records (two int lengths, key,
  value), 256 hash tables of (uint hash, long record position) slots with linear
  probing, their directory of 256 (long position, int slots), the pickled extras
  (``fieldmap``: field name -> number) and the int length of what follows the tables.
  A key is the field number as an unsigned short then the term's UTF-8 bytes; a value
  is a ``W3TermInfo``: ``!BfIBBfII`` (inlined flag, weight, document frequency, min
  and max length bytes, max weight, first and last id), then either the pickled
  inlined postings or the posting list's long offset and int length in ``.pst``.
* ``.<column>.col``: per-document columns. Lengths (``_<field>_len``) are one byte
  per document, trailing zeros not written. Variable-length columns (``title_order``,
  and ``_stored``, zlib-compressed pickles) end with their array of value lengths,
  optionally the array of offsets, and type codes (``X`` last when offsets are there).
"""

from __future__ import annotations

import mmap
import os
import pickle
import time
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from importlib import import_module
from itertools import accumulate
from pathlib import Path
from struct import Struct
from struct import error as StructError
from sys import byteorder

from museumxtd_search.engine.storage.pickles import load_data, load_records

try:  # the C module hashlib wraps: importing hashlib itself loads OpenSSL (~4 ms)
    from _md5 import md5
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import md5

INDEX_NAME = "MAIN"
TOC_VERSION = -111
_INT = Struct(">i")
_LONG_INT = Struct(">qi")
_SLOT = Struct(">Iq")
_RECORD_LENGTHS = Struct(">ii")
_FIELD_NUMBER = Struct(">H")
_TERM_INFO = Struct(">BfIBBfII")
_POSTINGS_EXTENT = Struct(">qi")
_HASH_MAGIC = b"HSH3"
_TABLES = 256
_NEEDS_BYTESWAP = byteorder == "little"
_OPEN_ATTEMPTS = 10
_RETRY_SECONDS = 0.05


class IndexFormatError(Exception):
    """The index's files are not what this version of Whoosh writes (damaged,
    truncated or foreign): rebuilding the index is the remedy."""


class NoTableOfContentsError(IndexFormatError):
    """The folder has no ``.toc`` file: no index, or one being replaced."""


def _damaged(path: object, why: object) -> IndexFormatError:
    return IndexFormatError(
        f"damaged index file {path} ({why}): rebuild it with museumxtd-search index --full")


# --- the table of contents --------------------------------------------------------------

class _Record:
    """Stands for every Whoosh object pickled in a table of contents (``W3Segment``,
    ``W3Codec``): its attributes, nothing else."""

    def __new__(cls, *args: object, **kwargs: object) -> _Record:
        return object.__new__(cls)


_TOC_BUILTINS = {("builtins", "set"), ("builtins", "frozenset"), ("builtins", "int"),
                 ("builtins", "object"), ("collections", "defaultdict"),
                 ("copyreg", "_reconstructor")}


def _toc_classes(module: str, name: str) -> object | None:
    """The segment list: Whoosh classes become ``_Record``, the few builtins its
    objects are built with are themselves; any other class is refused."""
    if module == "whoosh" or module.startswith("whoosh."):
        return _Record
    if (module, name) in _TOC_BUILTINS:
        return getattr(import_module(module), name)
    return None


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """(value, next position) of Whoosh's varint: 7 bits per byte, low bits first."""
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7


def latest_toc(folder: Path, indexname: str = INDEX_NAME) -> Path:
    """The table of contents with the highest generation, as Whoosh picks it."""
    prefix, best, found = f"_{indexname}_", -1, None
    for name in os.listdir(folder):
        if name.startswith(prefix) and name.endswith(".toc"):
            number = name[len(prefix):-4]
            if number.isdigit() and int(number) > best:
                best, found = int(number), name
    if found is None:
        raise NoTableOfContentsError(f"no Whoosh index in {folder}")
    return folder / found


def read_segment_records(toc: Path) -> list[_Record]:
    """The segments listed by ``toc``, in Whoosh's order (their documents are numbered
    segment after segment)."""
    data = toc.read_bytes()
    try:
        position = 0
        sizes = []
        for _ in range(3):
            size, position = _varint(data, position)
            sizes.append(size)
        (check,) = _INT.unpack_from(data, position)
        (version,) = _INT.unpack_from(data, position + 4)
        if sizes != [4, 8, 4] or check != -12345:
            raise _damaged(toc, "not a table of contents of this architecture")
        if version != TOC_VERSION:
            raise _damaged(toc, f"format {version}, not {TOC_VERSION}")
        position += 8
        for _ in range(3):  # Whoosh's release
            _, position = _varint(data, position)
        schema_length, position = _varint(data, position)
        position += schema_length + 8  # the schema, the generation, an unused int
        segments = load_records(data[position:], _toc_classes)
    except IndexFormatError:
        raise
    except (IndexError, StructError, pickle.UnpicklingError, EOFError, ValueError,
            TypeError, AttributeError) as error:
        raise _damaged(toc, error) from None
    if not isinstance(segments, list) or not all(isinstance(s, _Record) for s in segments):
        raise _damaged(toc, "no segment list")
    return segments


# --- files of a segment ----------------------------------------------------------------

class Region:
    """One file of a segment: a slice of a read-only mapping. ``get`` is the one read
    everything uses (``StructFile.get``: bytes at a position of this file)."""

    __slots__ = ("_data", "_base", "length", "name")

    def __init__(self, data: mmap.mmap | bytes, base: int, length: int, name: str) -> None:
        self._data, self._base, self.length, self.name = data, base, length, name

    def get(self, position: int, length: int) -> bytes:
        start = self._base + position
        return self._data[start:start + length]

    def all(self) -> bytes:
        return self._data[self._base:self._base + self.length]


def _map(path: Path) -> mmap.mmap | bytes:
    """The file's bytes, mapped: a search reads a few terms of a large segment, and a
    mapping stays readable when a rebuild deletes the file meanwhile."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


class SegmentFiles:
    """One segment of a W3 index: its term table, posting file and columns."""

    def __init__(self, folder: Path, record: _Record) -> None:
        try:
            self.name = f"{record.indexname}_{record.segid}"
            self.doc_count_all: int = record._doccount
            self.deleted: frozenset[int] = frozenset(record._deleted or ())
            self.field_lengths: dict[str, int] = dict(record._fieldlengths)
            compound = getattr(record, "compound", False)
        except AttributeError as error:
            raise _damaged(folder, f"segment without {error.name}") from None
        self.folder = folder
        self._maps: list[mmap.mmap | bytes] = []
        self._directory: dict[str, tuple[int, int]] = {}
        self._compound: mmap.mmap | bytes = b""
        if compound:
            self._compound = self._keep(_map(folder / f"{self.name}.seg"))
            self._directory = self._read_directory()
        self.terms = TermTable(self.file(".trm"))
        self.postfile = self.file(".pst")
        self._columns: dict[str, Region | None] = {}
        self._stored: VarBytesColumn | None = None

    def _keep(self, data: mmap.mmap | bytes) -> mmap.mmap | bytes:
        self._maps.append(data)
        return data

    def _read_directory(self) -> dict[str, tuple[int, int]]:
        data, where = self._compound, f"{self.folder / self.name}.seg"
        try:
            offset, _ = _LONG_INT.unpack_from(data, 0)
            directory = load_data(data[offset:])
            return {name: (info["offset"], info["length"]) for name, info in directory.items()}
        except (StructError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                KeyError, AttributeError) as error:
            raise _damaged(where, error) from None

    def file(self, extension: str) -> Region:
        """The segment's file with this extension (``.trm``, ``._stored.col``...)."""
        found = self.find(extension)
        if found is None:
            raise _damaged(self.folder / f"{self.name}{extension}", "missing")
        return found

    def find(self, extension: str) -> Region | None:
        name = f"{self.name}{extension}"
        if name in self._directory:
            offset, length = self._directory[name]
            if offset + length > len(self._compound):
                raise _damaged(self.folder / f"{self.name}.seg", "truncated")
            return Region(self._compound, offset, length, name)
        path = self.folder / name
        if not path.exists():
            return None
        data = self._keep(_map(path))
        return Region(data, 0, len(data), name)

    def column(self, name: str) -> Region | None:
        """The file of the per-document column ``name`` (``None``: no document has it)."""
        if name not in self._columns:
            self._columns[name] = self.find(f".{name}.col")
        return self._columns[name]

    def lengths(self, field: str) -> bytes | None:
        """The length byte of ``field`` for every document (``None``: no length column)."""
        column = self.column(f"_{field}_len")
        if column is None:
            return None
        data = column.all()  # documents after the last non-zero byte are not written
        return data + bytes(self.doc_count_all - len(data))

    def stored_fields(self, doc: int) -> dict:
        """The stored fields of the segment's document ``doc`` (``{}`` when none)."""
        if self._stored is None:
            column = self.column("_stored")
            if column is None:
                return {}
            self._stored = VarBytesColumn(column, self.doc_count_all)
        value = self._stored[doc]
        return load_data(zlib.decompress(value)) if value else {}

    def close(self) -> None:
        for data in self._maps:
            if isinstance(data, mmap.mmap):
                data.close()
        self._maps.clear()


class TermInfo:
    """A term's entry in a segment's term table (``W3TermInfo``, the parts read)."""

    __slots__ = ("doc_frequency", "inlined", "offset", "length")

    def __init__(self, value: bytes) -> None:
        inlined, _, self.doc_frequency, *_ = _TERM_INFO.unpack_from(value)
        rest = value[_TERM_INFO.size:]
        self.inlined: tuple | None = load_data(rest) if inlined else None
        self.offset, self.length = (0, 0) if inlined else _POSTINGS_EXTENT.unpack(rest)


class TermTable:
    """The segment's ``.trm`` hash file: term -> ``TermInfo``."""

    def __init__(self, region: Region) -> None:
        self.region = region
        try:
            if region.get(0, 4) != _HASH_MAGIC:
                raise _damaged(region.name, "not a term table")
            hash_type = region.get(4, 1)[0]
            if hash_type not in (0, 1):
                raise _damaged(region.name, f"hash type {hash_type}")
            self._md5 = hash_type == 0
            end = region.length - _INT.size
            (extras_length,) = _INT.unpack(region.get(end, _INT.size))
            extras_at = end - extras_length
            extras = load_data(region.get(extras_at, extras_length))
            self.fields: dict[str, int] = extras["fieldmap"]
            start = extras_at - _TABLES * _LONG_INT.size
            directory = region.get(start, _TABLES * _LONG_INT.size)
            self._tables = list(_LONG_INT.iter_unpack(directory))
        except IndexFormatError:
            raise
        except (StructError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                KeyError, IndexError) as error:
            raise _damaged(region.name, error) from None

    def _hash(self, key: bytes) -> int:
        if self._md5:
            return int.from_bytes(md5(key).digest()[-4:], "big")
        return zlib.crc32(key) & 0xFFFFFFFF

    def value(self, field: str, text: str) -> bytes | None:
        """The stored value of ``field:text``, or ``None``."""
        number = self.fields.get(field)
        if number is None:
            return None
        key = _FIELD_NUMBER.pack(number) + text.encode("utf-8")
        hashed = self._hash(key)
        start, slots = self._tables[hashed & 255]
        if not slots:
            return None
        get, slot = self.region.get, (hashed >> 8) % slots
        for _ in range(slots):
            slot_hash, at = _SLOT.unpack(get(start + slot * _SLOT.size, _SLOT.size))
            if not at:
                return None
            if slot_hash == hashed:
                key_length, value_length = _RECORD_LENGTHS.unpack(get(at, _RECORD_LENGTHS.size))
                at += _RECORD_LENGTHS.size
                if key_length == len(key) and get(at, key_length) == key:
                    return get(at + key_length, value_length)
            slot = (slot + 1) % slots
        return None

    def term_info(self, field: str, text: str) -> TermInfo | None:
        value = self.value(field, text)
        return None if value is None else TermInfo(value)


class VarBytesColumn:
    """A column of variable-length values (``VarBytesColumn``): ``column[doc]`` is the
    document's bytes, ``b""`` when it has none."""

    def __init__(self, region: Region, doc_count: int) -> None:
        self.region = region
        last = region.length - 1
        code = chr(region.get(last, 1)[0])
        offsets = None
        if code == "X":
            code = chr(region.get(last - 2, 1)[0])
            offsets_code = chr(region.get(last - 1, 1)[0])
            last -= 2 + doc_count * array(offsets_code).itemsize
            offsets = self._array(offsets_code, last, doc_count)
        lengths = self._array(code, last - doc_count * array(code).itemsize, doc_count)
        self._lengths = lengths
        self._offsets = offsets if offsets is not None else \
            [0, *accumulate(lengths)][:doc_count]

    def _array(self, code: str, at: int, count: int) -> array:
        values = array(code)
        values.frombytes(self.region.get(at, count * values.itemsize))
        if _NEEDS_BYTESWAP:
            values.byteswap()
        return values

    def __getitem__(self, doc: int) -> bytes:
        length = self._lengths[doc]
        return self.region.get(self._offsets[doc], length) if length else b""


# --- the index -------------------------------------------------------------------------

class IndexFiles:
    """An open W3 index: its segments and where each one's documents start (Whoosh
    numbers the documents of a multi-segment index segment after segment)."""

    def __init__(self, folder: Path | str, indexname: str = INDEX_NAME) -> None:
        self.folder = Path(folder)
        self.segments: list[SegmentFiles] = []
        # An update commits into this folder: it writes its segment and a newer table
        # of contents, then deletes the older one and the segments it merged. Opening
        # meanwhile, a file may vanish: read the newest table again, as Whoosh's
        # reader does (10 attempts, 50 ms apart), unless the folder itself is gone (a
        # full rebuild replaced it: the caller opens the new one).
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                for record in read_segment_records(latest_toc(self.folder, indexname)):
                    self.segments.append(SegmentFiles(self.folder, record))
                break
            except FileNotFoundError as error:
                self.close()
                if not self.folder.is_dir():
                    raise
                if attempt + 1 == _OPEN_ATTEMPTS:  # not a commit: a file went missing
                    raise _damaged(error.filename, "missing") from None
                time.sleep(_RETRY_SECONDS)
            except BaseException:
                self.close()
                raise
        self.offsets = [0, *accumulate(s.doc_count_all for s in self.segments)][:-1]
        self.doc_count_all = sum(s.doc_count_all for s in self.segments)

    def leaves(self) -> Iterable[tuple[SegmentFiles, int]]:
        """(segment, number of its first document), in order."""
        return zip(self.segments, self.offsets, strict=True)

    def _locate(self, doc: int) -> tuple[SegmentFiles, int]:
        at = bisect_right(self.offsets, doc) - 1
        if at < 0 or doc >= self.doc_count_all:
            raise IndexError(f"no document {doc} in {self.folder}")
        return self.segments[at], doc - self.offsets[at]

    def stored_fields(self, doc: int) -> dict:
        segment, local = self._locate(doc)
        return segment.stored_fields(local)

    def column(self, name: str) -> IndexColumn:
        return IndexColumn(self, name)

    def close(self) -> None:
        for segment in self.segments:
            segment.close()
        self.segments = []

    def __enter__(self) -> IndexFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class IndexColumn:
    """A variable-length column over every segment (``b""`` where a segment lacks it),
    as Whoosh's ``reader.column_reader(name)`` reads it."""

    def __init__(self, index: IndexFiles, name: str) -> None:
        self._index = index
        self._name = name
        self._columns: dict[int, VarBytesColumn | None] = {}

    def __getitem__(self, doc: int) -> bytes:
        segment, local = self._index._locate(doc)
        key = id(segment)
        if key not in self._columns:
            region = segment.column(self._name)
            self._columns[key] = None if region is None else \
                VarBytesColumn(region, segment.doc_count_all)
        column = self._columns[key]
        return b"" if column is None else column[local]
