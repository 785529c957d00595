"""Whoosh's BM25F scores, computed over whole posting lists instead of through its
matcher tree, to the last bit.

A query is a tree of ``Term``, ``Phrase`` and ``AnyOf`` (Whoosh's ``Term``, ``Phrase``
and ``Or``). Whoosh scores a document by walking a tree of matchers, adding floats in
an order that depends on the tree: floating-point addition is not associative, and an
equal-scores tie is broken by path, so the order of every addition is part of the
ranking. This module adds them in exactly Whoosh's order (``whoosh3==3.54.0``):

* a term scores ``idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))``,
  with ``fl`` the quantized field length, then times its boost when that is not 1;
* a phrase (``SpanNear2``: each word 1..slop positions after the previous one) scores
  the sum of its words' scores, added as a balanced binary tree, times its boost;
* an ``Or`` of two parts, or in a segment of more than 5,000 documents, adds its parts
  along a Huffman tree over their estimated sizes (``DefaultOr``); otherwise one after
  the other, in query order (``PreloadedOr``). The choice is made per segment.

A note a part does not match contributes 0.0, which changes no sum (scores are
positive), so a node's scores are a map ``note -> score`` and adding two nodes is a
merge: a dictionary while few notes match, a list with one slot per note of the
segment once many do (adding two lists is one C-level ``map``).

Phrases marked ``lazy`` (the proximity bonus) are the exception: deciding whether they
match needs positions, which are slow to decode for thousands of notes. They only add
to scores, so a lazy node carries two maps, ``low`` (no lazy phrase matches) and
``high`` (every lazy phrase that could match does), which bound the exact score
(addition of positive floats is monotonic); positions are then decoded only for the
notes that could still enter the shown results (see ``rank``).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, filterfalse, repeat
from operator import add as add_floats
from operator import getitem, neg
from typing import NamedTuple

from whoosh.matching import (
    ArrayUnionMatcher,
    FilterMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.scoring import BM25F
from whoosh.util import make_weighted_tree

from museumxtd_search.index.postings import (
    LENGTH_OF_BYTE,
    IndexStatistics,
    Postings,
    Segment,
)

# whoosh.query.Or._matcher (AUTO_MATCHER): an Or of fewer than OR_MAX_PARTS parts uses
# a tree of UnionMatchers when it has two parts or its segment more than
# OR_TREE_ABOVE_DOCUMENTS documents (deleted ones included), else an ArrayUnionMatcher.
OR_TREE_ABOVE_DOCUMENTS = 5000
OR_MAX_PARTS = 1024
# Whoosh's default weighting, the one GardenSearcher has always used.
_BM25F = BM25F()
# Scores of more than this share of a segment's notes are kept as a list, one slot per
# note (0.0 where absent); fewer as a dictionary.
DENSE_SHARE = 0.125
# What a searcher keeps for its next queries, counted in postings (about 80 bytes each:
# at most ~80 MB), least recently used dropped first: decoded posting lists, the scores
# of a term, of a phrase, and of one word in every field (BM25F's own "term"), never
# the scores of a whole query. A query decodes all of these once anyway; the browser
# client likewise keeps the posting files it has fetched. The 30 benchmark queries at
# 10,000 notes hold 600,000. 0 keeps nothing between queries.
CACHED_POSTINGS = 1_000_000


class Term(NamedTuple):
    field: str
    text: str
    boost: float = 1.0


class Phrase(NamedTuple):
    """The words in order, each 1..``slop`` positions after the previous one.

    ``lazy``: only ever adds to scores (the proximity bonus), so positions are checked
    only for notes that could reach the shown results.
    """

    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0
    lazy: bool = False


class AnyOf(NamedTuple):
    """Whoosh's ``Or`` (boost 1): the sum of the scores of the parts that match."""

    parts: tuple[Query, ...]


Query = Term | Phrase | AnyOf
NOTHING = AnyOf(())


# Scores of the notes of one segment: {local doc: score}, or a list with one score per
# local document (0.0: no match).
Values = dict[int, float] | list[float]


def dense(values: Values, size: int) -> list[float]:
    """``values`` as a list of ``size`` scores."""
    if isinstance(values, list):
        return values
    result = [0.0] * size
    for doc, score in values.items():
        result[doc] = score
    return result


