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

import heapq
import json
from bisect import bisect_left
from collections.abc import Callable
from itertools import compress
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

from museumxtd_search.analysis.facets import facet_keys, note_facets
from museumxtd_search.analysis.pipeline import terms, tokens
from museumxtd_search.analysis.query import (
    Alternative,
    Clause,
    Filter,
    Group,
    ParsedQuery,
    choice_clauses,
    filter_words,
    parse_query,
)
from museumxtd_search.analysis.snippets import make_snippets, section_holds_all, shown_text
from museumxtd_search.analysis.typos import allowed_edits, best_correction, prefix_expansions
from museumxtd_search.engine.bm25f import IndexStatistics
from museumxtd_search.engine.pruning import rank_pruned
from museumxtd_search.engine.queries import NOTHING, AnyOf, Phrase, Query, Term
from museumxtd_search.engine.ranking import rank
from museumxtd_search.engine.scoring import IndexScorer, SegmentScorer
from museumxtd_search.engine.storage.postings import leaf_segments
from museumxtd_search.rules import (
    CONTENT_FIELDS,
    EXACT_WEIGHT,
    FIELD_LANGUAGE,
    FIELD_WEIGHTS,
    FILTER_FIELD,
    MAX_CORRECTIONS,
    POSITIONAL_FIELDS,
    PROXIMITY_SLOP,
    PROXIMITY_WEIGHT,
    TITLE_FIELDS,
)
from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import key

if TYPE_CHECKING:
    from museumxtd_search.engine.storage.reader import IndexFiles
    from museumxtd_search.vault.resolver import LinkTable



class Hit(NamedTuple):
    """One result. The classes of a search are named tuples: see ``vault.warning``."""

    path: str
    title: str
    score: float
    tags: list[str]
    snippet: str
    highlights: list[tuple[int, int]]
    section: str = ""
    anchor: str = ""
    # The note's date, YYYY-MM-DD (front matter, else last commit, else file time).
    date: str = ""
    # Up to rules.SECTIONS_SHOWN sections holding the words, best first, each a dict
    # {"section", "anchor", "snippet", "highlights"}; the first is the fields above.
    sections: list[dict[str, object]] = []  # noqa: RUF012 - a named tuple's default

    def to_json(self) -> dict[str, object]:
        data = self._asdict()
        data["score"] = round(self.score, 4)
        data["highlights"] = [list(h) for h in self.highlights]
        data["sections"] = [{**part, "highlights": [list(h) for h in part["highlights"]]}
                            for part in self.sections]
        return data


class SearchResponse(NamedTuple):
    query: str
    total: int
    suggestion: str | None
    results: list[Hit]
    warnings: list[str]
    # Asked for (``facets=``): facet name ("tags", then each declared property) ->
    # [[value, notes among all the results], ...], most notes first, then by key.
    facets: dict[str, list[list]] | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "query": self.query,
            "total": self.total,
            "suggestion": self.suggestion,
            "results": [hit.to_json() for hit in self.results],
            "warnings": self.warnings,
        }
        if self.facets is not None:
            data["facets"] = self.facets
        return data


class ClauseTerms(NamedTuple):
    """The analysed form of one clause: alternatives, each a list of terms to find together."""

    french: list[list[str]]
    english: list[list[str]]
    exact: list[str]
    field: str | None
    phrase: bool
    # A partner's term -> the clause's own term it stands for (excerpts count them as
    # one word when choosing a section).
    alike: dict[str, str] = {}  # noqa: RUF012 - a named tuple's default, never changed


def facet_counts(notes: list[tuple[list[str], list[list[str]]]],
                 wanted: list[tuple[str, str]]) -> dict[str, list[list]]:
    """Facets of ``notes`` ((tags, properties [name, text, role]) in path order) for the
    properties ``wanted`` ((name, key)): see ``Searcher.search``. The client index
    gives the browser each note's values from the same function (``note_facets``)."""
    counts: dict[str, dict[str, list]] = {"tags": {}}
    for name, _ in wanted:
        counts.setdefault(name, {})
    for tags, properties in notes:
        for facet, values in note_facets(tags, properties, wanted).items():
            table = counts[facet]
            for value_key, value in values:
                if value_key in table:
                    table[value_key][1] += 1
                else:
                    table[value_key] = [value, 1]
    return {facet: [entry for _, entry in sorted(table.items(),
                                                 key=lambda item: (-item[1][1], item[0]))]
            for facet, table in counts.items()}


