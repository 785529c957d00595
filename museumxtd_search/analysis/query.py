"""The query language, parsed the same way by the CLI and (in JavaScript) by the site.

    réseaux sociaux          every word should match (notes missing a word rank lower)
    "réseaux sociaux"        a phrase: the words next to each other
    médiation OR publics     either word satisfies that part of the query
    NOT brouillon, -brouillon    exclude notes with that word
    strat*                   any word of the garden starting with "strat"
    title:stratégie          match in titles (and names, aliases) only
    content:stratégie        match in the text and properties, not the names
    tag:ressource            keep notes with that tag (or a tag under it: ressource/web)
    path:Notes, file:musée   keep notes whose path (folders and name), or file name,
                             has these words
    [auteur]                 keep notes with that front matter property
    [auteur:Malraux]         keep notes whose property has these words
    section:(musée 3D)       its words, in notes where one section holds them all
                             (Obsidian's line:(…) and block:(…) read the same)
    task:podcast             Obsidian's task:, task-todo:, task-done:, match-case:,
                             ignore-case: read as words, with a warning
    (musée numérique) OR 3D  a group: notes with both words, or with 3D
    -(brouillon OR ancien)   exclude the notes a group matches
    tag:a OR path:Projets    ``OR`` between filters (and words): notes either keeps

A ``-`` before any filter excludes the notes it keeps.

``AND`` is the default and may be written. Words that are stop words in French and
English (``the``, ``a``) are ignored, and so are those of the language the query reads
as (``le`` in a French query, ``what`` in an English one). ``OR`` binds tighter than
the implicit ``AND`` (``a b OR c`` is ``a (b OR c)``), as it always has here.

Parentheses group, with Obsidian's meaning: a group joined by ``OR`` (to a word, a
filter or another group) or negated matches the notes matching *all* its parts; a
group that is neither is the same as its parts written without parentheses, so
``(a b) c`` ranks like ``a b c``. Top-level words stay soft (a note missing one ranks
lower), but an ``OR`` holding a group or a filter is a ``choice`` every result
satisfies. Groups nest up to ``MAX_GROUP_DEPTH``; deeper parentheses are read as
spaces.

Nothing here can fail: an unbalanced quote closes at the end of the query, an
unclosed parenthesis at the end of the query, a ``)`` without ``(`` and an empty
group are ignored, each with a one-line warning.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Union

from museumxtd_search.analysis.pipeline import terms
from museumxtd_search.analysis.stopwords import QUESTION_WORDS
from museumxtd_search.rules import (
    FIELD_QUERY,
    MAX_GROUP_DEPTH,
    MAX_QUERY_WORDS,
    READ_AS_WORDS,
    SECTION_LIKE,
)
from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import Language


class Clause(NamedTuple):
    """One searchable piece: ``kind`` is ``word``, ``phrase`` or ``prefix``.

    ``text`` is the words as typed; ``field`` is ``"title"`` for ``title:`` clauses,
    ``"content"`` for ``content:`` ones.
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


class Group(NamedTuple):
    """A parenthesised part of a query that is joined by ``OR`` or negated: it matches
    the notes matching every one of its units, choices and filters (tags among them,
    as ``Filter("tag", …)``), none of its excluded words and no excluded group."""

    units: list[list[Clause]]
    choices: list[list[Alternative]]
    excluded: list[Clause]
    filters: list[Filter]
    excluded_groups: list[Group]


# One side of an ``OR`` that is not only words: a word, a filter or a group.
Alternative = Union[Clause, Filter, Group]  # noqa: UP007 - a runtime alias on Python 3.10


def group_clauses(group: Group) -> list[Clause]:
    """The words a group scores with, in the order written: its units' clauses, then
    its choices' (groups inside them included)."""
    found = [clause for unit in group.units for clause in unit]
    for choice in group.choices:
        found += choice_clauses(choice)
    return found


