"""The first results of a one-word query without scoring every posting (max-score).

A word is looked for in every field (``Searcher.clause_query``): a common one holds
tens of thousands of postings in the body and the exact-accent field, each worth little,
and a few hundred in titles, headings and tags, each worth much. The ranking shows ten.
Max-score (Turtle and Flood, 1995) scores the valuable lists and leaves the cheap,
long ones unscored when what they could add cannot lift a note into the results:

* a term's score is ``idf * norm * boost`` and BM25's norm stays below ``K1 + 1``,
  so ``idf * (K1 + 1) * boost`` bounds every score of the list (``bound``);
* the lists are scored from the highest bound down, except the long ones
  (``DEFERRED_SHARE`` of the notes or more), kept for last. Once the notes scored so
  far hold a ``limit``-th best partial score above what every list left unscored could
  add together, a note missing from the scored lists cannot reach the results;
* the notes that could (their partial score plus those bounds reaches that
  ``limit``-th best) get the left lists' scores one by one, looked up by note, and
  their exact score is added in the order ``engine.scoring`` declares, so the floats
  are the exhaustive ones; equal scores still go by path.

Every bound is raised (and every lower bound lowered) by a relative ``MARGIN`` far
above the rounding of a dozen additions, so no float lets a note through wrongly.
What is counted (the total) still needs every note of every list: posting lists are
decoded whole (their document numbers), only scoring is spared.

It applies where the ranking is one group of notes ordered by score: one unit (a
word, or words joined by ``OR``), no proximity bonus, no filter, relevance order.
Anything else, or a query where pruning would not pay (lookups of many notes cost
more than scoring the lists), is ranked exhaustively (``engine.ranking``); the tests
compare both on every query they know.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import add as add_floats

from museumxtd_search.engine.queries import AnyOf, Phrase, Query, Term
from museumxtd_search.engine.ranking import by_score_then_path
from museumxtd_search.engine.scoring import (
    IndexScorer,
    SegmentScorer,
    Values,
    add,
    docs_of,
    getter,
)
from museumxtd_search.rules import BM25_K1

# A list holding this share of the notes or more is scored last, or not at all.
DEFERRED_SHARE = 0.125
# Looking one note up in a list costs about this many postings scored in one pass:
# the unscored lists stay unscored only while their candidates are fewer than their
# postings divided by this.
LOOKUP_COST = 8
# Relative slack on every bound: float rounding of a dozen sums is ~1e-15.
MARGIN = 1e-9


def leaves_of(query: Query) -> list[Term | Phrase]:
    """The terms and phrases of ``query``, in the order its sums add them."""
    if isinstance(query, AnyOf):
        return [leaf for part in query.parts for leaf in leaves_of(part)]
    return [query]


class Unit:
    """The unit's lists in one segment: the scores of those scored, by leaf number."""

    def __init__(self, scorer: SegmentScorer, leaves: list[Term | Phrase]) -> None:
        self.scorer = scorer
        self.leaves = leaves
        self.values: dict[int, Values] = {}
        self.partial: Values | None = None  # the sum of the scored lists' values

    def score(self, number: int) -> None:
        scores = self.scorer.evaluate(self.leaves[number])
        if scores is None:
            return
        self.values[number] = scores.low
        self.partial = (scores.low if self.partial is None
                        else add(self.partial, scores.low, self.scorer.size))

    def best(self, count: int) -> list[float]:
        """The ``count`` best partial scores here."""
        partial = self.partial
        if partial is None:
            return []
        return heapq.nlargest(count, partial.values() if isinstance(partial, dict)
                              else partial)

    def candidates(self, floor: float) -> list[int]:
        """Local notes whose partial score is at least ``floor``, ascending."""
        partial = self.partial
        if partial is None:
            return []
        if isinstance(partial, dict):
            return sorted(doc for doc, score in partial.items() if score >= floor)
        return list(compress(range(len(partial)), map(floor.__le__, partial)))

    def matched(self) -> bytearray:
        """1 for each local note some leaf matches: a term's notes from its postings,
        scored or not, a phrase's from its scores (phrases are all scored)."""
        marks = bytearray(self.scorer.size)
        for number, leaf in enumerate(self.leaves):
            if isinstance(leaf, Term):
                postings = self.scorer.postings(leaf.field, leaf.text)
                docs: Iterable[int] = postings.docs if postings is not None else ()
            else:
                docs = docs_of(self.values[number]) if number in self.values else ()
            deque(map(marks.__setitem__, docs, repeat(1)), maxlen=0)
        return marks

    def leaf_scores(self, number: int, docs: list[int]) -> list[float]:
        """The leaf's score for each of ``docs`` (0.0 where it does not match)."""
        if number in self.values:
            return list(map(getter(self.values[number]), docs))
        leaf = self.leaves[number]
        if isinstance(leaf, Phrase):  # scored, and found nowhere in this segment
            return [0.0] * len(docs)
        return self.scorer.term_scores_of(leaf.field, leaf.text, leaf.boost, docs)


def exact_scores(query: Query, leaf_scores: Callable[[int], list[float]],
                 numbers: dict[int, int], count: int) -> list[float]:
    """Per candidate, the query's score summed as ``engine.scoring`` sums it: each
    ``AnyOf`` adds its parts left to right (a part that does not match adds 0.0,
    which changes no sum). ``numbers``: leaf (by ``id``) -> its number."""
    if isinstance(query, AnyOf):
        total: Iterable[float] = repeat(0.0, count)
        for part in query.parts:
            total = map(add_floats, total, exact_scores(part, leaf_scores, numbers, count))
        return list(total)
    return leaf_scores(numbers[id(query)])


