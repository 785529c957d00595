"""BM25F, the formula: collection statistics and the length norm of a term's score.

A term found ``tf`` times in a field of (quantized) length ``fl`` scores::

    idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

with ``idf = ln(N / (df + 1)) + 1``, ``N`` the notes indexed, ``df`` those holding the
term in the field, ``avgfl`` the field's average length (1 when 0), ``K1`` and ``B``
from ``rules`` (Whoosh's defaults). The operations are written in this order here and
in the browser's engine (``site_templates/static/engine/scoring.js``), so both give
the same floats. Whoosh computes the same formula; the tests hold our statistics to
its own.
"""

from __future__ import annotations

from math import log

from museumxtd_search.engine.storage.postings import LENGTH_OF_BYTE, Segment
from museumxtd_search.rules import BM25_B, BM25_K1


class IndexStatistics:
    """The collection statistics of BM25F: the number of notes, each term's document
    frequency, each field's average length.

    Given ``live`` (the build's ``statistics.json``: notes indexed and each field's
    exact total length), deleted documents count nowhere: document frequencies leave
    them out (segments with deletions count their postings), so an updated index ranks
    like a full build of the same notes. Without it they are Whoosh's own
    (``WeightingModel.idf``, ``Searcher.avg_field_length``), which keep a deleted
    document until its segment is merged away, and total merged segments' field lengths
    from the one-byte (lossy) lengths they store.
    """

    def __init__(self, segments: list[Segment], live: dict | None = None) -> None:
        self.segments = segments
        self.live = live
        self.doc_count_all = (live["documents"] if live is not None
                              else sum(s.doc_count_all for s in segments))
        self._idf: dict[tuple[str, str], float] = {}
        self._average: dict[str, float] = {}

    def idf(self, field: str, text: str) -> float:
        found = self._idf.get((field, text))
        if found is None:
            if self.live is None:  # Whoosh's reader.doc_frequency: deleted ones included
                frequency = sum(s.doc_frequency(field, text) for s in self.segments)
            else:
                frequency = sum(self._live_frequency(segment, field, text)
                                for segment in self.segments)
            found = self._idf[(field, text)] = log(self.doc_count_all / (frequency + 1)) + 1
        return found

    @staticmethod
    def _live_frequency(segment: Segment, field: str, text: str) -> int:
        if not segment.deleted:
            return segment.doc_frequency(field, text)
        postings = segment.postings(field, text)
        return len(postings.docs) if postings is not None else 0

    def average_length(self, field: str) -> float:
        """The field's average length, 1 when it is 0."""
        found = self._average.get(field)
        if found is None:
            total = (self.live["field_lengths"].get(field, 0) if self.live is not None
                     else sum(s.files.field_lengths.get(field, 0) for s in self.segments))
            found = self._average[field] = (total / (self.doc_count_all or 1)) or 1
        return found


class LengthNorms:
    """Per field and term frequency, the norm ``(tf * (K1 + 1)) / (tf + K1 * ((1 - B) +
    B * fl / avgfl))`` for every length byte: a term's score is ``idf * norm`` (times its
    boost). Computed once per searcher, field and frequency."""

    def __init__(self, statistics: IndexStatistics) -> None:
        self.statistics = statistics
        self._norms: dict[tuple[str, float], list[float]] = {}

    def norms(self, field: str, tf: float) -> list[float]:
        found = self._norms.get((field, tf))
        if found is None:
            k1, b = BM25_K1, BM25_B
            average = self.statistics.average_length(field)
            found = self._norms[(field, tf)] = [
                (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average))
                for length in LENGTH_OF_BYTE]
        return found
