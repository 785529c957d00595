"""The one text pipeline: every indexed word and every query word goes through it.

Steps, in order (the browser client in ``site_templates/static/search-core.js`` mirrors
them, and a test runs both over every word of the gardens to prove they agree):

1. normalise: NFKC, typographic apostrophes to ``'``;
2. tokenise: runs of letters/digits, apostrophes kept inside a word;
3. lowercase and fold accents (``Évaluation`` -> ``evaluation``);
4. split elisions: ``l'evaluation`` -> ``evaluation``, ``aujourd'hui`` -> ``aujourd`` ``hui``;
5. drop stop words and one-letter words;
6. stem with Snowball (French, or English for English notes).

The same function gives the *surface* words (lowercase, accents kept, unstemmed) used
for typo suggestions and prefix search, and for the exact-accent bonus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import snowballstemmer

from museumxtd_search.analysis.folding import fold, normalize
from museumxtd_search.analysis.stopwords import (
    ELISIONS,
    ENGLISH_STOP_WORDS,
    FRENCH_FUNCTION_WORDS,
    FRENCH_STOP_WORDS,
)

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

# Letters/digits only: exact-match keys ignore apostrophes and punctuation.
_PLAIN_WORD = re.compile(r"[^\W_]+")
# A word: letters/digits, optionally joined by apostrophes (``l'évaluation``).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

_STOP_WORDS: dict[str, frozenset[str]] = {"fr": FRENCH_STOP_WORDS, "en": ENGLISH_STOP_WORDS}
_STEMMERS = {
    "fr": snowballstemmer.stemmer("french"),
    "en": snowballstemmer.stemmer("english"),
}


@dataclass(frozen=True, slots=True)
class Token:
    """One indexed word: its stemmed ``term``, its ``surface`` form and where it stands."""

    term: str
    surface: str
    start: int
    end: int


@lru_cache(maxsize=400_000)
def _stem(word: str, language: Language) -> str:
    return _STEMMERS[language].stemWord(word)


def _words(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (lowercase word, start, end) with elisions split off, offsets into ``text``."""
    for match in _WORD.finditer(text):
        word = match.group().lower()
        start = match.start()
        if "'" not in word:
            yield word, start, match.end()
            continue
        parts = word.split("'")
        offset = start
        for index, part in enumerate(parts):
            if not (index == 0 and len(parts) > 1 and fold(part) in ELISIONS):
                yield part, offset, offset + len(part)
            offset += len(part) + 1


def tokens(text: str, language: Language = "fr") -> list[Token]:
    """Analyse ``text`` into tokens; character offsets refer to ``normalize(text)``.

    NFKC rarely changes lengths for Latin text; callers that highlight use the
    normalised text they passed in, so offsets always line up.
    """
    stop_words = _STOP_WORDS[language]
    result: list[Token] = []
    for word, start, end in _words(text):
        folded = fold(word)
        if len(folded) < 2 and not folded.isdigit():
            continue
        if folded in stop_words:
            continue
        result.append(Token(_stem(folded, language), word, start, end))
    return result


def terms(text: str, language: Language = "fr") -> list[str]:
    """Return the stemmed terms of ``text`` in order (what the index stores)."""
    return [token.term for token in tokens(normalize(text), language)]


def surface_words(text: str) -> list[str]:
    """Return lowercase, unstemmed, accent-keeping words that are not stop words.

    These are the garden's real words: suggestions and prefix expansions are built
    from them, never from stems.
    """
    return [t.surface for t in tokens(normalize(text), "fr")]


def key(text: str) -> str:
    """Exact-match key of a title or alias: folded words joined by ``_``, nothing dropped.

    ``"L’Évaluation  de projets"`` and ``"l'evaluation de projets"`` share one key.
    """
    return "_".join(fold(m.group().lower()) for m in _PLAIN_WORD.finditer(normalize(text)))


def detect_language(text: str) -> Language:
    """Guess whether ``text`` is English or French by counting function words.

    Notes are French unless English function words clearly dominate: a mostly
    French note quoting an English title stays French.
    """
    english = french = 0
    for match in _WORD.finditer(normalize(text[:20_000]).lower()):
        word = match.group()
        if word in ENGLISH_STOP_WORDS:
            english += 1
        if fold(word) in FRENCH_FUNCTION_WORDS or "'" in word:
            french += 1
    return "en" if english >= 8 and english > 2 * french else "fr"