def choice_clauses(choice: list[Alternative]) -> list[Clause]:
    """The words a choice scores with: its words, and its groups' words, in order.
    A choice scores as ``OR`` always has: the sum of the scores of the words a note
    holds."""
    found: list[Clause] = []
    for alternative in choice:
        if isinstance(alternative, Clause):
            found.append(alternative)
        elif isinstance(alternative, Group):
            found += group_clauses(alternative)
    return found


class ParsedQuery:
    """Units must each match (or rank lower); a unit matches when any of its clauses does.

    ``choices`` (an ``OR`` holding a filter or a group) and the filters must match;
    notes matching an ``excluded_groups`` group are left out.

    A plain class (as ``Clause`` is a named tuple) because the query command imports
    it: see ``vault.warning``.
    """

    __slots__ = ("units", "excluded", "tags", "warnings", "plain", "tokens", "ignored",
                 "filters", "choices", "excluded_groups")

    def __init__(self) -> None:
        self.units: list[list[Clause]] = []
        self.excluded: list[Clause] = []
        self.tags: list[str] = []
        self.warnings: list[str] = []
        self.plain = True
        self.tokens: list[str] = []
        self.ignored: list[str] = []
        self.filters: list[Filter] = []
        self.choices: list[list[Alternative]] = []
        self.excluded_groups: list[Group] = []


# A [property(:value)], an opening parenthesis (``-(`` excludes the group), a closing
# one, a token holding quoted words (``title:"a b"``, ``path:"Notes de lecture"``:
# parentheses inside quotes are words' punctuation), or anything up to a space or a
# parenthesis.
_TOKEN = re.compile(r'\[[^\]]*\]|-?\(|\)|(?:[^\s"()]*"[^"]*"?)+[^\s"()]*|[^\s()]+')
_OPERATORS = frozenset(("AND", "&&", "OR", "||", "NOT"))
_PARENTHESES = frozenset(("(", "-(", ")"))
_FIELD = re.compile(FIELD_QUERY, re.IGNORECASE)
_SECTION_GROUP = re.compile(r"(?:" + "|".join(SECTION_LIKE) + r")\s*:\s*\(([^()]*)\)",
                            re.IGNORECASE)


class _Level:
    """What one level of parentheses holds while it is read (the query itself, or a
    group): the parts ``ParsedQuery`` and ``Group`` are made of."""

    __slots__ = ("units", "choices", "excluded", "filters", "tags", "excluded_groups")

    def __init__(self) -> None:
        self.units: list[list[Clause]] = []
        self.choices: list[list[Alternative]] = []
        self.excluded: list[Clause] = []
        self.filters: list[Filter] = []
        self.tags: list[str] = []
        self.excluded_groups: list[Group] = []

    def group(self) -> Group:
        return Group(self.units, self.choices, self.excluded,
                     self.filters + [Filter("tag", "", tag) for tag in self.tags],
                     self.excluded_groups)

    def positive(self) -> bool:
        """Whether it asks notes to have something (not only to lack something)."""
        return bool(self.units or self.choices or self.tags
                    or any(not wanted.negated for wanted in self.filters))

    def empty(self) -> bool:
        return not (self.positive() or self.excluded or self.filters or self.excluded_groups)


