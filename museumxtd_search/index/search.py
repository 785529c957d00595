"""Answer a query from the Whoosh index: the ranking rules of the product.

Ranking, in order of precedence (the browser client applies the same rules):

1. notes matching more parts of the query first (all words beat all-but-one);
2. a note whose title, name or alias *is* the query comes first among those;
3. then the BM25F score: field-weighted BM25 sums, plus a proximity bonus when
   the words stand close together, plus a small bonus for exact accents,
   multiplied by the note's ``search_boost``;
4. then the path, so equal scores have a stable order.

A query word that matches nothing is read as a prefix when it is the last word
(``strat`` -> ``stratégie``), else corrected to the closest real word of the
garden, and the response says so (``suggestion``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

import whoosh.index
from whoosh import query as wq
from whoosh.searching import Searcher as WhooshSearcher

from museumxtd_search.analysis.fields import (
    EXACT_WEIGHT,
    FIELD_LANGUAGE,
    FIELD_WEIGHTS,
    POSITIONAL_FIELDS,
    PROXIMITY_SLOP,
    PROXIMITY_WEIGHT,
)
from museumxtd_search.analysis.folding import fold, normalize
from museumxtd_search.analysis.pipeline import key, terms, tokens
from museumxtd_search.analysis.query import Clause, ParsedQuery, parse_query
from museumxtd_search.analysis.snippets import make_snippet
from museumxtd_search.analysis.typos import (
    MAX_CORRECTIONS,
    allowed_edits,
    best_correction,
    prefix_expansions,
)
from museumxtd_search.index import store
from museumxtd_search.vault.resolver import LinkTable

TITLE_FIELDS = ("title", "aliases")


class NoIndexError(RuntimeError):
    """There is no complete index in the folder."""


@dataclass
class Hit:
    path: str
    title: str
    score: float
    tags: list[str]
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    section: str = ""
    anchor: str = ""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        data["highlights"] = [list(h) for h in self.highlights]
        return data


@dataclass
class SearchResponse:
    query: str
    total: int
    suggestion: str | None
    results: list[Hit]
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "total": self.total,
            "suggestion": self.suggestion,
            "results": [hit.to_json() for hit in self.results],
            "warnings": self.warnings,
        }


@dataclass
class ClauseTerms:
    """The analysed form of one clause: alternatives, each a list of terms to find together."""

    french: list[list[str]]
    english: list[list[str]]
    exact: list[str]
    field: str | None
    phrase: bool


class GardenSearcher:
    """An open index: create once, query many times (the CLI makes one per process)."""

    def __init__(self, index_dir: Path | str) -> None:
        generation = store.live_generation(Path(index_dir))
        if generation is None:
            raise NoIndexError(f"no index in {index_dir}")
        self.generation = generation
        self.index = whoosh.index.open_dir(str(generation))
        self.searcher: WhooshSearcher = self.index.searcher()
        self.reader = self.searcher.reader()
        self._vocabulary: list[tuple[str, int]] | None = None
        self._link_table: LinkTable | None = None
        # Read now, with the index: a rebuild may switch generations and delete this
        # one while the query runs (Whoosh keeps its open files; we must keep ours).
        self._vocabulary_file: dict[str, dict] | None = store.read_json(
            generation / store.VOCABULARY)

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> GardenSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- vocabulary -------------------------------------------------------------
    def _load_vocabulary(self) -> dict[str, dict]:
        if self._vocabulary_file is None:
            self._vocabulary_file = store.read_json(self.generation / store.VOCABULARY)
        return self._vocabulary_file

    @property
    def vocabulary(self) -> list[tuple[str, int]]:
        """(folded word, notes containing it) for every word of the garden."""
        if self._vocabulary is None:
            self._vocabulary = list(self._load_vocabulary()["words"].items())
        return self._vocabulary

    @property
    def display_forms(self) -> dict[str, str]:
        """Folded word -> its most frequent accented spelling (ties: first in byte order)."""
        return self._load_vocabulary()["spellings"]

    def known(self, clause: Clause) -> bool:
        """Whether the clause's words occur anywhere in the garden."""
        words = [fold(t.surface) for t in tokens(normalize(clause.text))]
        vocabulary = self._load_vocabulary()["words"]
        return bool(words) and all(w in vocabulary for w in words)

    @property
    def link_table(self) -> LinkTable:
        if self._link_table is None:
            try:
                data = store.read_json(self.generation / store.LINKS)
            except FileNotFoundError:
                # A rebuild replaced this generation since we opened it: the new table
                # resolves names at least as well as the one we would have read.
                current = store.live_generation(self.generation.parent)
                if current is None:
                    raise NoIndexError(f"no index in {self.generation.parent}") from None
                data = store.read_json(current / store.LINKS)
            self._link_table = LinkTable.from_json(data)
        return self._link_table

    # --- query building ---------------------------------------------------------
    def clause_terms(self, clause: Clause) -> ClauseTerms:
        if clause.kind == "prefix":
            words = prefix_expansions(fold(normalize(clause.text).lower()), self.vocabulary)
            return ClauseTerms([[w] for w in _unique(t for w in words for t in terms(w))],
                               [[w] for w in _unique(t for w in words for t in terms(w, "en"))],
                               [], clause.field, False)
        french, english = terms(clause.text), terms(clause.text, "en")
        exact = [t.surface for t in tokens(normalize(clause.text))]
        return ClauseTerms([french] if french else [], [english] if english else [], exact,
                           clause.field, clause.kind == "phrase" or len(french) > 1)

    def clause_query(self, analysed: ClauseTerms) -> wq.Query:
        fields = TITLE_FIELDS if analysed.field == "title" else tuple(FIELD_WEIGHTS)
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

    def proximity_query(self, units: list[list[ClauseTerms]]) -> wq.Query | None:
        """Bonus for single words of the query standing close together, in order."""
        words = [u[0].french[0][0] for u in units
                 if len(u) == 1 and u[0].french and len(u[0].french) == 1
                 and len(u[0].french[0]) == 1 and u[0].field is None]
        if len(words) < 2:
            return None
        return wq.Or([wq.Phrase(name, words, slop=PROXIMITY_SLOP,
                                boost=FIELD_WEIGHTS[name] * PROXIMITY_WEIGHT)
                      for name in POSITIONAL_FIELDS if FIELD_LANGUAGE.get(name) != "en"])

    # --- search -----------------------------------------------------------------
    def search(self, text: str, limit: int = 10, tags: tuple[str, ...] = (),
               links_to: str | None = None) -> SearchResponse:
        """Run ``text`` (may be empty when ``links_to`` or ``tags`` is given)."""
        parsed = parse_query(text)
        warnings = list(parsed.warnings)
        suggestion = self._repair(parsed)
        if suggestion:
            parsed = parse_query(suggestion)
        filters = [wq.Term("tag_keys", key(t)) for t in (*tags, *parsed.tags) if key(t)]
        if links_to is not None:
            target = self.link_table.resolve_target(links_to)
            if target is None:
                warnings.append(f"no note named {links_to!r}: nothing links to it")
                return SearchResponse(text, 0, suggestion, [], warnings)
            filters.append(wq.Term("link_paths", quote(target, safe="/")))
        units = [[self.clause_terms(c) for c in unit] for unit in parsed.units]
        unit_queries = [wq.Or([self.clause_query(c) for c in unit]) for unit in units]
        mask = None
        if parsed.excluded:
            mask = wq.Or([self.clause_query(self.clause_terms(c)) for c in parsed.excluded])
        filter_query = wq.And(filters) if filters else None
        if not unit_queries:
            if filter_query is None:
                return SearchResponse(text, 0, suggestion, [], warnings)
            return self._list(text, filter_query, mask, limit, suggestion, warnings)
        scoring = list(unit_queries)
        proximity = self.proximity_query(units)
        if proximity is not None:
            scoring.append(proximity)
        results = self.searcher.search(wq.Or(scoring), limit=None, filter=filter_query,
                                       mask=mask)
        scored = {docnum: score for score, docnum in results.top_n}
        unit_docs = [set(self.searcher.docs_for_query(q)) for q in unit_queries]
        exact_docs: set[int] = set()
        if parsed.plain and (query_key := key(suggestion or text)):
            exact_docs = set(self.searcher.docs_for_query(wq.Term("keys", query_key)))
        boosts = self._boosts()

        def rank(docnum: int) -> tuple[int, bool, float]:
            return (-sum(docnum in docs for docs in unit_docs), docnum not in exact_docs,
                    -scored[docnum] * boosts.get(docnum, 1.0))

        ranked = self._order_ties_by_path(sorted(scored, key=lambda d: (rank(d), d)), rank,
                                          limit)
        query_terms = {t for unit in units for c in unit for g in (*c.french, *c.english)
                       for t in g}
        hits = [self._hit(d, scored[d] * boosts.get(d, 1.0), query_terms)
                for d in ranked[:limit]]
        return SearchResponse(text, len(ranked), suggestion, hits, warnings)

    def _order_ties_by_path(self, ranked: list[int], rank, limit: int) -> list[int]:
        """Equal ranks are ordered by path. Document numbers follow paths after a full
        build; after incremental updates they may not, so the ties that reach the
        shown results are re-sorted by their stored paths (few reads, not thousands)."""
        end = min(limit, len(ranked))
        if end == 0:
            return ranked
        while end < len(ranked) and rank(ranked[end]) == rank(ranked[end - 1]):
            end += 1
        start = 0
        result = list(ranked)
        while start < end:
            stop = start + 1
            while stop < len(ranked) and rank(ranked[stop]) == rank(ranked[start]):
                stop += 1
            if stop - start > 1:
                result[start:stop] = sorted(
                    ranked[start:stop], key=lambda d: self.reader.stored_fields(d)["path"])
            start = stop
        return result

    def _list(self, text: str, filter_query: wq.Query, mask: wq.Query | None, limit: int,
              suggestion: str | None, warnings: list[str]) -> SearchResponse:
        """No words, only filters: every matching note, by title."""
        docs = set(self.searcher.docs_for_query(filter_query))
        if mask is not None:
            docs -= set(self.searcher.docs_for_query(mask))
        stored = sorted((json.loads(self.reader.stored_fields(d)["meta"])["title"].lower(), d)
                        for d in docs)
        return SearchResponse(text, len(docs), suggestion,
                              [self._hit(d, 0.0, set()) for _, d in stored[:limit]], warnings)

    def _boosts(self) -> dict[int, float]:
        return {d: json.loads(self.reader.stored_fields(d)["meta"])["boost"]
                for d in self.searcher.docs_for_query(wq.Term("boosted", "yes"))}

    def _hit(self, docnum: int, score: float, query_terms: set[str]) -> Hit:
        stored = self.reader.stored_fields(docnum)
        meta = json.loads(stored["meta"])
        snippet = make_snippet(meta["text"], meta["sections"], query_terms,
                               "en" if meta["language"] == "en" else "fr")
        return Hit(stored["path"], meta["title"], score, meta["tags"], snippet.text,
                   snippet.highlights, snippet.section, snippet.anchor)

    def _repair(self, parsed: ParsedQuery) -> str | None:
        """Rewrite words that match nothing: last word as a prefix, others as typos.

        When anything was rewritten, the suggestion also shows the other words in their
        garden spelling (``strategie numerque`` -> ``stratégie numérique``).
        """
        clauses = [c for unit in parsed.units for c in unit]
        replacements: dict[int, tuple[str, str]] = {}
        corrections = 0
        for number, clause in enumerate(clauses):
            if clause.kind != "word" or self.known(clause):
                continue
            folded = fold(normalize(clause.text).lower())
            if number == len(clauses) - 1 and len(folded) >= 2 and \
                    prefix_expansions(folded, self.vocabulary):
                replacements[clause.token] = (clause.text, clause.text + "*")
                continue
            if allowed_edits(folded) == 0 or corrections == MAX_CORRECTIONS:
                continue
            corrections += 1
            correction = best_correction(folded, self.vocabulary)
            if correction:
                replacements[clause.token] = (clause.text,
                                              self.display_forms.get(correction, correction))
        if not replacements:
            return None
        for clause in clauses:
            typed = clause.text.lower()
            if clause.kind != "word" or clause.token in replacements or " " in typed:
                continue
            spelling = self.display_forms.get(fold(typed))
            if spelling and spelling != typed:
                replacements[clause.token] = (clause.text, spelling)
        words = list(parsed.tokens)
        for position, (old, new) in replacements.items():
            words[position] = words[position].replace(old, new, 1)
        return " ".join(words)


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def search(index_dir: Path | str, text: str, limit: int = 10, tags: tuple[str, ...] = (),
           links_to: str | None = None) -> SearchResponse:
    """Open the index in ``index_dir``, run one query, close it."""
    with GardenSearcher(index_dir) as searcher:
        return searcher.search(text, limit=limit, tags=tags, links_to=links_to)