def rank_one_unit(scorer: IndexScorer, scorers: list[SegmentScorer], unit: Query,
                  title_docs: set[int], boosts: dict[int, float], limit: int,
                  paths: Callable[[list[int]], dict[int, str]]
                  ) -> tuple[int, list[tuple[int, float]]] | None:
    """``rank``'s answer for a query of one unit and no filter, or ``None`` when
    pruning would not pay (the caller then ranks exhaustively)."""
    leaves = leaves_of(unit)
    if limit <= 0 or not leaves or any(isinstance(leaf, Phrase) and leaf.lazy
                                       for leaf in leaves):
        return None
    statistics = scorer.statistics
    size = max(scorer.size, 1)

    def bound(leaf: Term | Phrase) -> float:
        if isinstance(leaf, Phrase):
            return float("inf")  # few notes: scored first, never bounded
        return statistics.idf(leaf.field, leaf.text) * (BM25_K1 + 1) * leaf.boost * (1 + MARGIN)

    def postings(leaf: Term | Phrase) -> int:
        if isinstance(leaf, Phrase):
            return 0
        return sum(s.segment.doc_frequency(leaf.field, leaf.text) for s in scorers)

    bounds = [bound(leaf) for leaf in leaves]
    sizes = [postings(leaf) for leaf in leaves]
    long_lists = sorted((n for n in range(len(leaves)) if sizes[n] >= size * DEFERRED_SHARE),
                        key=lambda n: -bounds[n])
    if not long_lists:
        return None
    units = [Unit(s, leaves) for s in scorers]
    short = sorted(set(range(len(leaves))) - set(long_lists), key=lambda n: -bounds[n])
    for number in short:
        for part in units:
            part.score(number)
    total = 0
    titled: set[int] = set()
    for part in units:
        marks = part.matched()
        total += marks.count(1)
        offset = part.scorer.segment.offset
        titled.update(doc for doc in title_docs
                      if 0 <= doc - offset < len(marks) and marks[doc - offset])
    low_boost = min(1.0, *boosts.values()) if boosts else 1.0
    high_boost = max(1.0, *boosts.values()) if boosts else 1.0
    wanted = limit + len(titled)
    left = list(long_lists)  # highest bound first
    while True:
        if not left:
            return None  # every list scored: the exhaustive ranking costs no more now
        rest = sum(bounds[n] for n in left) * (1 + MARGIN)
        best = heapq.nlargest(wanted, (score for part in units for score in part.best(wanted)))
        if len(best) == wanted:
            # At least ``limit`` notes outside the title group score this or more.
            threshold = best[-1] * low_boost * (1 - MARGIN)
            if rest * high_boost < threshold:
                candidates = [part.candidates(_floor(threshold, rest, high_boost))
                              for part in units]
                if sum(map(len, candidates)) * LOOKUP_COST < sizes[left[0]]:
                    break  # looking the candidates up costs less than scoring the list
        number = left.pop(0)
        for part in units:
            part.score(number)
    # The left lists, looked up for the candidates only; each narrows them down.
    partials = [list(map(getter(part.partial), docs)) if part.partial is not None else []
                for part, docs in zip(units, candidates, strict=True)]
    for number in left:
        rest -= bounds[number] * (1 + MARGIN)
        for at, part in enumerate(units):
            partials[at] = list(map(add_floats, partials[at],
                                    part.leaf_scores(number, candidates[at])))
        best = heapq.nlargest(wanted, (score for scores in partials for score in scores))
        if len(best) == wanted:
            threshold = max(threshold, best[-1] * low_boost * (1 - MARGIN))
        floor = _floor(threshold, max(rest, 0.0), high_boost)
        for at in range(len(units)):
            keep = list(map(floor.__le__, partials[at]))
            candidates[at] = list(compress(candidates[at], keep))
            partials[at] = list(compress(partials[at], keep))
    numbers = {id(leaf): n for n, leaf in enumerate(leaves)}
    scored: list[tuple[int, float]] = []
    titled_scored: list[tuple[int, float]] = []
    for part, docs in zip(units, candidates, strict=True):
        offset = part.scorer.segment.offset
        local_titled = sorted(doc - offset for doc in titled
                              if offset <= doc < offset + part.scorer.size)
        for group, found in ((docs, scored), (local_titled, titled_scored)):
            if not group:
                continue
            cache: dict[int, list[float]] = {}

            def leaf_scores(number: int, part: Unit = part, group: list[int] = group,
                            cache: dict[int, list[float]] = cache) -> list[float]:
                if number not in cache:
                    cache[number] = part.leaf_scores(number, group)
                return cache[number]

            for doc, score in zip(group, exact_scores(unit, leaf_scores, numbers, len(group)),
                                  strict=True):
                doc += offset
                found.append((doc, score * boosts[doc] if doc in boosts else score))
    shown = by_score_then_path(titled_scored, limit, paths)
    remaining = limit - len(shown)
    if remaining > 0:
        shown += by_score_then_path([item for item in scored if item[0] not in titled],
                                    remaining, paths)
    return total, shown


def _floor(threshold: float, rest: float, high_boost: float) -> float:
    """The least partial score a note needs to reach ``threshold`` once the lists
    left unscored (``rest`` at most) and its boost are added, lowered by ``MARGIN``."""
    return (threshold / high_boost - rest) * (1 - MARGIN)
