"""Typo tolerance: find the garden's real word closest to a misspelt query word.

Rules shared with the browser client: distance is optimal-string-alignment
(Damerau-Levenshtein where a transposition counts 1) between accent-folded words;
words under 4 letters are never corrected, 4-7 letters allow 1 edit, longer allow 2.
A correction keeps the word's first letter (or swaps the first two), as Lucene's and
Elasticsearch's spell checkers do by default (``minPrefix``, ``prefix_length`` 1):
people rarely mistype it, and without it ``jeux`` became the commoner ``deux``
rather than ``jeu``. Among candidates: smallest distance, then most notes, then
alphabetical.
"""

from __future__ import annotations

from collections.abc import Iterable

from museumxtd_search.rules import CORRECTION_MIN_LETTERS, ONE_EDIT_UP_TO, PREFIX_EXPANSIONS


def allowed_edits(word: str) -> int:
    """How many edits a correction of ``word`` may make."""
    if len(word) < CORRECTION_MIN_LETTERS:
        return 0
    return 1 if len(word) <= ONE_EDIT_UP_TO else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or ``limit + 1`` as soon as it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]):
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[len(b)]


def same_start(word: str, candidate: str) -> bool:
    """Whether ``candidate`` starts as ``word`` does: same first letter, or its first
    two letters swapped (``rpojet`` -> ``projet``)."""
    return candidate[:1] == word[:1] or (len(word) > 1 and candidate[:2] == word[1::-1])


def best_correction(word: str, vocabulary: Iterable[tuple[str, int]]) -> str | None:
    """The closest vocabulary word to ``word`` (both folded), or ``None``.

    ``vocabulary`` yields (folded word, number of notes that contain it).
    """
    limit = allowed_edits(word)
    if limit == 0:
        return None
    best: tuple[int, int, str] | None = None
    for candidate, frequency in vocabulary:
        if candidate == word or abs(len(candidate) - len(word)) > limit or \
                not same_start(word, candidate):
            continue
        distance = edit_distance(word, candidate, limit)
        if distance > limit:
            continue
        rank = (distance, -frequency, candidate)
        if best is None or rank < best:
            best = rank
    return best[2] if best else None



def prefix_expansions(prefix: str, vocabulary: Iterable[tuple[str, int]]) -> list[str]:
    """Up to 30 vocabulary words starting with ``prefix``: most notes first, then A-Z."""
    matches = [(-frequency, word) for word, frequency in vocabulary if word.startswith(prefix)]
    return [word for _, word in sorted(matches)[:PREFIX_EXPANSIONS]]
