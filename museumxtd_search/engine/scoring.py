"""How a score is computed: BM25F over whole posting lists, added in one declared order.

A query is a tree of ``Term``, ``Phrase`` and ``AnyOf`` (``engine.queries``). Floating
point addition is not associative, and notes with equal scores are ordered by path, so
the order of every addition is part of the ranking. It is declared once, here, and the
browser's engine follows it (``site_templates/static/engine/scoring.js``):

* a term scores ``idf * norm(tf, fl)`` (``engine.bm25f``), then times its boost when
  that is not 1;
* a phrase scores the sum of its words' unboosted term scores, added left to right,
  then times its boost;
* an ``AnyOf`` scores the sum of the scores of the parts a note matches, added left to
  right in the order of its parts.

A note a part does not match contributes nothing (adding 0.0 changes no sum), so a
node's scores are a map ``note -> score`` and adding two nodes is a merge: a
dictionary while few notes match, a list with one slot per note of the segment once
many do (adding two lists is one C-level ``map``).

Phrases marked ``lazy`` (the proximity bonus) are the exception: deciding whether they
match needs positions, which are slow to decode for thousands of notes. They only add
to scores, so a lazy node carries two maps, ``low`` (no lazy phrase matches) and
``high`` (every lazy phrase that could match does), which bound the exact score
(addition of positive floats is monotonic); positions are then decoded only for the
notes that could still enter the shown results (see ``engine.ranking``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, repeat
from operator import add as add_floats
from operator import eq, getitem, itemgetter
from typing import NamedTuple

from museumxtd_search.engine.bm25f import IndexStatistics, LengthNorms
from museumxtd_search.engine.queries import AnyOf, Phrase, Query, Term
from museumxtd_search.engine.storage.postings import LENGTH_OF_BYTE, Postings, Segment

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


def plus(first: Scores | None, second: Scores | None, size: int) -> Scores | None:
    """``first + second`` per note: the sum where both match, else the one that does."""
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


def left_to_right(parts: Iterable[Scores | None], size: int) -> Scores | None:
    """The parts added left to right: ``((p1 + p2) + p3) + ...``."""
    result = None
    for part in parts:
        result = plus(result, part, size)
    return result


def _sums_left_to_right(parts: list[Iterator[float]]) -> Iterator[float]:
    """Per note, the parts' scores added left to right."""
    result = parts[0]
    for part in parts[1:]:
        result = map(add_floats, result, part)
    return result