def values_of(docs: list[int], scores: Iterable[float], size: int) -> Values:
    """The scores of ``docs`` (ascending), as a dictionary or a list by their share."""
    if len(docs) > size * DENSE_SHARE:
        result = [0.0] * size
        deque(map(result.__setitem__, docs, scores), maxlen=0)
        return result
    return dict(zip(docs, scores, strict=True))


def add(first: Values, second: Values, size: int) -> Values:
    """Per note ``first + second`` (a new map: inputs are shared, never changed). Float
    addition commutes, so loops run over the smaller map."""
    if isinstance(first, list) and isinstance(second, list):
        return list(map(add_floats, first, second))
    if isinstance(second, list):
        first, second = second, first
    if isinstance(first, dict):
        if len(first) < len(second):
            first, second = second, first
        if not second:
            return first
        if len(first) + len(second) <= size * DENSE_SHARE:
            merged = first.copy()
            for doc, score in second.items():
                if doc in merged:
                    merged[doc] += score
                else:
                    merged[doc] = score
            return merged
        first = dense(first, size)
    result = list(first)
    for doc, score in second.items():
        result[doc] += score  # 0.0 + score where absent
    return result


def _size_of(values: Values) -> int:
    return len(values) if isinstance(values, dict) else len(values) - values.count(0.0)


def docs_of(values: Values) -> Iterable[int]:
    """The notes with a score."""
    if isinstance(values, list):
        return compress(range(len(values)), values)
    return values.keys()


def getter(values: Values) -> Callable[[int], float]:
    """doc -> score (0.0 when absent)."""
    if isinstance(values, list):
        return values.__getitem__
    return lambda doc: values.get(doc, 0.0)


class Scores:
    """A query's scores in one segment (local document numbers).

    ``low`` is exact when ``high`` is ``None``; otherwise the query holds lazy phrases,
    ``low <= exact(doc) <= high`` and only ``exact`` decodes positions.
    """

    __slots__ = ("low", "high", "exact")

    def __init__(self, low: Values, high: Values | None = None,
                 exact: Callable[[int], float] | None = None) -> None:
        self.low = low
        self.high = high
        self.exact = exact

    def score_of(self) -> Callable[[int], float]:
        """doc -> exact score (0.0 when it does not match)."""
        return self.exact if self.exact is not None else getter(self.low)


def union(first: Scores | None, second: Scores | None, size: int) -> Scores | None:
    """UnionMatcher: ``a.score() + b.score()`` where both match, else the one that does."""
    if first is None:
        return second
    if second is None:
        return first
    low = add(first.low, second.low, size)
    if first.high is None and second.high is None:
        return Scores(low)
    high = add(first.low if first.high is None else first.high,
               second.low if second.high is None else second.high, size)
    score_a, score_b = first.score_of(), second.score_of()
    return Scores(low, high, lambda doc: score_a(doc) + score_b(doc))


def in_sequence(parts: list[Scores | None], size: int) -> Scores | None:
    """ArrayUnionMatcher: starting from 0, each part's score added in query order."""
    result = None
    for part in parts:
        result = union(result, part, size)
    return result


def huffman(parts: list[tuple[int, type, Scores | None]], size: int) -> Scores | None:
    """DefaultOr: whoosh.util.make_weighted_tree over (estimated size, part), which
    repeatedly joins the two smallest parts and inserts the join after the parts of
    equal size. Sizes tie often (0 for every absent term), and then Whoosh's sort
    compares the matchers themselves: ``Matcher.__lt__`` is ``type(other) is
    self.__class__``, so with Python's reflected comparisons a ``WrappingMatcher``
    sorts before a ``FilterMatcher`` or a ``SpanNear2Matcher`` (its subclasses) of the
    same size, and no other two matchers are ordered. The same function therefore sorts
    stand-ins of the very classes Whoosh's matchers would have (``matcher_class``)."""

    def join(first, second):
        return _stand_in(UnionMatcher, union(first.scores, second.scores, size))

    tree = make_weighted_tree(join, [(estimate, _stand_in(cls, scores))
                                     for estimate, cls, scores in parts])
    return tree.scores


