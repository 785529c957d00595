"""The first results of a query without scoring every posting (max-score).

A word is looked for in every field (``Searcher.clause_query``): a common one holds
tens of thousands of postings in the body and the exact-accent field, each worth little,
and a few hundred in titles, headings and tags, each worth much. The ranking shows ten.
Max-score (Turtle and Flood, 1995) scores the valuable lists and leaves the cheap,
long ones unscored when what they could add cannot lift a note into the results:

* a term's score is ``idf * norm * boost`` and BM25's norm stays below ``K1 + 1``,
  so ``idf * (K1 + 1) * boost`` bounds every score of the list. A proximity phrase
  adds its words' own scores in its field times a share (``_bonus_share``: 0.5 of
  the words' terms), so a note scores at most ``1 + share`` times its units' sum;
* the lists are scored from the highest bound down, except the long ones
  (``DEFERRED_SHARE`` of the notes or more), kept for last. Once the notes matching
  every unit hold a ``limit``-th best partial score above what every list left
  unscored could add (times ``1 + share``), a note missing from the scored lists
  cannot reach the results;
* the notes that could (``candidates``) get the left lists' scores one list at a time,
  looked up by note, each narrowing them down. Their scores without the proximity
  phrases and with every phrase that their words allow bound the exact score, and
  positions are checked, best bound first, only while a note could still place
  (``ranking.best_of_group``, as ``rank`` does). Scores are added in the order
  ``engine.scoring`` declares, so the floats are the exhaustive ones, and equal
  scores still go by path.

Every bound is raised (and every lower bound lowered) by a relative ``MARGIN`` far
above the rounding of a few dozen additions, so no float lets a note through wrongly.
What is counted still needs every note of every list: posting lists are decoded whole
(their document numbers), only scoring is spared.

It applies where the results all come from the notes matching every unit of the
query (there are at least ``limit`` of them), ordered by exact title then score: no
filter, no ``OR`` holding a filter, relevance order. Anything else, or a query where
pruning would not pay (looking many notes up costs more than scoring the lists), is
ranked exhaustively (``engine.ranking``); ``tests/test_pruning.py`` compares both.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import add as add_floats

from museumxtd_search.engine.queries import AnyOf, Phrase, Query, Term
from museumxtd_search.engine.ranking import first_of_groups
from museumxtd_search.engine.scoring import (
    IndexScorer,
    SegmentScorer,
    Values,
    add,
    getter,
)
from museumxtd_search.rules import BM25_K1

# A list holding this share of the notes or more is scored last, or not at all.
DEFERRED_SHARE = 0.125
# Looking one note up in a list costs about this many postings scored in one pass:
# a list is looked up rather than scored while the candidates are fewer than its
# postings divided by this.
LOOKUP_COST = 8
# Relative slack on every bound: float rounding of a few dozen sums is ~1e-14.
MARGIN = 1e-9


def leaves_of(query: Query) -> list[Term | Phrase]:
    """The terms and phrases of ``query``, in the order its sums add them."""
    if isinstance(query, AnyOf):
        return [leaf for part in query.parts for leaf in leaves_of(part)]
    return [query]


def _lazy(leaf: Term | Phrase) -> bool:
    return isinstance(leaf, Phrase) and leaf.lazy


class SegmentLists:
    """The query's lists in one segment: the scores of those scored, by leaf number."""

    def __init__(self, scorer: SegmentScorer, leaves: list[Term | Phrase]) -> None:
        self.scorer = scorer
        self.leaves = leaves
        self.values: dict[int, Values] = {}
        self.partial: Values | None = None  # the sum of the scored lists' values
        self.every: bytes = b""  # 1 for each local note matching every unit

    def score(self, number: int) -> None:
        scores = self.scorer.evaluate(self.leaves[number])
        if scores is None:
            return
        self.values[number] = scores.low
        self.partial = (scores.low if self.partial is None
                        else add(self.partial, scores.low, self.scorer.size))

    def best(self, count: int) -> list[float]:
        """The ``count`` best partial scores of the notes matching every unit."""
        partial = self.partial
        if partial is None:
            return []
        if isinstance(partial, dict):
            every = self.every
            return heapq.nlargest(count, (score for doc, score in partial.items()
                                          if every[doc]))
        return heapq.nlargest(count, compress(partial, self.every))

    def candidates(self, floor: float) -> list[int]:
        """Local notes matching every unit whose partial score is at least ``floor``,
        ascending."""
        partial = self.partial
        if partial is None:
            return []
        every = self.every
        if isinstance(partial, dict):
            return sorted(doc for doc, score in partial.items()
                          if score >= floor and every[doc])
        return list(compress(compress(range(len(partial)), every),
                             map(floor.__le__, compress(partial, every))))

    def leaf_scores(self, number: int, docs: list[int]) -> list[float]:
        """The leaf's score for each of ``docs`` (0.0 where it does not match)."""
        if number in self.values:
            return list(map(getter(self.values[number]), docs))
        leaf = self.leaves[number]
        if isinstance(leaf, Term):
            return self.scorer.term_scores_of(leaf.field, leaf.text, leaf.boost, docs)
        return [0.0] * len(docs)  # an eager phrase, scored, found nowhere here


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