def phrase_occurs(positions: Sequence[list[int]], slop: int) -> bool:
    """Positions p0 < p1 < ... of the words with ``1 <= p(i+1) - p(i) <= slop``."""
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
    standing as the phrase (eager)."""

    __slots__ = ("docs", "values")

    def __init__(self, docs: list[int], values: Values) -> None:
        self.docs = docs
        self.values = values


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

    def decoded(self, field: str, text: str) -> bool:
        """Whether the term's postings are decoded already (this search or the cache),
        or the segment lacks the term."""
        key = ("postings", field, text)
        return (key in self._memo or self.segment.term_info(field, text) is None
                or self.cache.get((self.number, *key)) is not None)

    def postings(self, field: str, text: str) -> Postings | None:
        return self._kept(("postings", field, text),
                          lambda: self.segment.postings(field, text),
                          lambda found: len(found.docs))

    def term_scores(self, field: str, text: str, boost: float = 1.0) -> Leaf | None:
        """The term's score for each note that has it (times ``boost`` if not 1), or
        ``None`` when the segment lacks the term."""
        return self._kept(("scores", field, text, boost),
                          lambda: self._score(field, text, boost),
                          lambda found: len(found.docs))

    def _score(self, field: str, text: str, boost: float) -> Leaf | None:
        postings = self.postings(field, text)
        if postings is None:
            return None
        docs = postings.docs
        lengths = self.segment.lengths(field)
        # No length column: every length counts as 1 (byte 1 is length 1).
        if lengths is None:
            length_bytes = repeat(1, len(docs))
        elif len(docs) < len(LENGTH_OF_BYTE):
            length_bytes = map(lengths.__getitem__, docs)
        else:  # one C call for thousands of postings, 1.5x quicker than a map
            length_bytes = itemgetter(*docs)(lengths)
        idf = self.statistics.idf(field, text)
        frequencies = set(postings.weights)
        if len(docs) < len(LENGTH_OF_BYTE):  # fewer postings than a table has entries
            norms = self.norms.norms
            scores = [idf * norms(field, tf)[length]
                      for tf, length in zip(postings.weights, length_bytes, strict=True)]
            if boost != 1.0:
                scores = [score * boost for score in scores]
        elif len(frequencies) == 1:
            scores = itemgetter(*length_bytes)(self._table(field, idf, frequencies.pop(), boost))
        else:
            tables = {tf: self._table(field, idf, tf, boost) for tf in frequencies}
            scores = map(getitem, map(tables.__getitem__, postings.weights), length_bytes)
        return Leaf(docs, values_of(docs, scores, self.size))

    def term_scores_of(self, field: str, text: str, boost: float, docs: list[int]
                       ) -> list[float]:
        """``term_scores``' floats for ``docs`` only (local, ascending; 0.0 where the
        term is absent), each looked up in the list: for the few notes that max-score
        pruning (``engine.pruning``) still asks of a list it left unscored."""
        kept = ("scores", field, text, boost)
        found = self._memo.get(kept) or self.cache.get((self.number, *kept))
        if found is not None:
            return list(map(getter(found.values), docs))
        scores = [0.0] * len(docs)
        postings = self.postings(field, text)
        if postings is None:
            return scores
        held = postings.docs
        at = list(map(bisect_left, repeat(held), docs))
        padded = [*held, -1]  # past the end: no note is -1
        present = list(map(eq, map(padded.__getitem__, at), docs))
        lengths = self.segment.lengths(field)
        length_bytes = (repeat(1) if lengths is None
                        else map(lengths.__getitem__, compress(docs, present)))
        frequencies = list(map(postings.weights.__getitem__, compress(at, present)))
        idf = self.statistics.idf(field, text)
        tables = {tf: self._table(field, idf, tf, boost) for tf in set(frequencies)}
        deque(map(scores.__setitem__, compress(range(len(docs)), present),
                  map(getitem, map(tables.__getitem__, frequencies), length_bytes)), maxlen=0)
        return scores

    def phrase_scores_if_matched(self, query: Phrase, docs: list[int]) -> list[float]:
        """A phrase's score for ``docs`` (local, ascending) were its words to stand as it
        says (positions unchecked: ``phrase_docs``), 0.0 where a word is missing: its
        words' unboosted scores added left to right, times its boost, as
        ``_phrase_scores`` gives them."""
        words = [self.term_scores_of(query.field, word, 1.0, docs) for word in query.words]
        sums = _sums_left_to_right([iter(scores) for scores in words])
        if query.boost != 1.0:
            sums = map(query.boost.__rmul__, sums)
        return [score if all(scores) else 0.0
                for score, *scores in zip(sums, *words, strict=True)]

    def _table(self, field: str, idf: float, tf: float, boost: float) -> list[float]:
        """A term's score at frequency ``tf``, for every length byte: ``idf * norm``,
        then times ``boost`` when it is not 1 (``(idf * norm) * boost``)."""
        norms = self.norms.norms(field, tf)
        if boost == 1.0:
            return [idf * norm for norm in norms]
        return [idf * norm * boost for norm in norms]

    def positions(self, field: str, text: str, docs: list[int]) -> list[list[int]]:
        """The term's positions in each of ``docs`` (ascending, all holding it)."""
        postings = self.postings(field, text)
        assert postings is not None
        blocks = self._blocks.get((field, text))
        if blocks is None:
            blocks = self._blocks[(field, text)] = {}
        return postings.positions(docs, blocks)

    # --- scores ----------------------------------------------------------------------
    def evaluate(self, query: Query, parts: list[Scores | None] | None = None
                 ) -> Scores | None:
        """The query's scores (``None`` where it matches nothing). ``parts``: the
        already evaluated parts of an ``AnyOf``."""
        if isinstance(query, Term):
            leaf = self.term_scores(query.field, query.text, query.boost)
            return Scores(leaf.values) if leaf is not None and leaf.docs else None
        if isinstance(query, Phrase):
            return self.phrase(query)
        if parts is None and len(query.parts) > 1 and all(
                isinstance(part, Term) or (isinstance(part, Phrase) and not part.lazy)
                for part in query.parts):
            # One word in every field (a clause): its BM25F scores, kept by a searcher
            # as a term's are.
            return self._kept(("word", query), lambda: self._add_parts(query, None),
                              lambda found: _size_of(found.low))
        return self._add_parts(query, parts)

    def _add_parts(self, query: AnyOf, parts: list[Scores | None] | None) -> Scores | None:
        if parts is None:
            parts = [self.evaluate(part) for part in query.parts]
        return left_to_right(parts, self.size)

    def phrase(self, query: Phrase) -> Scores | None:
        found = self._kept(("phrase", query), lambda: self._phrase_scores(query),
                           lambda found: len(found.docs))
        if found is None:
            return None
        if not query.lazy:
            return Scores(found.values)
        score_if_matched = getter(found.values)

        def exact(doc: int) -> float:
            score = score_if_matched(doc)
            return score if score and self.phrase_occurs(query, doc) else 0.0

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
        scores = _sums_left_to_right([map(getter(leaf.values), candidates) for leaf in leaves])
        if query.boost != 1.0:
            scores = map(query.boost.__rmul__, scores)
        return PhraseScores(candidates, values_of(candidates, scores, self.size))

    def phrase_occurs(self, query: Phrase, doc: int) -> bool:
        """Whether the words of a lazy phrase stand as it says in ``doc`` (which holds
        them all), checked once per searcher: queries sharing the phrase ask again."""
        checked = self._kept(("checked", query), dict, lambda found: 0)
        occurs = checked.get(doc)
        if occurs is None:
            occurs = checked[doc] = bool(self.phrase_docs(query, [doc]))
        return occurs

    def marks(self, query: Query) -> int:
        """The notes ``query`` matches, lazy phrases aside, as an integer whose byte
        ``doc`` is 1 for each (``big`` byte order, one byte per note of the segment):
        sets of notes that ``&`` and ``|`` in one step (``engine.pruning``)."""
        return self._kept(("marks", query), lambda: self._marks(query),
                          lambda found: self.size // 64)

    def _marks(self, query: Query) -> int:
        marks = bytearray(self.size)
        stack = [query]
        while stack:
            node = stack.pop()
            if isinstance(node, AnyOf):
                stack.extend(node.parts)
                continue
            if isinstance(node, Term):
                postings = self.postings(node.field, node.text)
                docs: Iterable[int] = postings.docs if postings is not None else ()
            elif node.lazy:
                continue
            else:
                scores = self.phrase(node)
                docs = docs_of(scores.low) if scores is not None else ()
            deque(map(marks.__setitem__, docs, repeat(1)), maxlen=0)
        return int.from_bytes(marks, "big")

    def phrase_docs(self, query: Phrase, candidates: list[int]) -> list[int]:
        """The candidates (holding every word) where the words stand as the phrase says."""
        if not candidates:  # a word may then be missing from the segment
            return []
        slop = query.slop
        words = [self.positions(query.field, word, candidates) for word in query.words]
        return [doc for doc, positions in zip(candidates, zip(*words, strict=True), strict=True)
                if phrase_occurs(positions, slop)]

    # --- matching only -----------------------------------------------------------------
    def docs(self, query: Query) -> set[int] | frozenset[int]:
        """Local numbers of the notes the query matches (a term's set is shared:
        never change it)."""
        if isinstance(query, Term):
            # Kept as a term's scores are: filters and counts ask for the same sets.
            return self._kept(("docs", query.field, query.text), lambda: frozenset(
                postings.docs if (postings := self.postings(query.field, query.text))
                else ()), len)
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
            found.update(_shifted(scorer.docs(query), scorer.segment.offset))
        return found

    def doc_count(self, query: Term) -> int:
        """How many notes hold the term: counted from the term table where a segment
        has no deleted notes (no posting list decoded), else its notes (kept between
        queries, as ``docs`` keeps them)."""
        count = 0
        for scorer in self.scorers():
            segment = scorer.segment
            if segment.deleted:
                count += len(scorer.docs(query))
            else:
                count += segment.doc_frequency(query.field, query.text)
        return count

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
    return docs if not offset else map(offset.__add__, docs)


def _shift_argument(function: Callable[[int], float], offset: int) -> Callable[[int], float]:
    return function if not offset else (lambda doc: function(doc - offset))
