"""The Whoosh index as the ranking reads it: per segment, whole posting lists decoded
block by block, field lengths loaded once per searcher, positions decoded only for the
notes that need them.

Whoosh stays the store: its term dictionary, posting files, per-document length
columns and stored fields, read through ``engine/storage/reader.py`` (which imports no
Whoosh reader). What we skip is its matcher tree, which steps through every posting
with several Python method calls (``id()``, ``score()``, ``next()`` per node).

A posting list is read in one go from the extent its term entry gives, in the layout
of the pinned ``whoosh3==3.54.0`` W3 codec (as ``W3LeafMatcher`` reads it), pinned by
``tests/test_search_engine.py`` against Whoosh's public API: the ``W3Bl`` tag, then
blocks, each a signed length (negative for the last), a pickled header and a
zlib-compressed pickle of ``(delta-encoded ids, weights, values)``, where weights are
``None`` (all 1.0), one float (all equal) or one per posting. Deletions are filtered
here rather than by Whoosh's ``postings()``. It also relies on how a block is pickled
(protocol 2; see ``_VALUES_START``) to leave positions packed.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left, bisect_right
from io import BytesIO
from itertools import accumulate, repeat
from pickle import UnpicklingError
from struct import Struct

from whoosh.util.numeric import byte_to_length, length_to_byte

from museumxtd_search.engine.storage.pickles import (
    BININT1,
    LIST_START,
    MARK,
    ONE_BYTE,
    decode_int_list,
    load_data,
    load_from,
)
from museumxtd_search.engine.storage.reader import (
    IndexFiles,
    IndexFormatError,
    SegmentFiles,
    TermInfo,
)

# W3LeafMatcher's tag for a posting list (``whoosh.codec.whoosh3.WHOOSH3_HEADER_MAGIC``).
WHOOSH3_HEADER_MAGIC = b"W3Bl"
_INT = Struct(">i")
_MAGIC_SIZE = len(WHOOSH3_HEADER_MAGIC)
# Whoosh's length bytes: byte b stands for a field of byte_to_length(b) words.
LENGTH_OF_BYTE: tuple[int, ...] = tuple(byte_to_length(b) for b in range(256))


def quantized_length(length: int) -> int:
    """A field length as the index stores it (one lossy byte) and BM25F reads it back:
    the client index carries these, so both engines score with the same lengths."""
    return byte_to_length(length_to_byte(length)) if length else 0


class Postings:
    """One term's postings in one segment, deleted documents left out.

    ``docs`` are segment-local document numbers, ascending; ``weights`` the term
    frequencies as Whoosh stores them (float32 values). ``positions(docs, blocks)``
    decodes the positions of some postings (fields with positions only): blocks are read
    without their positions first (most of their bytes and most of the time), and a
    block's positions are unpickled when one of its postings is asked for, into
    ``blocks``, which the caller keeps as long as it reads positions (a search).
    """

    __slots__ = ("docs", "weights", "_all_docs", "_starts", "_locations", "_postfile",
                 "_inlined")

    def __init__(self, docs: list[int], weights: list[float], all_docs: list[int],
                 starts: list[int], locations: list[tuple[int, int, int]], postfile,
                 inlined: tuple | None = None) -> None:
        self.docs = docs
        self.weights = weights
        self._all_docs = all_docs  # deleted documents included: the blocks' order
        self._starts = starts  # index in _all_docs of each block's first posting
        self._locations = locations  # (data offset, data length, compressed) per block
        self._postfile = postfile
        self._inlined = inlined  # the values of postings inlined in the term info

    def positions(self, docs: list[int], blocks: dict[int, tuple]) -> list[list[int]]:
        """The positions of the term in each of ``docs`` (ascending, all holding the
        term). A phrase checks thousands of notes at once: the blocks are walked in
        order rather than looked up note by note."""
        all_docs, starts = self._all_docs, self._starts
        last_block = len(starts) - 1
        encoded = []
        block, start, values = -1, 0, ()
        following = 0  # where the block after the current one starts
        for at in map(bisect_left, repeat(all_docs), docs):
            if at >= following:
                block = bisect_right(starts, at) - 1
                start = starts[block]
                following = starts[block + 1] if block < last_block else len(all_docs)
                values = blocks.get(block)
                if values is None:
                    values = blocks[block] = self._block_values(block)
            encoded.append(values[at - start])
        return list(map(decode_positions, encoded))

    def _block_values(self, block: int) -> tuple:
        if self._inlined is not None:
            return self._inlined
        offset, length, compressed = self._locations[block]
        data = self._postfile.get(offset, length)
        return load_data(zlib.decompress(data) if compressed else data)[2]


# An encoded posting whose deltas are all one byte (nearly all): a 4-byte count, the
# list's start, then ``K`` and the byte per delta, one appended (``a``) or a batch
# (``(`` ... ``e``). Read here without slicing the count off first; anything else is
# ``decode_int_list``'s.
_ONE_DELTA_SIZE = 4 + len(LIST_START) + 4


def decode_positions(value: bytes) -> list[int]:
    """``Positions.decode_positions``: a count, then the pickled position deltas."""
    if value.startswith(LIST_START, 4):
        size = len(value)
        if size == _ONE_DELTA_SIZE and value[9] == BININT1 and value.endswith(b"a."):
            return [value[10]]
        if size > _ONE_DELTA_SIZE and value[9] == MARK and not size % 2 and value.endswith(b"e."):
            deltas = value[11:-2:2]
            if value[10:-2:2] == ONE_BYTE * len(deltas):
                return list(accumulate(deltas))
    return list(accumulate(decode_int_list(value[4:])))


# A W3 block is ``dumps((ids, weights, values), 2)``. With positions, ``values`` is a
# tuple of bytes, which protocol 2 writes as one ``_codecs.encode`` call each: this
# marks where that tuple starts. Cutting the pickle there (an empty tuple in its
# place) reads ids and weights 20-40x faster. The marker cannot occur earlier: ids
# and weights are only MARK, BININT*, BINFLOAT, TUPLE and BINPUT opcodes, and every
# 17-byte run of those contains an opcode byte the marker lacks.
_VALUES_START = b"(c_codecs\nencode\n"
_CLOSE_WITHOUT_VALUES = b")\x87."


# Ids and weights of 128 postings take at most 128 * (5 + 9) bytes of pickle: only that
# much of a block is decompressed first.
_IDS_AND_WEIGHTS_BYTES = 2048


def _ids_and_weights(data: bytes, compressed: int, count: int) -> tuple[tuple, object]:
    """(delta-encoded ids, weights) of one block's data, positions left packed.

    Only the head of a compressed block is decompressed, up to the marker of its
    values; without the marker (no positions), or when the cut does not hold the
    block's ``count`` ids, the whole block is decoded.
    """
    if compressed:
        decompressor = zlib.decompressobj()
        head = decompressor.decompress(data, _IDS_AND_WEIGHTS_BYTES)
        cut = head.find(_VALUES_START)
        if cut < 0 and not decompressor.eof:
            head += decompressor.decompress(decompressor.unconsumed_tail)
            cut = head.find(_VALUES_START)
    else:
        head = data
        cut = data.find(_VALUES_START)
    if cut >= 0:
        try:
            delta_ids, weights, _ = load_data(head[:cut] + _CLOSE_WITHOUT_VALUES)
        except (UnpicklingError, ValueError, TypeError):
            delta_ids = ()
        if len(delta_ids) == count:
            return delta_ids, weights
    delta_ids, weights, _ = load_data(zlib.decompress(data) if compressed else data)
    return delta_ids, weights


class Segment:
    """One segment of an open index: term lookups, postings and field lengths.

    ``offset`` turns its document numbers into the index's (what stored fields and
    results use): Whoosh numbers the documents of a multi-segment index segment after
    segment.
    """

    def __init__(self, files: SegmentFiles, offset: int) -> None:
        self.files = files
        self.offset = offset
        self.doc_count_all = files.doc_count_all
        self.deleted: frozenset[int] = files.deleted
        self.doc_count = self.doc_count_all - len(self.deleted)
        self._lengths: dict[str, bytes | None] = {}
        self._infos: dict[tuple[str, str], TermInfo | None] = {}

    def term_info(self, field: str, text: str) -> TermInfo | None:
        """The term's entry in the segment's term table (``None``: not here), looked
        up once: membership, frequency and postings all come from it."""
        key = (field, text)
        try:
            return self._infos[key]
        except KeyError:
            pass
        found = self._infos[key] = self.files.terms.term_info(field, text)
        return found

    def doc_frequency(self, field: str, text: str) -> int:
        """Postings of the term here, deleted documents included (Whoosh's estimate)."""
        info = self.term_info(field, text)
        return 0 if info is None else info.doc_frequency

    def postings(self, field: str, text: str) -> Postings | None:
        """The term's postings, or ``None`` when the segment does not have the term."""
        info = self.term_info(field, text)
        if info is None:
            return None
        if info.inlined is not None:
            ids, weights, values = info.inlined
            docs = list(ids)
            postings = Postings(docs, [float(w) for w in weights], docs, [0], [(0, 0, 0)],
                                None, tuple(values))
        else:
            postings = _read_postings(self.files.postfile, info)
        if self.deleted:
            _leave_out(postings, self.deleted)
        return postings

    def lengths(self, field: str) -> bytes | None:
        """The length byte of ``field`` for every document (``None``: no length column,
        where Whoosh's scorer counts every length as 1)."""
        if field not in self._lengths:
            self._lengths[field] = self.files.lengths(field)
        return self._lengths[field]


def _leave_out(postings: Postings, deleted: frozenset[int]) -> None:
    """Drop the deleted documents from ``postings.docs`` and ``weights`` (new lists:
    the blocks keep the full order). An update deletes a few notes from a large
    segment: they are found by bisection rather than by testing every posting."""
    docs, weights = postings.docs, postings.weights
    if len(deleted) * 16 < len(docs):
        gone = sorted(at for doc in deleted
                      if (at := bisect_left(docs, doc)) < len(docs) and docs[at] == doc)
        if not gone:
            return
        docs, weights = docs[:], weights[:]
        for at in reversed(gone):
            del docs[at], weights[at]
    else:
        kept = [i for i, doc in enumerate(docs) if doc not in deleted]
        docs, weights = [docs[i] for i in kept], [weights[i] for i in kept]
    postings.docs, postings.weights = docs, weights


def _read_postings(postfile, info: TermInfo) -> Postings:
    """Every block of the term's posting list, ids and weights only.

    The list is read in one go from the term info's extent and its blocks are parsed
    in memory (as ``W3LeafMatcher`` lays them out: the ``W3Bl`` tag, then per block a
    signed length, negative for the last block, the pickled block header and the
    block's data). Opening Whoosh's matcher instead read the tag and the first header
    a few bytes at a time, a dozen small reads per term and segment.
    """
    docs: list[int] = []
    weights: list[float] = []
    starts: list[int] = []
    locations: list[tuple[int, int, int]] = []
    base = info.offset
    region = postfile.get(base, info.length)
    if region[:_MAGIC_SIZE] != WHOOSH3_HEADER_MAGIC:
        raise IndexFormatError(f"bad postings tag at offset {base} of {postfile.name}: "
                               "rebuild the index with museumxtd-search index --full")
    reader = BytesIO(region)
    position = _MAGIC_SIZE
    while True:
        (length,) = _INT.unpack_from(region, position)
        last = length < 0
        length = -length if last else length
        reader.seek(position + _INT.size)
        count, _, _, compressed, _, _ = load_from(reader)
        start = reader.tell()
        end = position + _INT.size + length
        delta_ids, block_weights = _ids_and_weights(region[start:end], compressed, count)
        starts.append(len(docs))
        locations.append((base + start, end - start, compressed))
        docs += accumulate(delta_ids)
        if block_weights is None:
            weights += [1.0] * count
        elif isinstance(block_weights, float):
            weights += [block_weights] * count
        else:
            weights += block_weights
        if last:
            return Postings(docs, weights, docs, starts, locations, postfile)
        position = end


def leaf_segments(index: IndexFiles) -> list[Segment]:
    """The segments of ``index`` with their document number offsets."""
    return [Segment(files, offset) for files, offset in index.leaves()]
