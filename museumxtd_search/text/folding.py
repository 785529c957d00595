"""Unicode normalisation and accent folding, the first step of every text comparison.

Folding happens *before* stemming: the French Snowball stemmer treats ``musées`` and
``musees`` differently (``mus`` vs ``muse``), so folding first is what makes an
accentless query find the accented word.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from museumxtd_search.rules import APOSTROPHES, SPECIAL_LETTERS

_SPECIAL_LETTERS = str.maketrans(SPECIAL_LETTERS)
_TYPOGRAPHIC = APOSTROPHES[1:]


def normalize(text: str) -> str:
    """NFKC-normalise ``text`` and turn every typographic apostrophe into ``'``."""
    text = unicodedata.normalize("NFKC", text)
    for apostrophe in _TYPOGRAPHIC:  # str.replace is far faster than translate here
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Strip accents and ligatures: ``"œuvres évaluées"`` -> ``"oeuvres evaluees"``."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_SPECIAL_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