def filter_queries(wanted: Filter) -> list[Query]:
    """What a filter operator asks of the index: terms a note must all have, one per
    word of its value, in the filter field (``rules.FILTER_FIELD``) or the tag keys."""
    if wanted.kind == "tag":
        return [Term("tag_keys", key(wanted.value))]
    if wanted.kind == "property" and not wanted.value:
        return [Term(FILTER_FIELD, f"has:{key(wanted.name)}")]
    prefix = f"prop:{key(wanted.name)}:" if wanted.kind == "property" else f"{wanted.kind}:"
    return [Term(FILTER_FIELD, prefix + word) for word in filter_words(wanted.value)]


class Searcher:
    """Answers queries from an open index: create once, query many times.

    It is given the index's files, the build's collection statistics (``None``: take
    Whoosh's own), and two loaders called on first use: the vocabulary
    (``{"words": {folded word: notes}, "spellings": {folded: spelling}}``) and the
    garden's link table (for ``links_to``). Where these come from is the index's
    business (``index.searcher``).
    """

    def __init__(self, files: IndexFiles, statistics: dict | None,
                 vocabulary: Callable[[], dict], link_table: Callable[[], LinkTable]) -> None:
        self.files = files
        self._load_vocabulary_file = vocabulary
        self._load_link_table = link_table
        # Scoring reads the segments directly (engine/scoring.py); nothing here is
        # proportional to the garden until a query needs it.
        segments = leaf_segments(files)
        self.scorer = IndexScorer(segments, IndexStatistics(segments, statistics))
        self._vocabulary: list[tuple[str, int]] | None = None
        self._sorted_words: list[str] | None = None
        self._words_by_length: dict[int, list[tuple[str, int, frozenset[str]]]] | None = None
        self._link_table: LinkTable | None = None
        self._boosts: dict[int, float] | None = None
        self._title_column = None  # the title_order column, opened by the first listing
        self._titles: dict[int, bytes] = {}  # its values read so far, by document
        self._corrections: dict[str, str | None] = {}
        self._vocabulary_file: dict[str, dict] | None = None

    def close(self) -> None:
        self.files.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- vocabulary -------------------------------------------------------------
    def _load_vocabulary(self) -> dict[str, dict]:
        if self._vocabulary_file is None:
            self._vocabulary_file = self._load_vocabulary_file()
        return self._vocabulary_file

    @property
    def vocabulary(self) -> list[tuple[str, int]]:
        """(folded word, notes containing it) for every word of the garden."""
        if self._vocabulary is None:
            self._vocabulary = list(self._load_vocabulary()["words"].items())
        return self._vocabulary

    def words_starting_with(self, prefix: str) -> list[tuple[str, int]]:
        """(word, notes) of the vocabulary words starting with ``prefix``: all that
        ``prefix_expansions`` keeps, found by bisection instead of a scan."""
        if self._sorted_words is None:
            self._sorted_words = sorted(self._load_vocabulary()["words"])
        words, notes = self._sorted_words, self._load_vocabulary()["words"]
        found = []
        for at in range(bisect_left(words, prefix), len(words)):
            if not words[at].startswith(prefix):
                break
            found.append((words[at], notes[words[at]]))
        return found

    @property
    def display_forms(self) -> dict[str, str]:
        """Folded word -> its most frequent accented spelling (ties: first in byte order)."""
        return self._load_vocabulary()["spellings"]

    def known(self, clause: Clause) -> bool:
        """Whether the clause's words occur anywhere in the garden, as spelt."""
        words = [fold(t.surface) for t in tokens(normalize(clause.text))]
        vocabulary = self._load_vocabulary()["words"]
        return bool(words) and all(w in vocabulary for w in words)

    def known_by_stem(self, clause: Clause) -> bool:
        """Whether each word of the clause occurs as spelt or is another form of a
        word that does: its stem is indexed (``numérisations`` where the garden only
        writes ``numérisation``, ``photographs`` where it writes ``photograph``).
        Such a word finds notes as typed, so it must not be "corrected" to the
        nearest spelling, which may be a word of another stem (``photography``)."""
        vocabulary = self._load_vocabulary()["words"]
        words = [t.surface for t in tokens(normalize(clause.text))]
        return bool(words) and all(fold(w) in vocabulary or self._stem_indexed(w)
                                   for w in words)

    def _stem_indexed(self, word: str) -> bool:
        """Whether a term of ``word`` (French, or English in the English fields) is
        in a field a word clause searches."""
        french, english = terms(word), terms(word, "en")
        return any(self.scorer.doc_count(Term(name, term))
                   for name in FIELD_WEIGHTS
                   for term in (english if FIELD_LANGUAGE.get(name) == "en" else french))

    @property
    def link_table(self) -> LinkTable:
        if self._link_table is None:
            self._link_table = self._load_link_table()
        return self._link_table

    # --- query building ---------------------------------------------------------
    def clause_terms(self, clause: Clause) -> ClauseTerms:
        if clause.kind == "prefix":
            prefix = fold(normalize(clause.text).lower())
            words = prefix_expansions(prefix, self.words_starting_with(prefix))
            return ClauseTerms([[w] for w in _unique(t for w in words for t in terms(w))],
                               [[w] for w in _unique(t for w in words for t in terms(w, "en"))],
                               [], clause.field, False)
        french, english = terms(clause.text), terms(clause.text, "en")
        exact = [t.surface for t in tokens(normalize(clause.text))]
        french_groups = [french] if french else []
        english_groups = [english] if english else []
        alike: dict[str, str] = {}
        own = (french or english or [""])[0]
        # The word in the garden's other language, and a word typed with hyphens
        # written in one piece (``e-mail`` finds ``email``; the index holds ``e-mail``
        # in one piece too: ``analysis.pipeline.indexed_terms``).
        for partner in [*self.partners(clause), *joined_word(clause)]:
            for group, groups in ((terms(partner), french_groups),
                                  (terms(partner, "en"), english_groups)):
                if group:
                    groups.append(group)
                    alike.update((term, own) for term in group if term not in (*french, *english))
        return ClauseTerms(french_groups, english_groups, exact,
                           clause.field, clause.kind == "phrase" or len(french) > 1, alike)

    def partners(self, clause: Clause) -> list[str]:
        """The words the garden pairs with a one-word clause across languages: a
        note writes them as one notion (``numérisation (digitization)``, a title and
        its alias: ``AnalyzedNote.pairs``) and one is a word of the French notes, the
        other of the English notes (``crosses_languages``). No dictionary: the
        garden's own pairs, confirmed by its own notes."""
        if clause.kind != "word" or clause.field is not None:
            return []
        word = fold(normalize(clause.text).lower())
        return [other for other in self._load_vocabulary().get("pairs", {}).get(word, [])
                if self.crosses_languages(word, other) or self.crosses_languages(other, word)]

    def crosses_languages(self, french: str, english: str) -> bool:
        """Whether ``french`` is a word of the French notes more than of the English
        ones, and ``english`` of the English notes at least as much as of the French
        ones (where the pairing notes themselves quote it); notes counted by their
        body's terms."""
        french_notes, french_in_english = self._language_notes(french)
        english_in_french, english_notes = self._language_notes(english)
        return french_notes > french_in_english and english_notes >= max(english_in_french, 1)

    def _language_notes(self, word: str) -> tuple[int, int]:
        """(French notes, English notes) whose body holds the word's first term."""
        french, english = terms(word), terms(word, "en")
        count = self.scorer.doc_count
        return (count(Term("body", french[0])) if french else 0,
                count(Term("body_en", english[0])) if english else 0)

    def clause_query(self, analysed: ClauseTerms) -> Query:
        fields = (TITLE_FIELDS if analysed.field == "title" else
                  CONTENT_FIELDS if analysed.field == "content" else tuple(FIELD_WEIGHTS))
        parts: list[Query] = []
        for name in fields:
            weight = FIELD_WEIGHTS[name]
            alternatives = analysed.english if FIELD_LANGUAGE.get(name) == "en" else analysed.french
            for group in alternatives:
                if len(group) == 1:
                    parts.append(Term(name, group[0], boost=weight))
                elif name in POSITIONAL_FIELDS:
                    parts.append(Phrase(name, tuple(group), boost=weight))
        if analysed.field is None and not analysed.phrase:
            parts += [Term("exact", w, boost=EXACT_WEIGHT) for w in analysed.exact]
        return AnyOf(tuple(parts)) if parts else NOTHING

    def proximity_query(self, units: list[list[ClauseTerms]]) -> Query | None:
        """Bonus for single words of the query standing close together, in order.

        Its phrases are lazy: they never decide whether a note matches (each word is
        also a unit of its own), so they are checked only where they could change
        the shown results.
        """
        words = tuple(u[0].french[0][0] for u in units
                      if len(u) == 1 and u[0].french and len(u[0].french) == 1
                      and len(u[0].french[0]) == 1 and u[0].field is None)
        if len(words) < 2:
            return None
        return AnyOf(tuple(Phrase(name, words, slop=PROXIMITY_SLOP,
                                  boost=FIELD_WEIGHTS[name] * PROXIMITY_WEIGHT, lazy=True)
                           for name in POSITIONAL_FIELDS if FIELD_LANGUAGE.get(name) != "en"))

    # --- search -----------------------------------------------------------------
    def search(self, text: str, limit: int = 10, tags: tuple[str, ...] = (),
               links_to: str | None = None, kind: str | None = None, any_tag: bool = False,
               sort: str = "relevance", facets: tuple[str, ...] | None = None
               ) -> SearchResponse:
        """Run ``text`` (may be empty when ``links_to`` or ``tags`` is given).

        ``tags`` must all be on a note, or any one of them with ``any_tag`` (the
        query's own ``tag:`` filters always all). ``sort="date"``: newest first, the
        relevance order among notes of one date. ``facets``: the property names to
        count besides tags over all the results (``None``: no facets). ``kind``
        (``"note"``, ``"pdf"``…: ``schema.document_kind``) keeps that kind only.
        """
        response = self._search(text, limit, tags, links_to, kind, any_tag,
                                sort == "date", facets is not None)
        if facets is None:
            return response[0]
        found, docs = response
        return found._replace(facets=self._facets(docs, facets))

    def _search(self, text: str, limit: int, tags: tuple[str, ...], links_to: str | None,
                kind: str | None, any_tag: bool, by_date: bool, want_docs: bool
                ) -> tuple[SearchResponse, set[int]]:
        """``search``, and (``want_docs``) the numbers of every note of the results."""
        parsed = parse_query(text)
        warnings = list(parsed.warnings)
        suggestion = self._repair(parsed)
        if suggestion:
            parsed = parse_query(suggestion)
        given = [Term("tag_keys", key(t)) for t in tags if key(t)]
        if any_tag and len(given) > 1:
            given = [AnyOf(tuple(given))]
        filters: list[Query] = given + [Term("tag_keys", key(t)) for t in parsed.tags if key(t)]
        negated: list[list[Query]] = []
        sections = [wanted for wanted in parsed.filters if wanted.kind == "section"]
        for wanted in parsed.filters:
            if wanted.kind == "section":
                continue
            if wanted.negated:
                negated.append(filter_queries(wanted))
            else:
                filters.extend(filter_queries(wanted))
        if links_to is not None:
            target = self.link_table.resolve_target(links_to)
            if target is None:
                warnings.append(f"no note named {links_to!r}: nothing links to it")
                return SearchResponse(text, 0, suggestion, [], warnings), set()
            filters.append(Term("link_paths", quote(target, safe="/")))
        if kind is not None:
            filters.append(Term("kind", kind))
        units = [[self.clause_terms(c) for c in unit] for unit in parsed.units]
        unit_queries = [AnyOf(tuple(self.clause_query(c) for c in unit)) for unit in units]
        scorers = self.scorer.scorers()
        mask: set[int] = set()
        if parsed.excluded:
            mask = self.scorer.docs(
                AnyOf(tuple(self.clause_query(self.clause_terms(c)) for c in parsed.excluded)),
                scorers)
        for words in negated:  # -[auteur:Jean Dupont]: notes having both words
            left_out = self.scorer.docs(words[0], scorers)
            for query in words[1:]:
                left_out &= self.scorer.docs(query, scorers)
            mask |= left_out
        allowed: set[int] | None = None
        for query in filters:
            docs = self.scorer.docs(query, scorers)
            allowed = docs if allowed is None else allowed & docs
        for wanted in sections:
            docs = self._section_docs(wanted.value, scorers)
            if wanted.negated:
                mask |= docs
            else:
                allowed = docs if allowed is None else allowed & docs
        # A choice (an OR holding a filter or a group) is kept by every result; its
        # words score after the units', as one more unit (summed as OR always is).
        for choice in parsed.choices:
            docs = self._choice_docs(choice, scorers)
            allowed = docs if allowed is None else allowed & docs
        for group in parsed.excluded_groups:
            mask |= self._group_docs(group, scorers)
        choice_units = [[self.clause_terms(c) for c in clauses]
                        for choice in parsed.choices if (clauses := choice_clauses(choice))]
        unit_queries += [AnyOf(tuple(self.clause_query(c) for c in unit))
                         for unit in choice_units]
        if not unit_queries:
            if allowed is None:
                return SearchResponse(text, 0, suggestion, [], warnings), set()
            listed = allowed - mask
            response = self._list(text, listed, len(listed) if by_date else limit,
                                  suggestion, warnings)
            if by_date:
                response = response._replace(results=self._newest_first(
                    response.results, lambda hit: hit.date)[:limit])
            return response, listed
        title_docs: set[int] = set()
        if parsed.plain and (query_key := key(suggestion or text)):
            title_docs = self.scorer.docs(Term("keys", query_key), scorers)
        bonus = self.proximity_query(units)
        pruned = None
        if not choice_units and allowed is None and not mask and not by_date \
                and not want_docs:
            # Results ordered by score alone: max-score leaves cheap long lists unscored.
            pruned = rank_pruned(self.scorer, scorers, unit_queries, bonus, title_docs,
                                 self._boost_of(scorers), limit, self._paths)
        if pruned is not None:
            total, ranked = pruned
        else:
            matches = self.scorer.matches(unit_queries, bonus, scorers)
            if choice_units:
                # Every note the filters keep satisfies each choice, scored or not (one
                # kept by a choice's filter alone scores 0.0): each counts as matched.
                matches = matches._replace(unit_docs=matches.unit_docs[:len(units)]
                                           + [allowed] * len(choice_units))
            total, ranked = rank(matches, allowed, mask, title_docs, self._boost_of(scorers),
                                 len(matches.low) if by_date else limit, self._paths,
                                 every_allowed=bool(choice_units))
        if by_date:
            ranked = self._newest_first(ranked, lambda item: self._date_of(item[0]))[:limit]
        query_terms = {t for unit in units + choice_units for c in unit
                       for g in (*c.french, *c.english) for t in g}
        alike = {term: own for unit in units + choice_units for c in unit
                 for term, own in c.alike.items()}
        hits = [self._hit(d, score, query_terms, alike) for d, score in ranked]
        docs: set[int] = set()
        if want_docs:
            # The notes rank() counted: every scored note, kept by the filters.
            docs = set(allowed) if choice_units and allowed is not None else \
                set(compress(range(len(matches.low)), matches.low))
            if allowed is not None:
                docs &= allowed
            docs -= mask
        return SearchResponse(text, total, suggestion, hits, warnings), docs

    def _filter_docs(self, wanted: Filter, scorers: list[SegmentScorer]) -> set[int]:
        """The notes a filter keeps (its negation left to the caller)."""
        if wanted.kind == "section":
            return self._section_docs(wanted.value, scorers)
        queries = filter_queries(wanted)
        docs = self.scorer.docs(queries[0], scorers)
        for query in queries[1:]:
            docs &= self.scorer.docs(query, scorers)
        return docs

    def _clause_docs(self, clause: Clause, scorers: list[SegmentScorer]) -> set[int]:
        return self.scorer.docs(self.clause_query(self.clause_terms(clause)), scorers)

    def _choice_docs(self, choice: list[Alternative],
                     scorers: list[SegmentScorer]) -> set[int]:
        """The notes any alternative of an ``OR`` matches: a word, a filter, a group."""
        found: set[int] = set()
        for alternative in choice:
            if isinstance(alternative, Clause):
                found |= self._clause_docs(alternative, scorers)
            elif isinstance(alternative, Group):
                found |= self._group_docs(alternative, scorers)
            else:
                found |= self._filter_docs(alternative, scorers)
        return found

    def _group_docs(self, group: Group, scorers: list[SegmentScorer]) -> set[int]:
        """The notes matching all of a group (Obsidian's meaning: inside parentheses
        every word must match, not only rank higher). The parser only makes groups
        that ask for something, so there is always a first set to narrow."""
        found: set[int] | None = None
        parts: list[set[int]] = [set().union(*(self._clause_docs(c, scorers) for c in unit))
                                 for unit in group.units]
        parts += [self._choice_docs(choice, scorers) for choice in group.choices]
        parts += [self._filter_docs(wanted, scorers) for wanted in group.filters
                  if not wanted.negated]
        for docs in parts:
            found = docs if found is None else found & docs
        found = found or set()
        for clause in group.excluded:
            found -= self._clause_docs(clause, scorers)
        for wanted in group.filters:
            if wanted.negated:
                found -= self._filter_docs(wanted, scorers)
        for inner in group.excluded_groups:
            found -= self._group_docs(inner, scorers)
        return found

    def _section_docs(self, value: str, scorers: list[SegmentScorer]) -> set[int]:
        """The notes with a section holding every word of ``value`` (``section:``): of
        the notes whose text has them all, those where one section does."""
        candidates: set[int] | None = None
        for word in value.split():
            found: set[int] = set()
            for field, word_terms in (("body", terms(word)), ("body_en", terms(word, "en"))):
                if word_terms:
                    docs = self.scorer.docs(Term(field, word_terms[0]), scorers)
                    for term in word_terms[1:]:
                        docs &= self.scorer.docs(Term(field, term), scorers)
                    found |= docs
            if not terms(word) and not terms(word, "en"):
                continue  # a stop word: nothing to look for
            candidates = found if candidates is None else candidates & found
        kept = set()
        for doc in candidates or ():
            meta = json.loads(self.files.stored_fields(doc)["meta"])
            language = "en" if meta["language"] == "en" else "fr"
            if section_holds_all(meta["text"], meta["sections"],
                                 [terms(word, language) for word in value.split()], language):
                kept.add(doc)
        return kept

    @staticmethod
    def _newest_first(items: list, date_of: Callable) -> list:
        """``items`` (in ranking order) by date, newest first; a stable sort, so notes of
        one date keep their ranking order (undated notes last)."""
        return sorted(items, key=date_of, reverse=True)

    def _date_of(self, doc: int) -> str:
        return json.loads(self.files.stored_fields(doc)["meta"]).get("date", "")

    def _facets(self, docs: set[int], names: tuple[str, ...]) -> dict[str, list[list]]:
        """Per facet, [[value, notes], ...] among ``docs``: "tags" (a nested tag's
        parents counted too), then each property of ``names`` (each item of a list
        counts). Most notes first, then by key; a value is shown as first written in
        path order."""
        metas = sorted(((self._path_of(doc), json.loads(self.files.stored_fields(doc)["meta"]))
                        for doc in docs), key=lambda item: item[0])
        wanted = facet_keys(names)
        return facet_counts([(meta["tags"], meta.get("properties", [])) for _, meta in metas],
                            wanted)

    def _paths(self, docs: list[int]) -> dict[int, str]:
        """Paths of the notes tied on everything else: equal ranks are ordered by path
        (document numbers do not follow paths after incremental updates, nor across
        the segments of a parallel build), reading only these notes' stored fields."""
        return {doc: self.files.stored_fields(doc)["path"] for doc in docs}

    def _list(self, text: str, docs: set[int], limit: int, suggestion: str | None,
              warnings: list[str]) -> SearchResponse:
        """No words, only filters: every matching note, by lowercase title, then path.

        Titles come from the ``title_order`` column, each read at most once per searcher
        (a column read costs about 10 µs, and a tag may hold most of the garden); only
        notes with equal titles read their paths."""
        if self._title_column is None:
            self._title_column = self.files.column("title_order")
        column, titles = self._title_column, self._titles
        for doc in docs:
            if doc not in titles:
                titles[doc] = column[doc]
        count = limit if limit >= 0 else len(docs) + limit  # as listed[:limit] would slice
        by_title = heapq.nsmallest(count, docs, key=lambda doc: (titles[doc], doc))
        if by_title and len(by_title) < len(docs):
            # Notes tied with the last one shown may come before it by path.
            last = titles[by_title[-1]]
            by_title = [d for d in by_title if titles[d] != last]
            tied = [d for d in docs if titles[d] == last]
            by_title += sorted(tied, key=self._path_of)[:count - len(by_title)]
        listed = sorted(by_title, key=lambda doc: (titles[doc], self._path_of(doc)))
        return SearchResponse(text, len(docs), suggestion,
                              [self._hit(d, 0.0, set()) for d in listed], warnings)

    def _path_of(self, doc: int) -> str:
        return self.files.stored_fields(doc)["path"]

    def _boost_of(self, scorers: list[SegmentScorer]) -> dict[int, float]:
        """search_boost of the boosted notes (read once per searcher)."""
        if self._boosts is None:
            self._boosts = {d: json.loads(self.files.stored_fields(d)["meta"])["boost"]
                            for d in self.scorer.docs(Term("boosted", "yes"), scorers)}
        return self._boosts

    def _hit(self, docnum: int, score: float, query_terms: set[str],
             alike: dict[str, str] | None = None) -> Hit:
        stored = self.files.stored_fields(docnum)
        meta = json.loads(stored["meta"])
        # A note made only of front matter shows its properties (vault.properties).
        snippets = make_snippets(shown_text(meta["text"], meta.get("properties", ())),
                                 meta["sections"], query_terms,
                                 "en" if meta["language"] == "en" else "fr", alike=alike)
        snippet = snippets[0]
        return Hit(stored["path"], meta["title"], score, meta["tags"], snippet.text,
                   snippet.highlights, snippet.section, snippet.anchor, meta.get("date", ""),
                   [{"section": part.section, "anchor": part.anchor, "snippet": part.text,
                     "highlights": part.highlights} for part in snippets])

    def _repair(self, parsed: ParsedQuery) -> str | None:
        """Rewrite words that match nothing: last word as a prefix, others as typos
        (a word whose spelling is new but whose stem is indexed is left as typed).

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
                    prefix_expansions(folded, self.words_starting_with(folded)):
                replacements[clause.token] = (clause.text, clause.text + "*")
                continue
            if self.known_by_stem(clause):
                continue
            if allowed_edits(folded) == 0 or corrections == MAX_CORRECTIONS:
                continue
            corrections += 1
            correction = self._correction(folded)
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


    def _correction(self, folded: str) -> str | None:
        """``best_correction`` of ``folded`` over the vocabulary, once per searcher (a
        vocabulary's worth of edit distances: the analysis caches its words likewise)."""
        if folded not in self._corrections:
            self._corrections[folded] = best_correction(
                folded, self._correction_candidates(folded))
        return self._corrections[folded]

    def _correction_candidates(self, folded: str) -> list[tuple[str, int]]:
        """The vocabulary words ``best_correction`` could pick for ``folded``: no farther
        in length than the edits allowed, and missing (or adding) no more distinct
        letters than that (each edit removes or adds at most one letter). Checking
        these first spares the edit distance of most of the vocabulary."""
        if self._words_by_length is None:
            self._words_by_length = {}
            for word, notes in self.vocabulary:
                self._words_by_length.setdefault(len(word), []).append(
                    (word, notes, frozenset(word)))
        limit = allowed_edits(folded)
        letters = frozenset(folded)
        found = []
        for size in range(len(folded) - limit, len(folded) + limit + 1):
            for word, notes, other in self._words_by_length.get(size, ()):
                if len(letters - other) <= limit and len(other - letters) <= limit:
                    found.append((word, notes))
        return found


def joined_word(clause: Clause) -> list[str]:
    """A word clause typed with hyphens (``e-mail``, ``audio-guide``), written without
    them: searched beside it, as one of its forms."""
    return [clause.text.replace("-", "")] if clause.kind == "word" and "-" in clause.text else []


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
