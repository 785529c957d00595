"""Obsidian comments (``%% … %%``): private to the author, never published or indexed.

The one rule for what is private in a note: the indexes, the site and the reference
report all read a note through ``remove_comments``. A ``%%`` shown as code (in a code
span or a fenced block) is text, as in Obsidian: a note that writes `` `%%` `` to
explain the syntax must not lose everything after it.
"""

from __future__ import annotations

import re

from museumxtd_search.vault.code import mask_code

# ``%% … %%``, or to the end of the note when never closed (Obsidian hides the rest of
# the note then, so must we).
_COMMENT = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)


def remove_comments(markdown: str) -> str:
    """``markdown`` without its ``%% comments %%``, every line kept in its place (a comment
    spanning lines leaves its line breaks), so line numbers still name the source lines."""
    if "%%" not in markdown:
        return markdown
    # Found where code is blanked out (same offsets), removed from the text itself.
    masked = mask_code(markdown) if "`" in markdown or "~~~" in markdown else markdown
    kept, last = [], 0
    for match in _COMMENT.finditer(masked):
        kept.append(markdown[last:match.start()])
        kept.append("\n" * match.group().count("\n"))
        last = match.end()
    kept.append(markdown[last:])
    return "".join(kept)