def _stand_in(cls: type, scores: Scores | None):
    """An uninitialised ``cls`` instance: only its comparisons are used."""
    stand_in = object.__new__(cls)
    stand_in.scores = scores
    return stand_in


class SpanNear2Matcher(WrappingMatcher):
    """Stands for ``whoosh.query.spans.SpanNear2.SpanNear2Matcher`` (a subclass of
    ``WrappingMatcher`` through ``SpanWrappingMatcher``, related to no other matcher
    class) where only comparisons matter: importing ``whoosh.query`` would cost every
    query process tens of milliseconds."""


def _tree_sums(parts: list[Iterator[float]]) -> Iterator[float]:
    """Per note, make_binary_tree(IntersectionMatcher, ...).score() of the parts'
    scores: halves first, left + right."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return map(add_floats, _tree_sums(parts[:half]), _tree_sums(parts[half:]))


def phrase_occurs(positions: list[list[int]], slop: int) -> bool:
    """SpanNear2 (ordered, mindist 1): positions p0 < p1 < ... of the words with
    ``1 <= p(i+1) - p(i) <= slop``."""
    reachable = positions[0]
    for following in positions[1:]:
        if slop == 1:
            ends = set(reachable)
            reachable = [p for p in following if p - 1 in ends]
        else:
            kept = []
            at = 0
            count = len(reachable)
            for p in following:
                while at < count and reachable[at] < p - slop:
                    at += 1
                if at < count and reachable[at] <= p - 1:
                    kept.append(p)
            reachable = kept
        if not reachable:
            return False
    return True


class LengthNorms:
    """Per field and term frequency, ``(tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl /
    avgfl))`` for every length byte: BM25F without its idf, computed with the very
    operations of Whoosh's ``bm25()``, so that ``idf * ratio`` is its score (and
    ``idf * ratio * boost`` that score boosted)."""

    def __init__(self, statistics: IndexStatistics) -> None:
        self.statistics = statistics
        self._ratios: dict[tuple[str, float], list[float]] = {}

    def ratios(self, field: str, tf: float) -> list[float]:
        found = self._ratios.get((field, tf))
        if found is None:
            k1, b = _BM25F.K1, _BM25F._field_B.get(field, _BM25F.B)
            average = self.statistics.average_length(field)
            found = self._ratios[(field, tf)] = [
                (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average))
                for length in LENGTH_OF_BYTE]
        return found


class Leaf:
    """A term's scores in one segment: ``docs`` (local, ascending) and their ``values``."""

    __slots__ = ("docs", "values", "_doc_set")

    def __init__(self, docs: list[int], values: Values) -> None:
        self.docs = docs
        self.values = values
        self._doc_set: set[int] | None = None

    @property
    def doc_set(self) -> set[int]:
        if self._doc_set is None:
            self._doc_set = set(self.docs)
        return self._doc_set


class PhraseScores:
    """A phrase's score in one segment for each note holding all its words (lazy) or
    standing as the phrase (eager); for a lazy phrase, which notes were checked."""

    __slots__ = ("docs", "values", "checked")

    def __init__(self, docs: list[int], values: Values) -> None:
        self.docs = docs
        self.values = values
        self.checked: dict[int, bool] = {}


