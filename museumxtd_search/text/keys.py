"""Exact-match keys: how names, titles, aliases, tags and paths are compared.

A key keeps every word (stop words included) and ignores case, accents, apostrophes
and punctuation, so ``"L’Évaluation  de projets"`` and ``"l'evaluation de projets"``
are the same name. The link resolver, the title rule and the search filters all
compare names through ``key``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from museumxtd_search.text.folding import fold, normalize

# Letters/digits only: keys ignore apostrophes and punctuation.
PLAIN_WORD = re.compile(r"[^\W_]+")
# A word as the text pipeline reads it: letters/digits, optionally joined by apostrophes
# (``l'évaluation``, ``museum's``), after ``normalize`` made every apostrophe ``'``.
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@lru_cache(maxsize=200_000)
def key(text: str) -> str:
    """Exact-match key of a name: folded words joined by ``_``, nothing dropped."""
    return "_".join(fold(m.group().lower()) for m in PLAIN_WORD.finditer(normalize(text)))
