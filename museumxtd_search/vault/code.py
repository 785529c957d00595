"""Where a note shows code: fenced blocks and code spans (and what HTML comments hide).

What sits there is shown as written: no reference, no tag, no ``%%`` comment. The one
definition the link finder, the text extraction and the comment rule share.
"""

from __future__ import annotations

import re

_FENCE_BLOCK = re.compile(r"^( {0,3}|[ \t]*(?:>[ \t]?)+)(`{3,}|~{3,})[^\n]*\n.*?"
                          r"(?:^\1?[ \t]*\2[`~]*[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
# A code span: its backticks (group 1) around its code (group 2).
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    """The matched text as spaces, its line breaks kept (offsets and lines stay true)."""
    return re.sub(r"[^\n]", " ", match.group())


def mask_code(markdown: str) -> str:
    """``markdown`` with fenced code, code spans and HTML comments blanked out: what a
    page shows as code or hides is no reference."""
    if "```" in markdown or "~~~" in markdown:
        markdown = _FENCE_BLOCK.sub(_blank, markdown)
    if "`" in markdown:
        markdown = CODE_SPAN.sub(_blank, markdown)
    if "<!--" in markdown:
        markdown = _HTML_COMMENT.sub(_blank, markdown)
    return markdown