class DecodedCache:
    """What a searcher keeps between queries (see ``CACHED_POSTINGS``), by key, least
    recently used dropped first beyond ``limit`` postings."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._held = 0

    def get(self, key: tuple):
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: tuple, value: object, postings: int) -> None:
        if postings > self.limit:
            return
        self._entries[key] = (value, postings)
        self._held += postings
        while self._held > self.limit:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._held -= dropped


class SegmentScorer:
    """Evaluates queries in one segment. Within one search every term is decoded and
    scored once; across searches ``cache`` keeps them."""

    def __init__(self, segment: Segment, number: int, statistics: IndexStatistics,
                 norms: LengthNorms, cache: DecodedCache) -> None:
        self.segment = segment
        self.number = number
        self.size = segment.doc_count_all
        self.statistics = statistics
        self.norms = norms
        self.cache = cache
        self._memo: dict[tuple, object] = {}
        # Position blocks unpickled during this search (not kept: they are big).
        self._blocks: dict[tuple[str, str], dict[int, tuple]] = {}

    # --- postings --------------------------------------------------------------------
    def _kept(self, key: tuple, make: Callable[[], object], postings: Callable[[object], int]):
        if key in self._memo:
            return self._memo[key]
        cache_key = (self.number, *key)
        found = self.cache.get(cache_key)
        if found is None:
            found = make()
            if found is not None:
                self.cache.put(cache_key, found, postings(found))
        self._memo[key] = found
        return found

    def postings(self, field: str, text: str) -> Postings | None:
        return self._kept(("postings", field, text),
                          lambda: self.segment.postings(field, text),
                          lambda found: len(found.docs))

    def term_scores(self, field: str, text: str, boost: float = 1.0) -> Leaf | None:
        """Whoosh's BM25F score of the term for each note that has it (times ``boost``
        if not 1), or ``None`` when the segment lacks the term."""
        return self._kept(("scores", field, text, boost),
                          lambda: self._score(field, text, boost),
                          lambda found: len(found.docs))

    def _score(self, field: str, text: str, boost: float) -> Leaf | None:
        postings = self.postings(field, text)
        if postings is None:
            return None
        docs = postings.docs
        lengths = self.segment.lengths(field)
        # No length column: Whoosh's scorer takes length 1 (byte 1 is length 1).
        length_bytes = (map(lengths.__getitem__, docs) if lengths is not None
                        else repeat(1, len(docs)))
        idf = self.statistics.idf(field, text)

        def table(tf: float) -> list[float]:
            """The term's score at frequency ``tf``, for every length byte."""
            ratios = self.norms.ratios(field, tf)
            if boost == 1.0:
                return [idf * ratio for ratio in ratios]
            return [idf * ratio * boost for ratio in ratios]

        frequencies = set(postings.weights)
        if len(docs) < len(LENGTH_OF_BYTE):  # fewer postings than a table has entries
            ratios = self.norms.ratios
            scores = [idf * ratios(field, tf)[length]
                      for tf, length in zip(postings.weights, length_bytes, strict=True)]
            if boost != 1.0:
                scores = [score * boost for score in scores]
        elif len(frequencies) == 1:
            scores = map(table(frequencies.pop()).__getitem__, length_bytes)
        else:
            tables = {tf: table(tf) for tf in frequencies}
            scores = map(getitem, map(tables.__getitem__, postings.weights), length_bytes)
        return Leaf(docs, values_of(docs, scores, self.size))

    def positions(self, field: str, text: str, doc: int) -> list[int]:
        postings = self.postings(field, text)
        assert postings is not None
        blocks = self._blocks.get((field, text))
        if blocks is None:
            blocks = self._blocks[(field, text)] = {}
        return postings.positions(doc, blocks)

    # --- Whoosh's estimate_size and matcher classes ------------------------------------
    def estimate(self, query: Query) -> int:
        if isinstance(query, Term):
            return self.segment.doc_frequency(query.field, query.text)
        if isinstance(query, Phrase):
            return min(self.segment.doc_frequency(query.field, w) for w in query.words)
        return min(sum(self.estimate(part) for part in query.parts), self.segment.doc_count)

    def matcher_class(self, query: Query) -> type:
        """The class of the matcher Whoosh builds for the query here (see ``huffman``)."""
        segment = self.segment
        if isinstance(query, Term):
            if not segment.has_term(query.field, query.text):
                return NullMatcherClass
            if query.boost != 1.0:
                return WrappingMatcher
            if segment.deleted:
                return FilterMatcher
            return segment.leaf_matcher_class(query.field, query.text)
        if isinstance(query, Phrase):
            if not all(segment.has_term(query.field, w) for w in query.words):
                return NullMatcherClass
            return WrappingMatcher if query.boost != 1.0 else SpanNear2Matcher
        if not query.parts:
            return NullMatcherClass
        if len(query.parts) == 1:
            return self.matcher_class(query.parts[0])
        return UnionMatcher if self._adds_along_a_tree(query) else ArrayUnionMatcher

    def _adds_along_a_tree(self, query: AnyOf) -> bool:
        return len(query.parts) < OR_MAX_PARTS and (
            len(query.parts) == 2 or self.segment.doc_count_all > OR_TREE_ABOVE_DOCUMENTS)

    # --- scores ----------------------------------------------------------------------
    def evaluate(self, query: Query, parts: list[Scores | None] | None = None
                 ) -> Scores | None:
        """The query's scores (``None`` where Whoosh's matcher is a NullMatcher or
        matches nothing). ``parts``: the already evaluated parts of an ``AnyOf``."""
        if isinstance(query, Term):
            leaf = self.term_scores(query.field, query.text, query.boost)
            return Scores(leaf.values) if leaf is not None and leaf.docs else None
        if isinstance(query, Phrase):
            return self.phrase(query)
        if not query.parts:
            return None
        if parts is None and len(query.parts) > 1 and all(
                isinstance(part, Term) or (isinstance(part, Phrase) and not part.lazy)
                for part in query.parts):
            # One word in every field: its BM25F scores, a leaf in all but Whoosh's
            # form, so a searcher keeps them as it keeps a term's.
            return self._kept(("word", query), lambda: self._add_parts(query, None),
                              lambda found: _size_of(found.low))
        return self._add_parts(query, parts)

    def _add_parts(self, query: AnyOf, parts: list[Scores | None] | None) -> Scores | None:
        if parts is None:
            parts = [self.evaluate(part) for part in query.parts]
        if len(query.parts) == 1:
            return parts[0]
        if self._adds_along_a_tree(query):
            return huffman([(self.estimate(part), self.matcher_class(part), scores)
                            for part, scores in zip(query.parts, parts, strict=True)],
                           self.size)
        return in_sequence(parts, self.size)

    def phrase(self, query: Phrase) -> Scores | None:
        found = self._kept(("phrase", query), lambda: self._phrase_scores(query),
                           lambda found: len(found.docs))
        if found is None:
            return None
        if not query.lazy:
            return Scores(found.values)
        score_if_matched = getter(found.values)
        checked = found.checked

        def exact(doc: int) -> float:
            score = score_if_matched(doc)
            if not score:
                return 0.0
            occurs = checked.get(doc)
            if occurs is None:
                occurs = checked[doc] = bool(self.phrase_docs(query, [doc]))
            return score if occurs else 0.0

        return Scores({}, found.values, exact)

    def _phrase_scores(self, query: Phrase) -> PhraseScores | None:
        leaves = [self.term_scores(query.field, w) for w in query.words]
        if any(leaf is None for leaf in leaves):
            return None
        smallest = min(leaves, key=lambda leaf: len(leaf.docs))
        candidates = sorted(smallest.doc_set.intersection(
            *(leaf.doc_set for leaf in leaves if leaf is not smallest)))
        if not query.lazy:
            candidates = self.phrase_docs(query, candidates)
        if not candidates:
            return None
        scores = _tree_sums([map(getter(leaf.values), candidates) for leaf in leaves])
        if query.boost != 1.0:
            scores = map(query.boost.__rmul__, scores)
        return PhraseScores(candidates, values_of(candidates, scores, self.size))

    def phrase_docs(self, query: Phrase, candidates: list[int]) -> list[int]:
        """The candidates (holding every word) where the words stand as the phrase says."""
        field, words, slop = query.field, query.words, query.slop
        positions = self.positions
        return [doc for doc in candidates
                if phrase_occurs([positions(field, w, doc) for w in words], slop)]

    # --- matching only -----------------------------------------------------------------
    def docs(self, query: Query) -> set[int]:
        """Local numbers of the notes the query matches (``docs_for_query``)."""
        if isinstance(query, Term):
            postings = self.postings(query.field, query.text)
            return set(postings.docs) if postings is not None else set()
        if isinstance(query, Phrase):
            sets = [self.docs(Term(query.field, w)) for w in query.words]
            return set(self.phrase_docs(query, sorted(sets[0].intersection(*sets[1:]))))
        found: set[int] = set()
        for part in query.parts:
            found |= self.docs(part)
        return found


