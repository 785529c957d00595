"""The query language, parsed the same way by the CLI and (in JavaScript) by the site.

    réseaux sociaux          every word should match (notes missing a word rank lower)
    "réseaux sociaux"        a phrase: the words next to each other
    médiation OR publics     either word satisfies that part of the query
    NOT brouillon, -brouillon    exclude notes with that word
    strat*                   any word of the garden starting with "strat"
    title:stratégie          match in titles (and names, aliases) only
    tag:ressource            keep notes with that tag (or a tag under it: ressource/web)
    path:Notes, file:musée   keep notes whose path (folders and name), or file name,
                             has these words
    [auteur]                 keep notes with that front matter property
    [auteur:Malraux]         keep notes whose property has these words
    section:(musée 3D)       its words, in notes where one section holds them all

A ``-`` before any filter excludes the notes it keeps.

``AND`` is the default and may be written. Words that are stop words in French and
English (``the``, ``a``) are ignored, and so are those of the language the query reads
as (``le`` in a French query, ``what`` in an English one). Parentheses are read as
spaces (``OR`` joins the words on either side), with a warning when unbalanced. Nothing here can
fail: an unbalanced quote closes at the end of the query, with a warning.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from museumxtd_search.analysis.pipeline import terms
from museumxtd_search.rules import FIELD_QUERY, MAX_QUERY_WORDS
from museumxtd_search.text.folding import normalize
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import Language


class Clause(NamedTuple):
    """One searchable piece: ``kind`` is ``word``, ``phrase`` or ``prefix``.

    ``text`` is the words as typed; ``field`` is ``"title"`` for ``title:`` clauses.
    """

    kind: str
    text: str
    field: str | None = None
    token: int = -1


class Filter(NamedTuple):
    """A filter operator: ``kind`` is ``path``, ``file``, ``property`` or ``tag``;
    ``name`` the property's name (``property`` only); ``value`` the words asked for
    (``""``: the property is there); ``negated`` for ``-``."""

    kind: str
    name: str
    value: str
    negated: bool = False


class ParsedQuery:
    """Units must each match (or rank lower); a unit matches when any of its clauses does.

    A plain class (as ``Clause`` is a named tuple) because the query command imports
    it: see ``vault.warning``.
    """

    __slots__ = ("units", "excluded", "tags", "warnings", "plain", "tokens", "ignored",
                 "filters")

    def __init__(self) -> None:
        self.units: list[list[Clause]] = []
        self.excluded: list[Clause] = []
        self.tags: list[str] = []
        self.warnings: list[str] = []
        self.plain = True
        self.tokens: list[str] = []
        self.ignored: list[str] = []
        self.filters: list[Filter] = []


# A [property(:value)] (spaces allowed inside), a token holding quoted words
# (``title:"a b"``, ``path:"Notes de lecture"``), or anything up to a space.
_TOKEN = re.compile(r'\[[^\]]*\]|(?:[^\s"]*"[^"]*"?)+[^\s"]*|\S+')
_OPERATORS = frozenset(("AND", "&&", "OR", "||", "NOT"))
_FIELD = re.compile(FIELD_QUERY, re.IGNORECASE)
_SECTION_GROUP = re.compile(r"section\s*:\s*\(([^()]*)\)", re.IGNORECASE)


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text`` into units, exclusions, tag filters and warnings (never raises)."""
    query = ParsedQuery()
    text = normalize(text)
    if text.count('"') % 2:
        query.warnings.append("unbalanced quote: read as if closed at the end")
    # section:(a b) is one token, as section:"a b" would be.
    text = _SECTION_GROUP.sub(lambda m: 'section:"' + m.group(1).replace('"', " ") + '"', text)
    if text.count("(") != text.count(")"):
        query.warnings.append("unbalanced parentheses: read as plain words")
    text = text.replace("(", " ").replace(")", " ")
    negate_next = False
    join_next = False
    query.tokens = _TOKEN.findall(text)
    language = query_language(_plain_words(query.tokens))
    kept = 0
    for position, token in enumerate(query.tokens):
        if token in ("AND", "&&"):
            continue
        if token in ("OR", "||"):
            join_next = bool(query.units)
            query.plain = False
            continue
        if token == "NOT":
            negate_next = True
            query.plain = False
            continue
        negate = negate_next or (token.startswith("-") and len(token) > 1 and token != "--")
        negate_next = False
        if token.startswith("-") and negate:
            token = token[1:]
        too_long = False
        for clause in _clauses(token, query, negate):
            clause = clause._replace(token=position)
            if clause.kind == "word" and is_common_word(clause.text, language):
                query.ignored.append(clause.text)
                continue
            if kept == MAX_QUERY_WORDS:
                query.warnings.append(
                    f"query too long: only the first {MAX_QUERY_WORDS} words are searched")
                join_next = False
                too_long = True
                break
            kept += 1
            if negate:
                query.excluded.append(clause)
            elif join_next:
                query.units[-1].append(clause)
            else:
                query.units.append([clause])
            join_next = False
        if too_long:
            break
    if negate_next or join_next:
        query.warnings.append("operator without a word after it was ignored")
    if query.ignored and not query.units and not query.excluded and not query.tags \
            and not query.filters:
        query.warnings.append("only common words (" + ", ".join(query.ignored)
                              + "): nothing to search for")
    return query


