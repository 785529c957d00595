"""The ranking as Whoosh computes it: the oracle the engine is held to.

This is how ``GardenSearcher.search`` ranked before it scored postings itself: Whoosh
query trees (``Term``, ``Phrase``, ``Or``) searched with ``limit=None``, every unit's
notes from ``docs_for_query``, ties re-sorted by stored path. It shares the rest of the
searcher (query parsing, corrections, clause analysis), so comparing the two isolates
what the engine does itself: which notes match, their scores, and their order.

Whoosh adds an ``Or``'s scores in an order of its own (query order, or a Huffman tree
of the parts' sizes); the engine adds in the order it declares (``engine.scoring``),
which the browser's engine shares. The last bits of a sum may differ, so scores are
compared to ``TOLERANCE``, and two notes may trade places only where their scores tie
to it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from urllib.parse import quote

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from museumxtd_search.analysis.query import parse_query
from museumxtd_search.engine import queries
from museumxtd_search.engine.search import ClauseTerms
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.rules import (
    CONTENT_FIELDS,
    EXACT_WEIGHT,
    FIELD_LANGUAGE,
    FIELD_WEIGHTS,
    POSITIONAL_FIELDS,
    PROXIMITY_SLOP,
    PROXIMITY_WEIGHT,
    TITLE_FIELDS,
)
from museumxtd_search.text.keys import key

TOLERANCE = 1e-9


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def scores_agree(found: dict[int, float], expected: dict[int, float]) -> bool:
    """The same notes, with scores equal to ``TOLERANCE``."""
    return found.keys() == expected.keys() and all(
        close(score, expected[doc]) for doc, score in found.items())


@dataclass
class Ranked:
    """What the ranking decides: how many notes, which are shown, their exact scores."""

    total: int
    suggestion: str | None
    warnings: list[str]
    results: list[tuple[str, float]]  # (path, unrounded score)


def whoosh_query(query: queries.Query) -> wq.Query:
    """The Whoosh query an engine query stands for."""
    if isinstance(query, queries.Term):
        return wq.Term(query.field, query.text, boost=query.boost)
    if isinstance(query, queries.Phrase):
        return wq.Phrase(query.field, list(query.words), slop=query.slop, boost=query.boost)
    if not query.parts:
        return wq.NullQuery
    return wq.Or([whoosh_query(part) for part in query.parts])


def clause_query(analysed: ClauseTerms) -> wq.Query:
    fields = (TITLE_FIELDS if analysed.field == "title" else
              CONTENT_FIELDS if analysed.field == "content" else tuple(FIELD_WEIGHTS))
    parts: list[wq.Query] = []
    for name in fields:
        weight = FIELD_WEIGHTS[name]
        alternatives = analysed.english if FIELD_LANGUAGE.get(name) == "en" else analysed.french
        for group in alternatives:
            if len(group) == 1:
                parts.append(wq.Term(name, group[0], boost=weight))
            elif name in POSITIONAL_FIELDS:
                parts.append(wq.Phrase(name, group, boost=weight))
    if analysed.field is None and not analysed.phrase:
        parts += [wq.Term("exact", w, boost=EXACT_WEIGHT) for w in analysed.exact]
    return wq.Or(parts) if parts else wq.NullQuery


def proximity_query(units: list[list[ClauseTerms]]) -> wq.Query | None:
    words = [u[0].french[0][0] for u in units
             if len(u) == 1 and u[0].french and len(u[0].french) == 1
             and len(u[0].french[0]) == 1 and u[0].field is None]
    if len(words) < 2:
        return None
    return wq.Or([wq.Phrase(name, words, slop=PROXIMITY_SLOP,
                            boost=FIELD_WEIGHTS[name] * PROXIMITY_WEIGHT)
                  for name in POSITIONAL_FIELDS if FIELD_LANGUAGE.get(name) != "en"])


def whoosh_rank(garden: GardenSearcher, reader: IndexReader, text: str, limit: int = 10,
                tags: tuple[str, ...] = (), links_to: str | None = None) -> Ranked:
    """``garden.search(...)`` ranked by Whoosh's own matchers, on ``reader``: Whoosh's
    reader of the same index (``storage_segments.open_index(garden.generation).reader()``)."""
    searcher = Searcher(reader, closereader=False)

    def path(doc: int) -> str:
        return reader.stored_fields(doc)["path"]

    parsed = parse_query(text)
    warnings = list(parsed.warnings)
    suggestion = garden._repair(parsed)
    if suggestion:
        parsed = parse_query(suggestion)
    filters = [wq.Term("tag_keys", key(t)) for t in (*tags, *parsed.tags) if key(t)]
    if links_to is not None:
        target = garden.link_table.resolve_target(links_to)
        if target is None:
            warnings.append(f"no note named {links_to!r}: nothing links to it")
            return Ranked(0, suggestion, warnings, [])
        filters.append(wq.Term("link_paths", quote(target, safe="/")))
    units = [[garden.clause_terms(c) for c in unit] for unit in parsed.units]
    unit_queries = [wq.Or([clause_query(c) for c in unit]) for unit in units]
    mask = None
    if parsed.excluded:
        mask = wq.Or([clause_query(garden.clause_terms(c)) for c in parsed.excluded])
    filter_query = wq.And(filters) if filters else None
    if not unit_queries:
        if filter_query is None:
            return Ranked(0, suggestion, warnings, [])
        docs = set(searcher.docs_for_query(filter_query))
        if mask is not None:
            docs -= set(searcher.docs_for_query(mask))
        listed = sorted((json.loads(reader.stored_fields(d)["meta"])["title"].lower(), d)
                        for d in docs)
        return Ranked(len(docs), suggestion, warnings,
                      [(path(d), 0.0) for _, d in listed[:limit]])
    scoring = list(unit_queries)
    proximity = proximity_query(units)
    if proximity is not None:
        scoring.append(proximity)
    results = searcher.search(wq.Or(scoring), limit=None, filter=filter_query, mask=mask)
    scored = {docnum: score for score, docnum in results.top_n}
    unit_docs = [set(searcher.docs_for_query(q)) for q in unit_queries]
    exact_docs: set[int] = set()
    if parsed.plain and (query_key := key(suggestion or text)):
        exact_docs = set(searcher.docs_for_query(wq.Term("keys", query_key)))
    boosts = {d: json.loads(reader.stored_fields(d)["meta"])["boost"]
              for d in searcher.docs_for_query(wq.Term("boosted", "yes"))}

    def rank(docnum: int) -> tuple[int, bool, float, str]:
        return (-sum(docnum in docs for docs in unit_docs), docnum not in exact_docs,
                -scored[docnum] * boosts.get(docnum, 1.0), path(docnum))

    ranked = sorted(scored, key=rank)
    return Ranked(len(ranked), suggestion, warnings,
                  [(path(d), scored[d] * boosts.get(d, 1.0)) for d in ranked[:limit]])


def engine_rank(garden: GardenSearcher, text: str, limit: int = 10,
                tags: tuple[str, ...] = (), links_to: str | None = None) -> Ranked:
    """``garden.search(...)`` as the same record."""
    response = garden.search(text, limit=limit, tags=tags, links_to=links_to)
    return Ranked(response.total, response.suggestion, response.warnings,
                  [(hit.path, hit.score) for hit in response.results])


def same_ranking(found: Ranked, expected: Ranked) -> bool:
    """The same total, suggestion and warnings; at each place a score equal to
    ``TOLERANCE``, and the same note unless the two tie to it."""
    if (found.total, found.suggestion, found.warnings, len(found.results)) != (
            expected.total, expected.suggestion, expected.warnings, len(expected.results)):
        return False
    return all(close(a, b) for (_, a), (_, b) in zip(found.results, expected.results,
                                                      strict=True))
