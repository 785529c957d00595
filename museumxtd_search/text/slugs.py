"""The one slug rule, shared by heading anchors, page URLs and the client.

Slugs are lowercase ASCII words joined by ``-``: accents are folded, everything that
is not a letter or digit separates words. An empty result becomes ``note`` (or the
given fallback) so every page and anchor has a name.
"""

from __future__ import annotations

import re

from museumxtd_search.text.folding import fold

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "note") -> str:
    """Return the URL-safe slug of ``text`` (``"L’évaluation 2.0"`` -> ``"l-evaluation-2-0"``)."""
    slug = _NON_WORD.sub("-", fold(text.lower())).strip("-")
    return slug[:80].rstrip("-") or fallback


def heading_slugify(value: str, separator: str = "-") -> str:
    """Signature-compatible slug function for Python-Markdown's ``toc`` extension."""
    return slugify(value, fallback="section")
