"""Write a segment's posting lists and term dictionary the way whoosh3's W3 codec does,
one term at a time instead of one posting at a time.

Whoosh's ``FieldWriter.add_postings`` walks every posting through five method calls
(``add``, ``add_posting`` with its type assertions, block statistics, ``finish_term``,
``_write_block``), writes each block in four small writes and asks the file for its
position at every step. On the 199-note corpus that was half of a full build: about
75 µs per term for 6,400 terms. Here each term's blocks are built from its grouped
postings (``terms_writer._GroupedPostings``) and written in one call.

The bytes are Whoosh's, term by term: ``tests/test_index_segments.py`` writes the same
postings through both and compares the segment files byte for byte. The rules
followed are those of the pinned ``whoosh3==3.54.0``:

* ``W3PostingsWriter``: a posting list is the magic ``W3Bl``, then blocks of at most
  ``blocklimit`` postings, each ``int(length)`` (negative for the last block), a
  pickled info tuple ``(count, last id, max weight, compression, min length byte,
  max length byte)`` and the pickled ``(delta ids, weights, values)``, compressed
  from ``COMPRESSION_MIN_SIZE`` bytes; weights are stored as float32, minified to
  ``None`` (all 1.0) or one value (all equal); empty values are left out;
* ``W3TermInfo.to_bytes``: ``!BfIBBfII`` totals then the list's offset and length,
  keyed by the field number (``!H``) and the term's bytes in the terms table.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Iterable
from itertools import pairwise
from pickle import dumps

from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

# (document number, weight, encoded value or None), in document order.
Posting = tuple[int, float, "bytes | None"]

_TERM_INFO = W3TermInfo._struct


def write_postings(fieldwriter, schema, lengths,
                   terms: Iterable[tuple[str, bytes, list[Posting]]]) -> None:
    """Write ``terms`` ((field, term bytes, postings), sorted by field then term) into a
    ``W3FieldWriter``, as its ``add_postings`` would write the same postings one by one.

    ``lengths`` answers ``doc_field_length_reader(field)`` (Whoosh's contract), or is
    ``None`` when the codec keeps no length statistics.
    """
    codec = fieldwriter._codec
    blocklimit, compression = codec._blocklimit, codec._compression
    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    write, add_term = postfile.write, tindex.add
    offset = postfile.tell()
    current = None
    for fieldname, term, postings in terms:
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            key_prefix = pack_ushort(fieldwriter._fieldid)
            size = fieldobj.format.fixed_value_size()
            length_of = _length_reader(lengths, fieldname)
            current = fieldname
        data = _posting_list(postings, length_of, size, blocklimit, compression)
        write(data.body)
        add_term(key_prefix + term, data.term_info(offset))
        offset += len(data.body)
    if current is not None:
        fieldwriter.finish_field()


def _length_reader(lengths, fieldname: str) -> Callable[[int], int | None]:
    if lengths is None:
        return lambda docnum: 0
    return lengths.doc_field_length_reader(fieldname)


class _PostingList:
    """One term's bytes in the posting file and its statistics for the term info."""

    __slots__ = ("body", "weight", "df", "minlength", "maxlength", "maxweight", "minid",
                 "maxid")

    def __init__(self) -> None:
        self.body = b""
        self.weight = 0
        self.df = 0
        self.minlength: int | None = None
        self.maxlength = 0
        self.maxweight = 0
        self.minid: int | None = None
        self.maxid = 0

    def term_info(self, offset: int) -> bytes:
        """``W3TermInfo.to_bytes`` of a list written at ``offset``."""
        return _TERM_INFO.pack(
            0, self.weight, self.df,
            0 if self.minlength is None else length_to_byte(self.minlength),
            length_to_byte(self.maxlength), self.maxweight,
            0xFFFFFFFF if self.minid is None else self.minid,
            0xFFFFFFFF if self.maxid is None else self.maxid,
        ) + pack_long(offset) + pack_int(len(self.body))


def _posting_list(postings: list[Posting], length_of: Callable[[int], int | None],
                  fixed_size: int | None, blocklimit: int, compression: int) -> _PostingList:
    listing = _PostingList()
    parts = [WHOOSH3_HEADER_MAGIC]
    count = len(postings)
    for start in range(0, count, blocklimit):
        block = postings[start:start + blocklimit]
        ids = [posting[0] for posting in block]
        raw_weights = [posting[1] for posting in block]
        weights = array("f", raw_weights)
        values = [posting[2] for posting in block if posting[2]]
        found = [length for length in map(length_of, ids) if length]
        minlength = min(found) if found else None
        maxlength = max(found) if found else 0
        maxweight = max(raw_weights)
        if not maxweight > 0:  # Whoosh's running maximum starts at the integer 0
            maxweight = 0

        listing.weight += sum(weights)
        listing.df += len(block)
        if listing.minlength is None:
            listing.minlength = minlength
        elif minlength is not None:
            listing.minlength = min(listing.minlength, minlength)
        listing.maxlength = max(listing.maxlength, maxlength)
        listing.maxweight = max(listing.maxweight, maxweight)
        if listing.minid is None:
            listing.minid = ids[0]
        listing.maxid = ids[-1]

        data = dumps((_delta_ids(ids), _mini_weights(weights),
                      _mini_values(values, fixed_size)), 2)
        level = compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps((len(ids), ids[-1], maxweight, level, length_to_byte(minlength),
                      length_to_byte(maxlength)), 2)
        length = len(info) + len(data)
        parts += (pack_int(-length if start + blocklimit >= count else length), info, data)
    listing.body = b"".join(parts)
    return listing


def _delta_ids(ids: list[int]) -> tuple[int, ...]:
    return (ids[0], *(b - a for a, b in pairwise(ids)))


def _mini_weights(weights: array) -> object:
    first = weights[0]
    if first == 1.0 and all(w == 1.0 for w in weights):
        return None
    if all(w == first for w in weights):
        return first
    return tuple(weights)


def _mini_values(values: list[bytes], fixed_size: int | None) -> object:
    if fixed_size is None or fixed_size < 0:
        return tuple(values)
    if fixed_size == 0:
        return None
    return b"".join(values)
