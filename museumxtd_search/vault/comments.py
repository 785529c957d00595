"""Obsidian comments (``%% … %%``): private to the author, never published or indexed.

The one rule for what is private in a note: the indexes, the site and the reference
report all read a note through ``remove_comments``.
"""

from __future__ import annotations

import re

# ``%% … %%``, or to the end of the note when never closed (Obsidian hides the rest of
# the note then, so must we).
_COMMENT = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)


def remove_comments(markdown: str) -> str:
    """``markdown`` without its ``%% comments %%``, every line kept in its place (a comment
    spanning lines leaves its line breaks), so line numbers still name the source lines."""
    if "%%" not in markdown:
        return markdown
    return _COMMENT.sub(lambda match: "\n" * match.group().count("\n"), markdown)
