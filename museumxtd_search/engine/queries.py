"""The query trees the searcher builds and the scorer evaluates.

A query is a tree of ``Term`` (one word in one field), ``Phrase`` (words in order in
one field) and ``AnyOf`` (the sum of the scores of the parts a note matches). The
searcher builds, for a query typed by a person::

    AnyOf(unit, unit, ..., proximity)      every unit, then the proximity bonus
      unit      = AnyOf(clause, ...)        alternatives joined by OR
      clause    = AnyOf(leaf, ...)          the clause's words in each field (in the
                                            order of ``rules.FIELD_WEIGHTS``), then
                                            its exact-accent words
      proximity = AnyOf(Phrase(slop=3, lazy), ...)   one per French positional field

Scores are added in exactly that order (``engine.scoring``); the browser's engine
builds the same trees and adds in the same order, so both give the same floats.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    """One word in one field; its score is its BM25F term score times ``boost``."""

    field: str
    text: str
    boost: float = 1.0


class Phrase(NamedTuple):
    """The words in order, each 1..``slop`` positions after the previous one; its score
    is the sum of its words' unboosted scores (left to right) times ``boost``.

    ``lazy``: only ever adds to scores (the proximity bonus), so positions are checked
    only for notes that could reach the shown results.
    """

    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0
    lazy: bool = False


class AnyOf(NamedTuple):
    """The sum, left to right, of the scores of the parts a note matches."""

    parts: tuple[Query, ...]


Query = Term | Phrase | AnyOf
NOTHING = AnyOf(())