class _Reading:
    """The state shared by every level while a query is read."""

    __slots__ = ("query", "tokens", "at", "kept", "stopped", "language", "asking")

    def __init__(self, query: ParsedQuery, language: Language) -> None:
        self.query = query
        self.tokens = query.tokens
        self.at = 0
        self.kept = 0
        self.stopped = False
        self.language = language
        self.asking = False  # a French question: its question words are not searched

    def warn(self, message: str) -> None:
        """A warning, once however often it applies (``((((`` is one mistake)."""
        if message not in self.query.warnings:
            self.query.warnings.append(message)


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text`` into units, exclusions, tag filters and warnings (never raises)."""
    query = ParsedQuery()
    text = normalize(text)
    if text.count('"') % 2:
        query.warnings.append("unbalanced quote: read as if closed at the end")
    # section:(a b) is one token, as section:"a b" would be (line:(a b), block:(a b) too).
    text = _SECTION_GROUP.sub(lambda m: 'section:"' + m.group(1).replace('"', " ") + '"', text)
    query.tokens = _TOKEN.findall(text)
    plain = _plain_words(query.tokens)
    reading = _Reading(query, query_language(plain))
    reading.asking = asks_a_question(plain, reading.language)
    level = _read_level(reading, 0)
    query.units, query.choices, query.excluded = level.units, level.choices, level.excluded
    query.filters, query.tags, query.excluded_groups = (level.filters, level.tags,
                                                        level.excluded_groups)
    if query.ignored and not query.units and not query.excluded and not query.tags \
            and not query.filters and not query.choices and not query.excluded_groups:
        query.warnings.append("only common words (" + ", ".join(query.ignored)
                              + "): nothing to search for")
    return query


def _read_level(reading: _Reading, depth: int) -> _Level:
    """Read tokens into a level until its ``)`` (``depth`` > 0) or the end.

    ``OR`` joins the item before it (``last``) and the one after: two words make one
    unit, as they always have; anything else (a filter, a group) makes a choice. Only
    a positive item is joined: an excluded one after ``OR`` is excluded as usual.
    """
    query = reading.query
    level = _Level()
    negate_next = join_next = False
    last: tuple | None = None  # ("unit", list), ("choice", list), ("filter", …), …
    skipped = 0  # parentheses opened past MAX_GROUP_DEPTH, read as spaces
    closed = depth == 0
    while reading.at < len(reading.tokens) and not reading.stopped:
        position = reading.at
        token = reading.tokens[position]
        reading.at += 1
        if token == ")":
            if skipped:
                skipped -= 1
            elif depth:
                closed = True
                break
            else:
                reading.warn("unbalanced parentheses: a ) without ( was ignored")
            continue
        if token in ("AND", "&&"):
            continue
        if token in ("OR", "||"):
            join_next = last is not None
            query.plain = False
            continue
        if token == "NOT":
            negate_next = True
            query.plain = False
            continue
        if token in ("(", "-("):
            query.plain = False
            negate = negate_next or token == "-("
            negate_next = False
            if depth + 1 > MAX_GROUP_DEPTH:
                reading.warn(f"parentheses nested deeper than {MAX_GROUP_DEPTH}: the inner "
                             "ones are read as spaces")
                skipped += 1
                continue
            inner = _read_level(reading, depth + 1)
            if inner.empty():
                reading.warn("empty parentheses () were ignored")
                continue
            if negate or join_next:
                if not inner.positive():
                    reading.warn("a group with only excluded words cannot be joined by OR "
                                 "or excluded: ignored")
                    join_next = False
                    continue
            if negate:
                level.excluded_groups.append(inner.group())
                join_next = False
            elif join_next:
                last = _join(level, last, _group_alternatives(inner))
                join_next = False
            else:
                starts = _merge(level, inner)
                if inner.positive():  # (-a) is -a: an OR after it joins what came before
                    last = ("group", inner, starts)
            continue
        negate = negate_next or (token.startswith("-") and len(token) > 1 and token != "--")
        negate_next = False
        if token.startswith("-") and negate:
            token = token[1:]
        filters, tags = len(level.filters), len(level.tags)
        for clause in _clauses(token, query, negate, level):
            clause = clause._replace(token=position)
            if clause.kind == "word" and (is_common_word(clause.text, reading.language) or (
                    reading.asking and not negate and is_question_word(clause.text))):
                query.ignored.append(clause.text)
                continue
            if reading.kept == MAX_QUERY_WORDS:
                query.warnings.append(
                    f"query too long: only the first {MAX_QUERY_WORDS} words are searched")
                join_next = False
                reading.stopped = True
                break
            reading.kept += 1
            if negate:
                level.excluded.append(clause)
            elif join_next:
                last = _join(level, last, [clause])
            else:
                level.units.append([clause])
                last = ("unit", level.units[-1])
            join_next = False
        if negate or reading.stopped:
            continue
        if len(level.tags) > tags:
            if join_next:
                last = _join(level, last, [Filter("tag", "", level.tags.pop())])
                join_next = False
            else:
                last = ("tag", level.tags[-1])
        elif len(level.filters) > filters and level.filters[-1].kind != "section":
            if join_next:
                last = _join(level, last, [level.filters.pop()])
                join_next = False
            else:
                last = ("filter", level.filters[-1])
    if skipped and not reading.stopped:
        reading.warn("unbalanced parentheses: a ( without ) closes at the end of the query")
    if not closed and not reading.stopped:
        reading.warn("unbalanced parentheses: a ( without ) closes at the end of the query")
    if negate_next or join_next:
        reading.warn("operator without a word after it was ignored")
    return level


def _group_alternatives(inner: _Level) -> list[Alternative]:
    """A group as the alternatives of an ``OR``: ``(a OR b)`` is its two words (an
    ``OR`` of ``OR``s is one), ``(tag:x)`` its filter, anything else the group."""
    if len(inner.units) == 1 and not (inner.choices or inner.excluded or inner.filters
                                      or inner.tags or inner.excluded_groups):
        return list(inner.units[0])
    if len(inner.choices) == 1 and not (inner.units or inner.excluded or inner.filters
                                        or inner.tags or inner.excluded_groups):
        return list(inner.choices[0])
    if len(inner.tags) + len(inner.filters) == 1 and not (
            inner.units or inner.choices or inner.excluded or inner.excluded_groups) \
            and not (inner.filters and inner.filters[0].negated):
        return list(inner.group().filters)
    return [inner.group()]


def _merge(level: _Level, inner: _Level) -> tuple[int, ...]:
    """Add a group neither joined nor negated to ``level`` as if written without its
    parentheses; returns where its parts start in each list, so that an ``OR`` after
    it can take them back (``_unmerge``)."""
    starts = (len(level.units), len(level.choices), len(level.excluded), len(level.filters),
              len(level.tags), len(level.excluded_groups))
    level.units += inner.units
    level.choices += inner.choices
    level.excluded += inner.excluded
    level.filters += inner.filters
    level.tags += inner.tags
    level.excluded_groups += inner.excluded_groups
    return starts


def _unmerge(level: _Level, inner: _Level, starts: tuple[int, ...]) -> None:
    """Take a merged group's parts back out of ``level`` (``_merge``)."""
    for items, start, count in zip(
            (level.units, level.choices, level.excluded, level.filters, level.tags,
             level.excluded_groups), starts,
            (len(inner.units), len(inner.choices), len(inner.excluded), len(inner.filters),
             len(inner.tags), len(inner.excluded_groups)), strict=True):
        del items[start:start + count]


