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
positive), so every node is a sparse map ``note -> score`` and adding two nodes is a
dictionary merge.

Phrases marked ``lazy`` (the proximity bonus) are the exception: deciding whether they
match needs positions, which are slow to decode for thousands of notes. They only add
to scores, so a lazy node carries two maps, ``low`` (no lazy phrase matches) and
``high`` (every lazy phrase that could match does), which bound the exact score
(addition of positive floats is monotonic); positions are then decoded only for the
notes that could still enter the shown results (see ``select``).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from operator import add as add_floats
from operator import getitem

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


@dataclass(frozen=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """The words in order, each 1..``slop`` positions after the previous one.

    ``lazy``: only ever adds to scores (the proximity bonus), so positions are checked
    only for notes that could reach the shown results.
    """

    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0
    lazy: bool = False


@dataclass(frozen=True)
class AnyOf:
    """Whoosh's ``Or`` (boost 1): the sum of the scores of the parts that match."""

    parts: tuple[Query, ...]


Query = Term | Phrase | AnyOf
NOTHING = AnyOf(())


class Scores:
    """A query's scores in one segment (global document numbers).

    ``low`` is exact when ``high`` is ``None``; otherwise the query holds lazy phrases,
    ``low <= exact(doc) <= high`` and only ``exact`` decodes positions.
    """

    __slots__ = ("low", "high", "exact")

    def __init__(self, low: dict[int, float], high: dict[int, float] | None = None,
                 exact: Callable[[int], float] | None = None) -> None:
        self.low = low
        self.high = high
        self.exact = exact

    def score_of(self) -> Callable[[int], float]:
        """doc -> exact score (0.0 when it does not match)."""
        return self.exact if self.exact is not None else partial(_get_or_zero, self.low)


def _get_or_zero(scores: dict[int, float], doc: int) -> float:
    return scores.get(doc, 0.0)


def add(first: dict[int, float], second: dict[int, float]) -> dict[int, float]:
    """Per note ``first + second`` (a new map; float addition commutes, so the loop
    runs over the smaller map)."""
    if len(first) < len(second):
        first, second = second, first
    if not second:
        return first
    result = first.copy()
    for doc, score in second.items():
        if doc in result:
            result[doc] += score
        else:
            result[doc] = score
    return result


def union(first: Scores | None, second: Scores | None) -> Scores | None:
    """UnionMatcher: ``a.score() + b.score()`` where both match, else the one that does."""
    if first is None:
        return second
    if second is None:
        return first
    low = add(first.low, second.low)
    if first.high is None and second.high is None:
        return Scores(low)
    high = add(first.low if first.high is None else first.high,
               second.low if second.high is None else second.high)
    score_a, score_b = first.score_of(), second.score_of()
    return Scores(low, high, lambda doc: score_a(doc) + score_b(doc))


def in_sequence(parts: list[Scores | None]) -> Scores | None:
    """ArrayUnionMatcher: starting from 0, each part's score added in query order."""
    present = [part for part in parts if part is not None]
    if not present:
        return None
    result = present[0]
    for part in present[1:]:
        result = union(result, part)
    return result


def huffman(parts: list[tuple[int, type, Scores | None]]) -> Scores | None:
    """DefaultOr: whoosh.util.make_weighted_tree over (estimated size, part), which
    repeatedly joins the two smallest parts and inserts the join after the parts of
    equal size. Sizes tie often (0 for every absent term), and then Whoosh's sort
    compares the matchers themselves: ``Matcher.__lt__`` is ``type(other) is
    self.__class__``, so with Python's reflected comparisons a ``WrappingMatcher``
    sorts before a ``FilterMatcher`` or a ``SpanNear2Matcher`` (its subclasses) of the
    same size, and no other two matchers are ordered. The same function therefore sorts
    stand-ins of the very classes Whoosh's matchers would have (``matcher_class``)."""
    tree = make_weighted_tree(_join, [(size, _stand_in(cls, scores))
                                      for size, cls, scores in parts])
    return tree.scores


def _stand_in(cls: type, scores: Scores | None):
    """An uninitialised ``cls`` instance: only its comparisons are used."""
    stand_in = object.__new__(cls)
    stand_in.scores = scores
    return stand_in


def _join(first, second):
    return _stand_in(UnionMatcher, union(first.scores, second.scores))


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
    operations of Whoosh's ``bm25()``, so that ``idf * ratio`` is its score."""

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


class SegmentScorer:
    """Evaluates queries in one segment, sharing decoded postings within one search."""

    def __init__(self, segment: Segment, statistics: IndexStatistics,
                 norms: LengthNorms) -> None:
        self.segment = segment
        self.statistics = statistics
        self.norms = norms
        self._postings: dict[tuple[str, str], Postings | None] = {}
        self._term_scores: dict[tuple[str, str, float], dict[int, float]] = {}

    # --- postings --------------------------------------------------------------------
    def postings(self, field: str, text: str) -> Postings | None:
        key = (field, text)
        if key not in self._postings:
            self._postings[key] = self.segment.postings(field, text)
        return self._postings[key]

    def global_docs(self, postings: Postings) -> list[int]:
        offset = self.segment.offset
        return postings.docs if not offset else [doc + offset for doc in postings.docs]

    def term_scores(self, field: str, text: str, boost: float = 1.0) -> dict[int, float]:
        """Global doc -> Whoosh's BM25F score of the term (times ``boost`` if not 1)."""
        key = (field, text, boost)
        found = self._term_scores.get(key)
        if found is not None:
            return found
        postings = self.postings(field, text)
        if postings is None:
            found = {}
        else:
            lengths = self.segment.lengths(field)
            # No length column: Whoosh's scorer takes length 1 (byte 1 is length 1).
            length_bytes = (map(lengths.__getitem__, postings.docs) if lengths is not None
                            else repeat(1, len(postings.docs)))
            frequencies = set(postings.weights)
            if len(frequencies) == 1:
                ratios = map(self.norms.ratios(field, frequencies.pop()).__getitem__,
                             length_bytes)
            else:
                tables = {tf: self.norms.ratios(field, tf) for tf in frequencies}
                ratios = map(getitem, map(tables.__getitem__, postings.weights), length_bytes)
            scores = map(self.statistics.idf(field, text).__mul__, ratios)
            if boost != 1.0:
                scores = map(boost.__rmul__, scores)
            found = dict(zip(self.global_docs(postings), scores, strict=True))
        self._term_scores[key] = found
        return found

    def positions(self, field: str, text: str, doc: int) -> list[int]:
        postings = self.postings(field, text)
        assert postings is not None
        return postings.positions(doc - self.segment.offset)

    # --- Whoosh's estimate_size -----------------------------------------------------
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
            if not self.segment.has_term(query.field, query.text):
                return None
            return Scores(self.term_scores(query.field, query.text, query.boost))
        if isinstance(query, Phrase):
            return self.phrase(query)
        if not query.parts:
            return None
        if parts is None:
            parts = [self.evaluate(part) for part in query.parts]
        if len(query.parts) == 1:
            return parts[0]
        if self._adds_along_a_tree(query):
            return huffman([(self.estimate(part), self.matcher_class(part), scores)
                            for part, scores in zip(query.parts, parts, strict=True)])
        return in_sequence(parts)

    def phrase(self, query: Phrase) -> Scores | None:
        if not all(self.segment.has_term(query.field, w) for w in query.words):
            return None
        word_scores = [self.term_scores(query.field, w) for w in query.words]
        candidates = list(set(word_scores[0]).intersection(*word_scores[1:]))
        if not candidates:
            return None
        if not query.lazy:
            candidates = self.phrase_docs(query, candidates)
            if not candidates:
                return None
        scores = _tree_sums([map(s.__getitem__, candidates) for s in word_scores])
        if query.boost != 1.0:
            scores = map(query.boost.__rmul__, scores)
        matched = dict(zip(candidates, scores, strict=True))
        if not query.lazy:
            return Scores(matched)
        checked: dict[int, float] = {}

        def exact(doc: int) -> float:
            found = checked.get(doc)
            if found is None:
                found = checked[doc] = (
                    matched[doc] if doc in matched and self.phrase_docs(query, [doc]) else 0.0)
            return found

        return Scores({}, matched, exact)

    def phrase_docs(self, query: Phrase, candidates: list[int]) -> list[int]:
        """The candidates (holding every word) where the words stand as the phrase says."""
        field, words, slop = query.field, query.words, query.slop
        positions = self.positions
        return [doc for doc in candidates
                if phrase_occurs([positions(field, w, doc) for w in words], slop)]

    # --- matching only -----------------------------------------------------------------
    def docs(self, query: Query) -> set[int]:
        """Global numbers of the notes the query matches (``docs_for_query``)."""
        if isinstance(query, Term):
            postings = self.postings(query.field, query.text)
            return set(self.global_docs(postings)) if postings is not None else set()
        if isinstance(query, Phrase):
            if not all(self.segment.has_term(query.field, w) for w in query.words):
                return set()
            sets = [self.docs(Term(query.field, w)) for w in query.words]
            return set(self.phrase_docs(query, list(sets[0].intersection(*sets[1:]))))
        found: set[int] = set()
        for part in query.parts:
            found |= self.docs(part)
        return found


@dataclass
class Matches:
    """What a search needs to rank: per unit the notes it matches, and the scores of
    the whole query (``low``/``high``/``exact`` as in ``Scores``)."""

    unit_docs: list[set[int]]
    low: dict[int, float]
    high: dict[int, float]
    uncertain: set[int]
    exact: Callable[[int], float]


class IndexScorer:
    """Scores queries over every segment of an open index."""

    def __init__(self, segments: list[Segment], statistics: IndexStatistics) -> None:
        self.segments = segments
        self.statistics = statistics
        self.norms = LengthNorms(statistics)
        self._offsets = [segment.offset for segment in segments]

    def scorers(self) -> list[SegmentScorer]:
        """One scorer per segment, for one search (they memoize decoded postings)."""
        return [SegmentScorer(segment, self.statistics, self.norms)
                for segment in self.segments]

    def docs(self, query: Query, scorers: list[SegmentScorer] | None = None) -> set[int]:
        found: set[int] = set()
        for scorer in scorers or self.scorers():
            found |= scorer.docs(query)
        return found

    def matches(self, units: list[Query], bonus: Query | None,
                scorers: list[SegmentScorer]) -> Matches:
        """Score ``AnyOf(units + [bonus])`` (the bonus' phrases lazy) and record which
        notes each unit matches."""
        parts = (*units, bonus) if bonus is not None else tuple(units)
        top = AnyOf(tuple(parts))
        unit_docs: list[set[int]] = [set() for _ in units]
        low: dict[int, float] = {}
        high: dict[int, float] = {}
        uncertain: set[int] = set()
        exact_of_segment: list[Callable[[int], float]] = []
        for scorer in scorers:
            evaluated = [scorer.evaluate(part) for part in parts]
            for docs, scores in zip(unit_docs, evaluated, strict=False):
                if scores is not None:
                    docs.update(scores.low)
            if bonus is not None and evaluated[-1] is not None:
                assert evaluated[-1].high is not None
                uncertain.update(evaluated[-1].high)
            scores = scorer.evaluate(top, evaluated)
            if scores is None:
                exact_of_segment.append(partial(_get_or_zero, {}))
                continue
            low.update(scores.low)
            high.update(scores.low if scores.high is None else scores.high)
            exact_of_segment.append(scores.score_of())
        offsets = self._offsets

        def exact(doc: int) -> float:
            return exact_of_segment[bisect_right(offsets, doc) - 1](doc)

        return Matches(unit_docs, low, high, uncertain, exact)


def select(docs: set[int], matches: Matches, title_docs: set[int], boosts: dict[int, float],
           limit: int, paths: Callable[[list[int]], dict[int, str]]) -> list[tuple[int, float]]:
    """The first ``limit`` of ``docs`` in ranking order, with their exact scores.

    Order: more units matched first; among those, notes whose title is the query; then
    score times boost, highest first; then path. Whole groups of (units, title) are
    taken while they fit. In the group that does not, notes are taken by decreasing
    ``high`` score, their lazy phrases checked, until the next ``high`` falls below the
    exact score of the group's last shown place: no later note can reach it. ``paths``
    reads the paths of notes tied on everything else.
    """
    shown: list[tuple[int, float]] = []
    remaining = limit
    low, high, uncertain, exact = matches.low, matches.high, matches.uncertain, matches.exact

    def exact_score(doc: int) -> float:
        score = exact(doc) if doc in uncertain else low.get(doc, 0.0)
        return score * boosts[doc] if doc in boosts else score

    for group in _groups(docs, matches.unit_docs, title_docs):
        if remaining <= 0:
            break
        if len(group) <= remaining:
            scored = [(doc, exact_score(doc)) for doc in group]
        else:
            scored = _best_of_group(group, remaining, low, high, uncertain, boosts,
                                    exact_score)
        best = _by_score_then_path(scored, remaining, paths)
        shown += best
        remaining -= len(best)
    return shown


def _best_of_group(group: list[int], count: int, low: dict[int, float],
                   high: dict[int, float], uncertain: set[int], boosts: dict[int, float],
                   exact_score: Callable[[int], float]) -> list[tuple[int, float]]:
    """(doc, exact score) of every note of ``group`` that may be among its ``count``
    best or tied with the last of them; the others are left out unchecked."""
    lows = list(map(low.get, group, repeat(0.0)))
    highs = list(map(high.get, group, repeat(0.0))) if uncertain else lows
    if boosts:
        lows = [score * boosts.get(doc, 1.0) for doc, score in zip(group, lows, strict=True)]
        highs = [score * boosts.get(doc, 1.0) for doc, score in zip(group, highs, strict=True)]
    # The count-th best low score: the exact scores of the count best are at least this.
    floor = heapq.nlargest(count, lows)[-1]
    order = sorted((pair for pair in zip(highs, group, strict=True) if pair[0] >= floor),
                   key=lambda pair: -pair[0])
    found: list[tuple[int, float]] = []
    best: list[float] = []  # min-heap of the count best exact scores so far
    for bound, doc in order:
        if len(best) == count and bound < best[0]:
            break
        score = exact_score(doc)
        found.append((doc, score))
        if len(best) < count:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    return found


def _groups(docs: set[int], unit_docs: list[set[int]], title_docs: set[int]
            ) -> Iterator[list[int]]:
    """The notes by (units matched, title is the query), best group first."""
    def split(group: set[int]) -> Iterator[list[int]]:
        titled = group & title_docs
        if titled:
            yield list(titled)
        rest = group - titled if titled else group
        if rest:
            yield list(rest)

    every = docs.intersection(*unit_docs)
    yield from split(every)
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