class Matches(NamedTuple):
    """What a search needs to rank, over the whole index: per unit the notes it
    matches, and the scores of the whole query (``low``/``high``/``exact`` as in
    ``Scores``; ``low`` and ``high`` one slot per note)."""

    unit_docs: list[set[int]]
    low: list[float]
    high: list[float]
    uncertain: set[int]
    exact: Callable[[int], float]


class IndexScorer:
    """Scores queries over every segment of an open index."""

    def __init__(self, segments: list[Segment], statistics: IndexStatistics) -> None:
        self.segments = segments
        self.statistics = statistics
        self.norms = LengthNorms(statistics)
        self.cache = DecodedCache(CACHED_POSTINGS)
        self.size = sum(segment.doc_count_all for segment in segments)
        self._offsets = [segment.offset for segment in segments]

    def scorers(self) -> list[SegmentScorer]:
        """One scorer per segment, for one search."""
        return [SegmentScorer(segment, number, self.statistics, self.norms, self.cache)
                for number, segment in enumerate(self.segments)]

    def docs(self, query: Query, scorers: list[SegmentScorer] | None = None) -> set[int]:
        """Numbers of the notes the query matches."""
        found: set[int] = set()
        for scorer in scorers or self.scorers():
            offset = scorer.segment.offset
            docs = scorer.docs(query)
            found |= docs if not offset else {doc + offset for doc in docs}
        return found

    def matches(self, units: list[Query], bonus: Query | None,
                scorers: list[SegmentScorer]) -> Matches:
        """Score ``AnyOf(units + [bonus])`` (the bonus' phrases lazy) and record which
        notes each unit matches."""
        parts = (*units, bonus) if bonus is not None else tuple(units)
        top = AnyOf(tuple(parts))
        unit_docs: list[set[int]] = [set() for _ in units]
        low = [0.0] * self.size
        high = low
        uncertain: set[int] = set()
        exact_of_segment: list[Callable[[int], float]] = []
        for scorer in scorers:
            offset, size = scorer.segment.offset, scorer.size
            evaluated = [scorer.evaluate(part) for part in parts]
            for docs, scores in zip(unit_docs, evaluated, strict=False):
                if scores is not None:
                    docs.update(_shifted(docs_of(scores.low), offset))
            if bonus is not None and evaluated[-1] is not None:
                uncertain.update(_shifted(docs_of(evaluated[-1].high), offset))
            scores = scorer.evaluate(top, evaluated)
            if scores is None:
                exact_of_segment.append(lambda doc: 0.0)
                continue
            low[offset:offset + size] = dense(scores.low, size)
            if scores.high is not None:
                if high is low:
                    high = list(low)
                high[offset:offset + size] = dense(scores.high, size)
            elif high is not low:
                high[offset:offset + size] = low[offset:offset + size]
            exact_of_segment.append(_shift_argument(scores.score_of(), offset))
        offsets = self._offsets

        def exact(doc: int) -> float:
            return exact_of_segment[bisect_right(offsets, doc) - 1](doc)

        return Matches(unit_docs, low, high, uncertain, exact)


