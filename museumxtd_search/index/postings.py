"""The Whoosh index as the ranking reads it: per segment, whole posting lists decoded
block by block, field lengths loaded once per searcher, positions decoded only for the
notes that need them.

Whoosh stays the store: its term dictionary, posting files, per-document length
columns and stored fields. What we skip is its matcher tree, which steps through every
posting with several Python method calls (``id()``, ``score()``, ``next()`` per node).

Reading a posting list in one go needs three internals of the pinned ``whoosh3==3.54.0``
W3 codec, each pinned by ``tests/test_search_engine.py`` against the public API:

* ``SegmentReader._terms.matcher(...)``: the raw posting reader of a term, before the
  public ``postings()`` wraps it in a deletion filter that has already stepped past the
  first deleted documents (deletions are filtered here instead);
* ``W3LeafMatcher`` block fields (``_postfile``, ``_dataoffset``, ``_nextoffset``,
  ``_compression``, ``_blocklength``, ``_lastblock``, ``_goto()``): one block is a
  zlib-compressed pickle of ``(delta-encoded ids, weights, values)``, where weights
  are ``None`` (all 1.0), one float (all equal) or one per posting;
* ``W3PerDocReader._cached_reader(...)`` on a length column (one byte per document,
  ``_dbfile``/``_basepos``/``_count``): read as one ``bytes`` object instead of one
  call per document.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from itertools import accumulate
from math import log
from pickle import loads

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.reading import IndexReader, SegmentReader
from whoosh.util.numeric import byte_to_length

# Whoosh's length bytes: byte b stands for a field of byte_to_length(b) words.
LENGTH_OF_BYTE: tuple[int, ...] = tuple(byte_to_length(b) for b in range(256))


class Postings:
    """One term's postings in one segment, deleted documents left out.

    ``docs`` are segment-local document numbers, ascending; ``weights`` the term
    frequencies as Whoosh stores them (float32 values). ``positions(doc)`` decodes one
    posting's positions (fields with positions only): blocks are unpickled without
    their positions first, which is most of their bytes and most of the time.
    """

    __slots__ = ("docs", "weights", "_blocks", "_block_ends")

    def __init__(self, docs: list[int], weights: list[float],
                 blocks: list[_Block]) -> None:
        self.docs = docs
        self.weights = weights
        self._blocks = blocks
        self._block_ends = [block.ids[-1] for block in blocks]

    def positions(self, doc: int) -> list[int]:
        block = self._blocks[bisect_left(self._block_ends, doc)]
        return decode_positions(block.value(bisect_left(block.ids, doc)))


class _Block:
    """The ids of one posting block, and its raw data for the positions."""

    __slots__ = ("ids", "_data", "_values")

    def __init__(self, ids: list[int], data: bytes | None, values: tuple | None) -> None:
        self.ids = ids
        self._data = data
        self._values = values

    def value(self, index: int) -> bytes:
        if self._values is None:
            assert self._data is not None
            self._values = loads(self._data)[2]
            self._data = None
        return self._values[index]


def decode_positions(value: bytes) -> list[int]:
    """``Positions.decode_positions``: a count, then pickled position deltas."""
    return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


# A W3 block is ``dumps((ids, weights, values), 2)``. With positions, ``values`` is a
# tuple of bytes, which protocol 2 writes as one ``_codecs.encode`` call each: this
# marks where that tuple starts. Cutting the pickle there (an empty tuple in its
# place) reads ids and weights 20-40x faster. The marker cannot occur earlier: ids
# and weights are only MARK, BININT*, BINFLOAT, TUPLE and BINPUT opcodes, and every
# 17-byte run of those contains an opcode byte the marker lacks.
_VALUES_START = b"(c_codecs\nencode\n"
_CLOSE_WITHOUT_VALUES = b")\x87."


def _read_block(data: bytes, count: int) -> tuple[tuple, object, bytes | None, tuple | None]:
    """(delta ids, weights, data to unpickle for the values or None, values or None)."""
    cut = data.find(_VALUES_START)
    if cut >= 0:
        delta_ids, weights, _ = loads(data[:cut] + _CLOSE_WITHOUT_VALUES)
        if len(delta_ids) == count:
            return delta_ids, weights, data, None
    delta_ids, weights, values = loads(data)
    return delta_ids, weights, None, values


class Segment:
    """One segment of an open index: term lookups, postings and field lengths.

    ``offset`` turns its document numbers into the index's (what stored fields and
    results use): Whoosh numbers the documents of a multi-segment index segment after
    segment.
    """

    def __init__(self, reader: SegmentReader, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.doc_count_all = reader.doc_count_all()
        self.doc_count = reader.doc_count()
        self.deleted: frozenset[int] = reader.deleted_docs_set
        self._schema = reader.schema
        self._lengths: dict[str, bytes | None] = {}

    def has_term(self, field: str, text: str) -> bool:
        return (field, text) in self.reader

    def doc_frequency(self, field: str, text: str) -> int:
        """Postings of the term here, deleted documents included (Whoosh's estimate)."""
        return self.reader.doc_frequency(field, text)

    def leaf_matcher_class(self, field: str, text: str) -> type:
        """The class of the posting reader Whoosh opens for the term (it has it)."""
        inlined = self.reader.term_info(field, text).is_inlined()
        return ListMatcher if inlined else W3LeafMatcher

    def postings(self, field: str, text: str) -> Postings | None:
        """The term's postings, or ``None`` when the segment does not have the term."""
        if not self.has_term(field, text):
            return None
        fieldobj = self._schema[field]
        matcher = self.reader._terms.matcher(field, fieldobj.to_bytes(text), fieldobj.format)
        docs: list[int] = []
        weights: list[float] = []
        blocks = _blocks(matcher)
        for block, block_weights in blocks:
            docs += block.ids
            weights += block_weights
        if self.deleted:
            deleted = self.deleted
            kept = [i for i, doc in enumerate(docs) if doc not in deleted]
            docs = [docs[i] for i in kept]
            weights = [weights[i] for i in kept]
        return Postings(docs, weights, [block for block, _ in blocks])

    def lengths(self, field: str) -> bytes | None:
        """The length byte of ``field`` for every document (``None``: no length column,
        where Whoosh's scorer counts every length as 1)."""
        if field not in self._lengths:
            column = self.reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
            if column is None:
                self._lengths[field] = None
            else:
                # Documents after the last non-zero byte are not written: they read 0.
                data = column._dbfile.get(column._basepos, column._count)
                self._lengths[field] = data + bytes(self.doc_count_all - len(data))
        return self._lengths[field]


def _blocks(matcher) -> list[tuple[_Block, list[float]]]:
    """Every block of a fresh W3 posting reader, with its weights."""
    if isinstance(matcher, ListMatcher):  # postings inlined in the term info
        values = tuple(matcher._values) if matcher._values is not None else ()
        weights = ([1.0] * len(matcher._ids) if matcher._weights is None
                   else [float(w) for w in matcher._weights])
        return [(_Block(list(matcher._ids), None, values), weights)]
    blocks = []
    postfile = matcher._postfile
    while True:
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            data = zlib.decompress(data)
        count = matcher._blocklength
        delta_ids, weights, raw, values = _read_block(data, count)
        if weights is None:
            weights = [1.0] * count
        elif isinstance(weights, float):
            weights = [weights] * count
        blocks.append((_Block(list(accumulate(delta_ids)), raw, values), weights))
        if matcher._lastblock:
            return blocks
        matcher._goto(matcher._nextoffset)


class IndexStatistics:
    """The collection statistics of Whoosh's BM25F, from the index's top reader.

    ``idf`` and ``average_length`` are ``WeightingModel.idf`` and
    ``Searcher.avg_field_length`` as whoosh3 3.54.0 computes them: every document
    counts, deleted ones included (the postings of a deleted document stay in its
    segment until Whoosh merges it away).
    """

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.doc_count_all = reader.doc_count_all()
        self._idf: dict[tuple[str, str], float] = {}
        self._average: dict[str, float] = {}

    def idf(self, field: str, text: str) -> float:
        found = self._idf.get((field, text))
        if found is None:
            frequency = self.reader.doc_frequency(field, text)
            found = self._idf[(field, text)] = log(self.doc_count_all / (frequency + 1)) + 1
        return found

    def average_length(self, field: str) -> float:
        """``avg_field_length(field) or 1``, as ``BM25FScorer`` takes it."""
        found = self._average.get(field)
        if found is None:
            found = self._average[field] = (
                self.reader.field_length(field) / (self.doc_count_all or 1)) or 1
        return found


def leaf_segments(reader: IndexReader) -> list[Segment]:
    """The segments of ``reader`` with their document number offsets."""
    return [Segment(leaf, offset) for leaf, offset in reader.leaf_readers()]