def is_common_word(text: str, language: Language = "fr") -> bool:
    """Whether a query word is ignored: a stop word in both languages (``the``, ``a``),
    or in the language the query reads as (``de`` in ``but du projet``, ``what`` in
    ``what is open data``).

    A word that is a stop word in the other language only is a real word here: in
    ``but du projet`` the French noun *but* (aim) is searched, though English drops it.
    """
    french_stop, english_stop = not terms(text, "fr"), not terms(text, "en")
    return (french_stop and english_stop) or (french_stop if language == "fr" else english_stop)


def query_language(words: list[str]) -> Language:
    """The language a query reads as: English when more of its words are stop words in
    English only (``what``, ``how``, ``but``) than in French only (``le``, ``du``,
    ``est``), else French, the gardens' own language."""
    french = english = 0
    for word in words:
        french_stop, english_stop = not terms(word, "fr"), not terms(word, "en")
        french += french_stop and not english_stop
        english += english_stop and not french_stop
    return "en" if english > french else "fr"


def _plain_words(tokens: list[str]) -> list[str]:
    """The plain words among a query's tokens (no operators, phrases, prefixes or
    fields), as typed: what tells the query's language."""
    words = []
    for token in tokens:
        if token in _OPERATORS:
            continue
        if token.startswith("-") and len(token) > 1 and token != "--":
            token = token[1:]
        if _FIELD.match(token) or token.startswith(('"', "[")) or token.endswith("*"):
            continue
        token = token.strip("*?~^")
        if token:
            words.append(token)
    return words


def filter_words(text: str) -> list[str]:
    """The words a filter's value asks for: its analysed terms (``musées`` finds
    ``musée``), or its folded words when it has none (only stop words). The index
    holds both of every value (``analysis.documents.filter_terms``)."""
    return terms(text) or [word for word in key(text).split("_") if word]


def _filter(token: str, query: ParsedQuery, negate: bool) -> None:
    """A ``[property]`` or ``[property:value]`` token, closed: its filter, or a warning."""
    name, _, value = token[1:-1].partition(":")
    name, value = name.strip().strip('"').strip(), value.strip().strip('"').strip()
    if not key(name):
        query.warnings.append(f"{token} names no property (write [auteur] or "
                              "[auteur:Malraux]): ignored")
        return
    if value and not filter_words(value):
        query.warnings.append(f"{token}: the value has no words: ignored")
        return
    query.filters.append(Filter("property", name, value, negate))


def _clauses(token: str, query: ParsedQuery, negate: bool) -> list[Clause]:
    """The clauses of one token: none (a filter), one, or for ``section:(a b)`` each of
    its words (searched as words, and a filter keeps the notes with a section holding
    them all; ``-section:(…)`` is the filter only)."""
    match = _FIELD.match(token)
    if not match or match.group(1).lower() != "section":
        clause = _clause(token, query, negate)
        return [] if clause is None else [clause]
    query.plain = False
    words = [word for word in match.group(2).strip('"').split() if word.strip("*?~^")]
    if not any(terms(word) or terms(word, "en") for word in words):
        query.warnings.append("section: needs words after it (as in section:(musée "
                              "numérique)): ignored")
        return []
    query.filters.append(Filter("section", "", " ".join(words), negate))
    return [] if negate else [Clause("word", word.strip("*?~^")) for word in words]


def _clause(token: str, query: ParsedQuery, negate: bool = False) -> Clause | None:
    field_name = None
    if token.startswith("["):
        query.plain = False
        if token.endswith("]"):
            _filter(token, query, negate)
            return None
        query.warnings.append(f"{token}: [ without ] is read as words")
        token = token.lstrip("[")
    match = _FIELD.match(token)
    if match:
        name, token = match.group(1).lower(), match.group(2)
        query.plain = False
        if name in ("path", "file", "tag", "tags"):
            value = token.strip('"').strip()
            if name.startswith("tag"):
                value = value.lstrip("#")
            if not filter_words(value):
                query.warnings.append(f"{name}: needs words after it (as in {name}:musée): "
                                      "ignored")
            elif name.startswith("tag") and not negate:
                query.tags.append(value)
            else:
                query.filters.append(Filter(name[:4] if name.startswith("tag") else name,
                                            "", value, negate))
            return None
        field_name = "title"
    if token.startswith('"'):
        query.plain = False
        words = token.strip('"').strip()
        return Clause("phrase", words, field_name) if words else None
    if token.endswith("*") and len(token.rstrip("*")) >= 1:
        query.plain = False
        return Clause("prefix", token.rstrip("*"), field_name)
    token = token.strip("*?~^")
    return Clause("word", token, field_name) if token else None