def _join(level: _Level, last: tuple, joined: list[Alternative]) -> tuple:
    """``last OR joined``: a word after a unit of words joins that unit (as it always
    has); otherwise ``last`` becomes (or is) a choice and ``joined`` its alternatives.
    Returns the new ``last``."""
    kind, item = last[0], last[1]
    if kind == "unit" and all(isinstance(part, Clause) for part in joined):
        item.extend(joined)
        return last
    if kind == "choice":
        item.extend(joined)
        return last
    if kind == "unit":
        _remove(level.units, item)
        alternatives: list[Alternative] = list(item)
    elif kind == "filter":
        _remove(level.filters, item)
        alternatives = [item]
    elif kind == "tag":
        del level.tags[len(level.tags) - 1 - level.tags[::-1].index(item)]
        alternatives = [Filter("tag", "", item)]
    else:  # a group merged into the level: taken back as one alternative
        _unmerge(level, item, last[2])
        alternatives = _group_alternatives(item)
    choice = alternatives + joined
    if all(isinstance(part, Clause) for part in choice):
        level.units.append(choice)  # (a OR b) OR c: words only, a unit as ever
        return ("unit", choice)
    level.choices.append(choice)
    return ("choice", choice)


def _remove(items: list, item: object) -> None:
    """Remove ``item`` itself (not an equal one) from ``items``."""
    for at in range(len(items) - 1, -1, -1):
        if items[at] is item:
            del items[at]
            return


