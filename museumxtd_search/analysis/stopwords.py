"""Stop words and elisions, stored accent-folded because they are matched after folding.

The stop words are the function words of each language (``text.language``). A few
English function words are also dropped from French-analysed text because English
titles go through the French pipeline too (``Digitization of Museum Collections``).
"""

from __future__ import annotations

from museumxtd_search.text.language import (
    ENGLISH_FUNCTION_WORDS,
    FRENCH_ELISIONS,
    FRENCH_FUNCTION_WORDS,
)

# English words dropped from French-analysed text as well (see module docstring).
_ENGLISH_IN_FRENCH = "the of and to in is are for with from by an at be this that it its"

FRENCH_STOP_WORDS: frozenset[str] = FRENCH_FUNCTION_WORDS | frozenset(_ENGLISH_IN_FRENCH.split())
ENGLISH_STOP_WORDS: frozenset[str] = ENGLISH_FUNCTION_WORDS

# Elided articles and pronouns (``l'``, ``qu'``…) stripped from the start of a word.
ELISIONS: frozenset[str] = FRENCH_ELISIONS

# French question words that are no stop words (English's how, what, why are): in a
# French question with other words (``comment intégrer un PDF``) they ask, and are not
# searched (``analysis.query``); alone, or in text, they are words like any other.
QUESTION_WORDS: frozenset[str] = frozenset("comment pourquoi combien quand quoi".split())
