"""Where a note shows code: fenced blocks and code spans (and what HTML comments hide).

What sits there is shown as written: no reference, no tag, no ``%%`` comment. The one
definition the link finder, the text extraction and the comment rule share.
"""

from __future__ import annotations

import re

# A fenced block: its opening line, its code, its closing line (or the note's end). The
# fence may stand in a quote or a callout (``> ```css``), be indented under a list item
# or open one (``- ```calc``, Logseq's way), as Obsidian draws it; it closes at a line
# of the same fence character, at least as long, at any quote depth. A line whose
# backticks close on it (```` ```a``` ````) is a code span, not a fence (CommonMark:
# a backtick fence's info string holds no backtick). ``FENCE_OPENING`` is the opening
# fence (group 1), which the page's list rules read too.
FENCE_OPENING = r"(`{3,}(?=[^`\n]*$)|~{3,})"
# A list item's marker (``-``, ``*``, ``+``, ``1.``, ``1)``), as an alternation to group:
# the one definition the fences here and the page's list, table and code rules share.
LIST_MARKER = r"[-*+]|\d{1,9}[.)]"
_FENCE_BLOCK = re.compile(rf"^(?:[ \t]*(?:>|(?:{LIST_MARKER})[ \t]))*[ \t]*"
                          + FENCE_OPENING + r"[^\n]*\n.*?"
                          r"(?:^(?P<closing>(?:[ \t]*>)*[ \t]*\1[`~]*[ \t]*)$|\Z)",
                          re.MULTILINE | re.DOTALL)
# A code span: its backticks (group 1) around its code (group 2).
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    """The matched text as spaces, its line breaks kept (offsets and lines stay true)."""
    return re.sub(r"[^\n]", " ", match.group())


def fenced_lines(markdown: str) -> dict[int, bool]:
    """The lines of ``markdown`` (numbered from 0) in fenced code, each mapped to
    ``True`` for a fence line (drawn as nothing) and ``False`` for a line of code
    (shown as written, never a heading, a tag or a block). A fence never closed runs
    to the end of the note."""
    lines: dict[int, bool] = {}
    if "```" not in markdown and "~~~" not in markdown:
        return lines
    line, counted_to = 0, 0
    for match in _FENCE_BLOCK.finditer(markdown):
        line += markdown.count("\n", counted_to, match.start())
        last = line + match.group().count("\n")
        counted_to = match.end()
        lines[line] = True
        for number in range(line + 1, last):
            lines[number] = False
        lines[last] = match.group("closing") is not None
        line = last
    return lines


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


# What stands before a fence on its opening line: quote marks, indentation, list markers.
_LIST_MARKER = re.compile(LIST_MARKER)


def closing_fence(markdown: str) -> str | None:
    """The line that would close the last fence of ``markdown`` when it is never
    closed, as the note's end closes it (``fenced_lines``); else ``None``. The line
    stands where the opening's code does: in its quote, under its list item."""
    if "```" not in markdown and "~~~" not in markdown:
        return None
    last = None
    for found in _FENCE_BLOCK.finditer(markdown):
        last = found
    if last is None or last.group("closing") is not None or last.end() != len(markdown):
        return None
    opening = last.group().split("\n", 1)[0]
    before = opening[:opening.index(last.group(1))]
    return _LIST_MARKER.sub(lambda marker: " " * len(marker.group()), before) + last.group(1)