def _shifted(docs: Iterable[int], offset: int) -> Iterable[int]:
    return docs if not offset else (doc + offset for doc in docs)


def _shift_argument(function: Callable[[int], float], offset: int) -> Callable[[int], float]:
    return function if not offset else (lambda doc: function(doc - offset))


def rank(matches: Matches, allowed: set[int] | None, excluded: set[int],
         title_docs: set[int], boosts: dict[int, float], limit: int,
         paths: Callable[[list[int]], dict[int, str]]) -> tuple[int, list[tuple[int, float]]]:
    """(how many notes match, the first ``limit`` in ranking order with their exact
    scores), keeping the notes of ``allowed`` (when given) outside ``excluded``.

    Order: more units matched first; among those, notes whose title is the query; then
    score times boost, highest first; then path. Whole groups of (units, title) are
    taken while they fit. In the group that does not, notes are taken by decreasing
    ``high`` score, their lazy phrases checked, until the next ``high`` falls below the
    exact score of the group's last shown place: no later note can reach it. ``paths``
    reads the paths of notes tied on everything else.
    """
    low, high, uncertain, exact = matches.low, matches.high, matches.uncertain, matches.exact
    # Notes only the bonus could match (none so far: each bonus word is a unit too).
    bonus_only = [doc for doc in filterfalse(low.__getitem__, uncertain) if exact(doc) > 0]
    if allowed is None and not excluded:
        docs = None  # every scored note: no set of them is needed
        total = len(low) - low.count(0.0) + len(bonus_only)
    else:
        docs = set(compress(range(len(low)), low)).union(bonus_only)
        if allowed is not None:
            docs &= allowed
        docs -= excluded
        total = len(docs)

    def exact_score(doc: int) -> float:
        score = exact(doc) if doc in uncertain else low[doc]
        return score * boosts[doc] if doc in boosts else score

    shown: list[tuple[int, float]] = []
    remaining = limit if limit >= 0 else total + limit  # as ranked[:limit] would slice
    groups = _groups(docs, matches.unit_docs, bonus_only, title_docs)
    while remaining > 0:  # the next group is only worked out when still needed
        group = next(groups, None)
        if group is None:
            break
        if len(group) <= remaining:
            scored = [(doc, exact_score(doc)) for doc in group]
        else:
            scored = _best_of_group(group, remaining, low, high, uncertain, boosts,
                                    exact_score)
        best = _by_score_then_path(scored, remaining, paths)
        shown += best
        remaining -= len(best)
    return total, shown