def rank_pruned(scorer: IndexScorer, scorers: list[SegmentScorer], units: list[Query],
                bonus: Query | None, title_docs: set[int], boosts: dict[int, float],
                limit: int, paths: Callable[[list[int]], dict[int, str]]
                ) -> tuple[int, list[tuple[int, float]]] | None:
    """``rank``'s answer for ``AnyOf(units + [bonus])`` with no filter, or ``None``
    when pruning would not pay or the results need notes missing a unit (the caller
    then ranks exhaustively)."""
    top = AnyOf((*units, bonus)) if bonus is not None else AnyOf(tuple(units))
    leaves = leaves_of(top)
    if limit <= 0 or not units:
        return None
    if all(s.decoded(leaf.field, leaf.text) for s in scorers for leaf in leaves
           if isinstance(leaf, Term)):
        # A searcher answering again (kept open): its lists are decoded, so scoring
        # them once lets its cache keep their scores for the queries that follow,
        # quicker then than pruning anew.
        return None
    statistics = scorer.statistics
    size = max(scorer.size, 1)

    def bound(leaf: Term | Phrase) -> float:
        if isinstance(leaf, Phrase):
            return float("inf")  # an eager phrase: few notes, scored first
        return statistics.idf(leaf.field, leaf.text) * (BM25_K1 + 1) * leaf.boost * (1 + MARGIN)

    def postings(leaf: Term | Phrase) -> int:
        if isinstance(leaf, Term):
            return sum(s.segment.doc_frequency(leaf.field, leaf.text) for s in scorers)
        return 0

    lazy = [n for n, leaf in enumerate(leaves) if _lazy(leaf)]
    share = _bonus_share(leaves, lazy)
    if share is None:
        return None
    # The query's score is at most ``factor`` times its units' (the bonus adds at most
    # ``share`` of the words' own scores).
    factor = (1 + share) * (1 + MARGIN)
    bounds = [bound(leaf) if n not in lazy else 0.0 for n, leaf in enumerate(leaves)]
    sizes = [postings(leaf) for leaf in leaves]
    by_bound = sorted((n for n in range(len(leaves)) if n not in lazy), key=lambda n: -bounds[n])
    left = [n for n in by_bound if sizes[n] >= size * DEFERRED_SHARE]
    if not left:
        return None
    lists = [SegmentLists(s, leaves) for s in scorers]
    for number in by_bound:
        if number not in left:
            for part in lists:
                part.score(number)
    total = every_count = 0
    titled: set[int] = set()
    for part in lists:
        matched = [part.scorer.marks(unit) for unit in units]
        any_unit = every_unit = matched[0]
        for marks in matched[1:]:
            any_unit |= marks
            every_unit &= marks
        total += any_unit.bit_count()
        every_count += every_unit.bit_count()
        part.every = every_unit.to_bytes(part.scorer.size, "big")
        offset = part.scorer.segment.offset
        titled.update(doc for doc in title_docs
                      if 0 <= doc - offset < part.scorer.size and part.every[doc - offset])
    if every_count < limit:
        return None  # notes missing a unit reach the results: rank() orders those groups
    low_boost = min(1.0, *boosts.values()) if boosts else 1.0
    high_boost = max(1.0, *boosts.values()) * factor if boosts else factor
    wanted = limit + len(titled)
    while True:
        rest = sum(bounds[n] for n in left) * (1 + MARGIN)
        best = heapq.nlargest(wanted, (score for part in lists for score in part.best(wanted)))
        if len(best) == wanted:
            # At least ``limit`` notes outside the title group score this or more.
            threshold = best[-1] * low_boost * (1 - MARGIN)
            if rest * high_boost < threshold:
                candidates = [part.candidates(_floor(threshold, rest, high_boost))
                              for part in lists]
                looked_up = sum(map(len, candidates)) * LOOKUP_COST
                if not left or looked_up < sizes[left[0]]:
                    break  # looking the candidates up costs less than scoring the list
        if not left:
            return None  # too many notes could still reach the results
        number = left.pop(0)
        for part in lists:
            part.score(number)
    # The left lists, looked up for the candidates only; each narrows them down. The
    # proximity phrases (their positions are the dearest) come with the exact scores.
    partials = [list(map(getter(part.partial), docs)) if part.partial is not None
                else [0.0] * len(docs) for part, docs in zip(lists, candidates, strict=True)]
    for step, number in enumerate(left):
        rest = sum(bounds[n] for n in left[step + 1:]) * (1 + MARGIN)
        for at, part in enumerate(lists):
            partials[at] = list(map(add_floats, partials[at],
                                    part.leaf_scores(number, candidates[at])))
        best = heapq.nlargest(wanted, (score for scores in partials for score in scores))
        if len(best) == wanted:
            threshold = max(threshold, best[-1] * low_boost * (1 - MARGIN))
        floor = _floor(threshold, rest, high_boost)
        for at in range(len(lists)):
            keep = list(map(floor.__le__, partials[at]))
            candidates[at] = list(compress(candidates[at], keep))
            partials[at] = list(compress(partials[at], keep))
    return total, _shown(top, leaves, lazy, lists, candidates, titled, boosts, limit, paths)


