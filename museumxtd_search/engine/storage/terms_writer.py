"""A Whoosh segment writer for documents whose terms are already analysed.

Our analysis (``museumxtd_search.analysis``) produces each field's terms; handing them
to Whoosh as space-joined text made Whoosh split them again, build a token object
per word and group positions, and, when the segment is written, read every posting's
field length back from the segment just written. At 10,000 notes that was a third of
a full build. ``TermsWriter`` takes the term lists directly and keeps the field
lengths in memory for that final step.

It produces the same segment as Whoosh's own ``SegmentWriter`` given the joined text
(same postings, weights, encoded positions, field lengths and stored fields):
``tests/test_index_segments.py`` compares the two, term by term. It relies on the
internals of the pinned ``whoosh3`` version: ``add_document``'s per-document writer
calls and ``_flush_segment``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence

from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from museumxtd_search.engine.storage.postings_writer import write_postings

Posting = tuple[bytes, int, float, bytes]
# Positions.encode([p]) by position p: the encoding of a term found once in a field.
_ONE_POSITION: dict[int, bytes] = {}


def field_postings(field, value: str | Sequence[str],
                   joined: Sequence[tuple[int, str]] = ()) -> Iterator[Posting]:
    """(term bytes, frequency, weight, encoded value) per distinct term of ``value``,
    exactly as ``field.index(" ".join(value))`` gives them for our space-separated fields,
    plus the ``joined`` terms (``AnalyzedNote.joined``: a term and the position it
    shares with another, which plain text cannot say). Text values (paths, keys) go
    through the field itself."""
    if isinstance(value, str):
        yield from field.index(value)
        return
    format_ = field.format
    boost = format_.field_boost
    if type(format_) is Positions:
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for position, term in enumerate(value):
            positions[term].append(position)
        for position, term in joined:
            positions[term].append(position)
        encode = format_.encode
        for term, found in positions.items():
            if len(found) == 1:  # most postings: their few encodings are reused
                encoded = _ONE_POSITION.get(found[0])
                if encoded is None:
                    encoded = _ONE_POSITION[found[0]] = encode(found)
                yield term.encode("utf-8"), 1, boost, encoded
            else:
                if joined:  # a joined term's position may come after others
                    found.sort()
                yield term.encode("utf-8"), len(found), float(len(found)) * boost, encode(found)
    elif type(format_) is Frequency:
        counts = Counter(value)
        counts.update(term for _, term in joined)
        for term, count in counts.items():
            yield term.encode("utf-8"), count, float(count) * boost, pack_uint(count)
    else:
        yield from field.index(" ".join(value))


class _Lengths:
    """Each document's field lengths as the segment stores them (one lossy byte),
    answering ``add_postings`` from memory instead of from the file just written.

    Documents this writer did not add itself (merged in from older segments on
    commit) are looked up in the segment's file, as Whoosh does.
    """

    def __init__(self) -> None:
        self.by_field: defaultdict[str, dict[int, int]] = defaultdict(dict)
        self.stored: Callable[[], object] | None = None
        self._reader = None

    def add(self, fieldname: str, docnum: int, length: int) -> None:
        self.by_field[fieldname][docnum] = byte_to_length(length_to_byte(length))

    def doc_field_length_reader(self, fieldname: str) -> Callable[[int], int | None]:
        known = self.by_field[fieldname]
        stored_reader = None

        def length(docnum: int) -> int | None:
            nonlocal stored_reader
            found = known.get(docnum)
            if found is not None:
                return found
            if stored_reader is None:
                stored_reader = self._stored().doc_field_length_reader(fieldname)
            return stored_reader(docnum)

        return length

    def _stored(self):
        if self._reader is None:
            assert self.stored is not None
            self._reader = self.stored()
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


class _GroupedPostings:
    """Stands in for Whoosh's posting pool: postings grouped by (field, term) as they
    arrive, so writing the segment sorts the distinct terms (tens of thousands) rather
    than every posting (millions). Everything stays in memory, as Whoosh's pool does
    with our memory limit."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, bytes], list[tuple[int, float, bytes | None]]] = {}
        self.fieldnames: set[str] = set()
        self._unsorted: set[tuple[str, bytes]] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting (Whoosh's merges add them one by one, in any order)."""
        fieldname, term, docnum, weight, value = item
        self.fieldnames.add(fieldname)
        group = self.groups.setdefault((fieldname, term), [])
        if group and group[-1][0] > docnum:
            self._unsorted.add((fieldname, term))
        group.append((docnum, weight, value))

    def add_document_postings(self, fieldname: str, docnum: int,
                              postings: Iterator[Posting]) -> int:
        """Add one document's postings for one field (documents arrive in docnum
        order); return the field's length (the sum of frequencies)."""
        groups = self.groups
        length = 0
        for term, frequency, weight, encoded in postings:
            length += frequency
            key = (fieldname, term)
            group = groups.get(key)
            if group is None:
                groups[key] = [(docnum, weight, encoded)]
            else:
                group.append((docnum, weight, encoded))
        self.fieldnames.add(fieldname)
        return length

    def iter_terms(self) -> Iterator[tuple[str, bytes, list[tuple[int, float, bytes | None]]]]:
        """(field, term, postings in document order), sorted by field then term."""
        for key in sorted(self.groups):
            group = self.groups[key]
            if key in self._unsorted:
                group.sort(key=lambda posting: posting[0])
            yield key[0], key[1], group

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """The same postings one by one, as Whoosh's ``add_postings`` takes them."""
        for fieldname, term, group in self.iter_terms():
            for docnum, weight, value in group:
                yield fieldname, term, docnum, weight, value

    def cleanup(self) -> None:
        self.groups.clear()


class TermsWriter(SegmentWriter):
    """``SegmentWriter`` whose ``add_document`` also accepts term lists for indexed
    fields (see the module docstring). Other values are handled as Whoosh does.

    Posting lists are written term by term (``postings_writer``); ``whoosh_postings``
    hands them to Whoosh's own writer instead, posting by posting, which the tests
    compare with it."""

    whoosh_postings = False

    def __init__(self, ix, **kwargs) -> None:
        # zlib level 1 compresses posting blocks as small as Whoosh's default level 3
        # here (within 2 %) and writes them 20 % faster.
        kwargs.setdefault("codec", W3Codec(compression=1))
        super().__init__(ix, **kwargs)
        self.pool = _GroupedPostings()
        self._lengths = _Lengths()

    def add_document(self, **fields) -> None:
        self._check_state()
        schema = self.schema
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        # ``schema.document``'s joined terms: indexed, but not words of the field's
        # length (a synonym at the position of a word already counted).
        joined = fields.get("_joined") or {}
        perdocwriter.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                extra = joined.get(name, ())
                length = pool.add_document_postings(name, docnum,
                                                    field_postings(field, value, extra))
                length -= len(extra)
                if not field.scorable:
                    length = 0
            perdocwriter.add_field(name, field, value if field.stored else None, length)
            if length:
                self._lengths.add(name, docnum, length)
            if field.column_type is not None:
                perdocwriter.add_column_value(name, field.column_type,
                                              field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self._lengths if self.codec.length_stats else None
        self._lengths.stored = self.per_document_reader
        try:
            if self.whoosh_postings:
                self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            else:
                write_postings(self.fieldwriter, self.schema, lengths, self.pool.iter_terms())
        finally:
            self._lengths.close()
        self.fieldwriter.close()