def is_common_word(text: str, language: Language = "fr") -> bool:
    """Whether a query word is ignored: a stop word in both languages (``the``, ``a``),
    or in the language the query reads as (``de`` in ``but du projet``, ``what`` in
    ``what is open data``).

    A word that is a stop word in the other language only is a real word here: in
    ``but du projet`` the French noun *but* (aim) is searched, though English drops it.
    """
    french_stop, english_stop = not terms(text, "fr"), not terms(text, "en")
    return (french_stop and english_stop) or (french_stop if language == "fr" else english_stop)


def is_question_word(text: str) -> bool:
    """Whether a query word is a French question word (``stopwords.QUESTION_WORDS``)."""
    return fold(text.lower()) in QUESTION_WORDS


def asks_a_question(words: list[str], language: Language) -> bool:
    """Whether a query is a French question with something to search besides its
    question words: ``comment intégrer un PDF`` searches ``intégrer PDF``; ``comment``
    alone, or an English query, searches every word."""
    return language == "fr" and any(
        not is_common_word(word, language) and not is_question_word(word) for word in words)


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
        if token in _OPERATORS or token in _PARENTHESES:
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


def _filter(token: str, query: ParsedQuery, negate: bool, level: _Level) -> None:
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
    level.filters.append(Filter("property", name, value, negate))


def _clauses(token: str, query: ParsedQuery, negate: bool, level: _Level) -> list[Clause]:
    """The clauses of one token: none (a filter), one, or for ``section:(a b)`` each of
    its words (searched as words, and a filter keeps the notes with a section holding
    them all; ``-section:(…)`` is the filter only)."""
    match = _FIELD.match(token)
    if not match or match.group(1).lower() not in SECTION_LIKE:
        clause = _clause(token, query, negate, level)
        return [] if clause is None else [clause]
    query.plain = False
    words = [word for word in match.group(2).strip('"').split() if word.strip("*?~^")]
    if not any(terms(word) or terms(word, "en") for word in words):
        query.warnings.append("section: needs words after it (as in section:(musée "
                              "numérique)): ignored")
        return []
    level.filters.append(Filter("section", "", " ".join(words), negate))
    return [] if negate else [Clause("word", word.strip("*?~^")) for word in words]


def _clause(token: str, query: ParsedQuery, negate: bool, level: _Level) -> Clause | None:
    """One token as a clause, or ``None`` (a filter, added to ``level``, or nothing)."""
    field_name = None
    if token.startswith("["):
        query.plain = False
        if token.endswith("]"):
            _filter(token, query, negate, level)
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
                level.tags.append(value)
            else:
                level.filters.append(Filter(name[:4] if name.startswith("tag") else name,
                                            "", value, negate))
            return None
        if name in READ_AS_WORDS:
            message = f"{name}: not supported here: its words are searched in the whole note"
            if message not in query.warnings:
                query.warnings.append(message)
            field_name = None
        else:
            field_name = "content" if name == "content" else "title"
    if token.startswith('"'):
        query.plain = False
        words = token.strip('"').strip()
        return Clause("phrase", words, field_name) if words else None
    if token.endswith("*") and len(token.rstrip("*")) >= 1:
        query.plain = False
        return Clause("prefix", token.rstrip("*"), field_name)
    token = token.strip("*?~^")
    return Clause("word", token, field_name) if token else None