def _shown(top: AnyOf, leaves: list[Term | Phrase], lazy: list[int],
           lists: list[SegmentLists], candidates: list[list[int]], titled: set[int],
           boosts: dict[int, float], limit: int, paths: Callable[[list[int]], dict[int, str]]
           ) -> list[tuple[int, float]]:
    """The first ``limit`` of the candidates and the title group, as ``rank`` orders
    them: exact title first, then exact score times boost, then path. Each note's score
    without its proximity phrases (``low``) and with all of them (``high``) bound the
    exact one; positions are checked, as ``rank`` does, only for notes whose ``high``
    could still place them (``best_of_group``)."""
    numbers = {id(leaf): n for n, leaf in enumerate(leaves)}
    low: dict[int, float] = {}
    high: dict[int, float] = {}
    uncertain: dict[int, Callable[[], float]] = {}
    for part, docs in zip(lists, candidates, strict=True):
        offset = part.scorer.segment.offset
        group = sorted({*docs, *(doc - offset for doc in titled
                                 if 0 <= doc - offset < part.scorer.size)})
        if not group:
            continue
        values = {n: part.leaf_scores(n, group) for n in range(len(leaves)) if n not in lazy}
        if_matched = {n: part.scorer.phrase_scores_if_matched(leaves[n], group) for n in lazy}
        nothing = [0.0] * len(group)
        lows = exact_scores(top, lambda n, v=values, z=nothing: v.get(n, z), numbers,
                            len(group))
        highs = exact_scores(top, lambda n, v=values, m=if_matched: v[n] if n in v else m[n],
                             numbers, len(group))
        for at, doc in enumerate(group):
            low[doc + offset], high[doc + offset] = lows[at], highs[at]
            if highs[at] != lows[at]:
                uncertain[doc + offset] = _checker(top, leaves, numbers, part, doc, [
                    (n, values[n][at]) for n in values], [(n, if_matched[n][at]) for n in lazy])

    def exact_score(doc: int) -> float:
        score = uncertain[doc]() if doc in uncertain else low[doc]
        return score * boosts[doc] if doc in boosts else score

    rest = [doc for docs, part in zip(candidates, lists, strict=True)
            for doc in map(part.scorer.segment.offset.__add__, docs) if doc not in titled]
    return first_of_groups([group for group in (sorted(titled), rest) if group], limit,
                           low, high, set(uncertain), boosts, exact_score, paths)


def _checker(top: AnyOf, leaves: list[Term | Phrase], numbers: dict[int, int],
             part: SegmentLists, doc: int, values: list[tuple[int, float]],
             if_matched: list[tuple[int, float]]) -> Callable[[], float]:
    """The note's exact score, its proximity phrases checked on their positions."""
    def exact() -> float:
        scores = dict(values)
        for number, score in if_matched:
            scores[number] = score if score and part.scorer.phrase_occurs(
                leaves[number], doc) else 0.0
        return exact_scores(top, lambda n: [scores[n]], numbers, 1)[0]
    return exact


def _floor(threshold: float, rest: float, high_boost: float) -> float:
    """The least partial score a note needs to reach ``threshold`` once the lists
    left unscored (``rest`` at most) and its boost are added, lowered by ``MARGIN``."""
    return (threshold / high_boost - rest) * (1 - MARGIN)


def _bonus_share(leaves: list[Term | Phrase], lazy: list[int]) -> float | None:
    """The most a proximity phrase adds per unit of its words' own scores: it scores
    its words' unboosted scores times its boost, and each word has a term of the
    query in the phrase's field, scoring the same times that term's boost. ``0.0``
    without phrases; ``None`` when a word has no such term (no bound, no pruning)."""
    share = 0.0
    for number in lazy:
        phrase = leaves[number]
        for word in phrase.words:
            boosts = [leaf.boost for leaf in leaves if isinstance(leaf, Term)
                      and leaf.field == phrase.field and leaf.text == word and leaf.boost > 0]
            if not boosts:
                return None
            share = max(share, phrase.boost / min(boosts))
    return share
