"""How results are ordered: the product's ranking rules, over scores already computed.

In order of precedence (the browser's engine applies the same rules):

1. notes matching more parts (units) of the query first: all words beat all-but-one;
2. among those, a note whose title, name or alias *is* the query;
3. then the score times the note's ``search_boost``, highest first;
4. then the path, so equal scores always come in the same order.

Only the first ``limit`` notes are worked out exactly (see ``rank``).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, filterfalse
from operator import neg

from museumxtd_search.engine.scoring import Matches


def rank(matches: Matches, allowed: set[int] | None, excluded: set[int],
         title_docs: set[int], boosts: dict[int, float], limit: int,
         paths: Callable[[list[int]], dict[int, str]], every_allowed: bool = False
         ) -> tuple[int, list[tuple[int, float]]]:
    """(how many notes match, the first ``limit`` in ranking order with their exact
    scores), keeping the notes of ``allowed`` (when given) outside ``excluded``.
    ``every_allowed``: every note of ``allowed`` matches, scored or not (a query's
    ``OR`` holding a filter keeps notes no word reaches: they score 0.0).

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
    if every_allowed and allowed is not None:
        docs = allowed - excluded
        total = len(docs)
    elif allowed is None and not excluded:
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

    remaining = limit if limit >= 0 else total + limit  # as ranked[:limit] would slice
    groups = _groups(docs, matches.unit_docs, bonus_only, title_docs)
    return total, first_of_groups(groups, remaining, low, high, uncertain, boosts,
                                  exact_score, paths)


def first_of_groups(groups: Iterable[list[int]], count: int, low, high,
                    uncertain: set[int], boosts: dict[int, float],
                    exact_score: Callable[[int], float],
                    paths: Callable[[list[int]], dict[int, str]]) -> list[tuple[int, float]]:
    """The first ``count`` (doc, exact score) of ``groups`` (best group first): whole
    groups while they fit, then the best of the next by score, then path. A group is
    only asked for (``groups`` may be lazy) while places are left. ``low``/``high``:
    doc -> bounds of its score (a list or a dictionary)."""
    shown: list[tuple[int, float]] = []
    groups = iter(groups)
    while count > 0:  # the next group is only worked out when still needed
        group = next(groups, None)
        if group is None:
            break
        if len(group) <= count:
            scored = [(doc, exact_score(doc)) for doc in group]
        else:
            scored = best_of_group(group, count, low, high, uncertain, boosts, exact_score)
        best = by_score_then_path(scored, count, paths)
        shown += best
        count -= len(best)
    return shown


def best_of_group(group: list[int], count: int, low: list[float],
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


def by_score_then_path(scored: list[tuple[int, float]], count: int,
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