def _best_of_group(group: list[int], count: int, low: list[float],
                   high: list[float], uncertain: set[int], boosts: dict[int, float],
                   exact_score: Callable[[int], float]) -> list[tuple[int, float]]:
    """(doc, exact score) of every note of ``group`` that may be among its ``count``
    best or tied with the last of them; the others are left out unchecked."""
    lows = list(map(low.__getitem__, group))
    highs = list(map(high.__getitem__, group)) if uncertain else lows
    if boosts:
        lows = [score * boosts.get(doc, 1.0) for doc, score in zip(group, lows, strict=True)]
        highs = [score * boosts.get(doc, 1.0) for doc, score in zip(group, highs, strict=True)]
    # The count-th best low score: the exact scores of the count best are at least this.
    floor = heapq.nlargest(count, lows)[-1]
    # Highest bound first, as a heap: usually only a few are ever popped.
    order = list(compress(zip(map(neg, highs), group, strict=True),
                          map(floor.__le__, highs)))
    heapq.heapify(order)
    found: list[tuple[int, float]] = []
    best: list[float] = []  # min-heap of the count best exact scores so far
    while order:
        bound, doc = heapq.heappop(order)
        if len(best) == count and -bound < best[0]:
            break
        score = exact_score(doc)
        found.append((doc, score))
        if len(best) < count:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    return found


def _groups(docs: set[int] | None, unit_docs: list[set[int]], bonus_only: list[int],
            title_docs: set[int]) -> Iterator[list[int]]:
    """The notes (``docs``; ``None``: all that any unit or the bonus matches) by (units
    matched, title is the query), best group first."""
    def split(group: set[int]) -> Iterator[list[int]]:
        titled = group & title_docs
        if titled:
            yield list(titled)
        rest = group - titled if titled else group
        if rest:
            yield list(rest)

    every = (docs.intersection if docs is not None else unit_docs[0].intersection)(
        *unit_docs)
    yield from split(every)
    if docs is None:
        docs = set().union(*unit_docs, bonus_only)
    if len(every) == len(docs):
        return
    counts = Counter()
    for unit in unit_docs:
        counts.update(unit & docs)
    by_count: dict[int, set[int]] = {}
    for doc in docs - every:
        by_count.setdefault(counts[doc], set()).add(doc)
    for count in sorted(by_count, reverse=True):
        yield from split(by_count[count])


def _by_score_then_path(scored: list[tuple[int, float]], count: int,
                        paths: Callable[[list[int]], dict[int, str]]
                        ) -> list[tuple[int, float]]:
    """The ``count`` best (doc, score): highest score first, equal scores by path."""
    scored.sort(key=lambda item: -item[1])
    if len(scored) > count:
        last = scored[count - 1][1]
        end = count
        while end < len(scored) and scored[end][1] == last:
            end += 1
        scored = scored[:end]
    tied = []
    start = 0
    while start < len(scored):
        stop = start + 1
        while stop < len(scored) and scored[stop][1] == scored[start][1]:
            stop += 1
        if stop - start > 1:
            tied.append((start, stop))
        start = stop
    if tied:
        known = paths([doc for start, stop in tied for doc, _ in scored[start:stop]])
        for start, stop in tied:
            scored[start:stop] = sorted(scored[start:stop], key=lambda item: known[item[0]])
    return scored[:count]
