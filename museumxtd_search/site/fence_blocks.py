"""Fenced code as a block of its own, wherever it is written, as Obsidian draws it.

CommonMark (Obsidian, Eleventy's markdown-it) lets a fence interrupt a paragraph, and
a paragraph start right after the closing fence::

    Voici le code :
    ```bash
    echo bonjour
    ```
    Suite du texte.

superfences puts the code aside and leaves its placeholder where the fence was, so
Python-Markdown read the three lines as one paragraph holding the code: a ``<div>``
in a ``<p>``, which browsers break apart, leaving a line break before the text after
it and an empty paragraph. 258 of 4,518 notes of sixteen gardens had one (Dendron's
docs 191, the real corpus 2).

A fence never closed runs to the end of the note, as in CommonMark and for the
search (``vault.code``); superfences left it as text, the fence shown. ``FenceEnds``
closes it there first.

``FenceBlocks`` sets each placeholder apart with a blank line (in a quote, a quoted
one) on either side, so that Python-Markdown reads it as the block it is and shows
it without a paragraph. A placeholder indented under a list item is left in the item
as it is (a blank line there would make the list loose), but a line after it that is
not indented into the item starts a paragraph of its own, out of the list.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.util import HTML_PLACEHOLDER, STX

from museumxtd_search.site.list_syntax import QUOTE_MARK, QUOTED_LINE
from museumxtd_search.vault.code import LIST_MARKER, closing_fence

# A line holding only a placeholder, after a quote's ``>`` marks (group 1) and the
# indentation of a list item's block (group 2).
_PLACEHOLDER_LINE = re.compile(rf"^((?:{QUOTE_MARK})*)( *)"
                               + re.escape(HTML_PLACEHOLDER).replace("%s", r"\d+") + r"[ \t]*$")
# A list item's line: the next item after code in an item stays in the list.
_ITEM_START = re.compile(rf"^ *(?:{LIST_MARKER})(?:[ \t]|$)")


class FenceBlocks(Preprocessor):
    """See the module docstring."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(STX in line for line in lines):
            return lines  # no placeholder: no fenced code
        out: list[str] = []
        after: int | None = None  # the indentation of a placeholder on the line before
        for line in lines:
            found = _PLACEHOLDER_LINE.match(line) if STX in line else None
            if found is not None:
                prefix, indent = found.group(1).rstrip(), found.group(2)
                if not indent and out and (after is not None
                                           or out[-1].strip() != prefix.strip()):
                    out.append(prefix)
                out.append(line)
                after = len(indent)
                continue
            if after is not None and line.strip():
                prefix, rest = QUOTED_LINE.match(line).groups()
                indent = len(rest) - len(rest.lstrip(" "))
                # After code in an item, only a line leaving the item that is not the
                # next item (``Note :`` at the margin) is set apart: it is no more of
                # the item's text.
                if rest.strip() and (after == 0 or indent < after
                                     and not _ITEM_START.match(rest)):
                    out.append(prefix.rstrip())
            after = None
            out.append(line)
        return out


class FenceEnds(Preprocessor):
    """See the module docstring."""

    def run(self, lines: list[str]) -> list[str]:
        closing = closing_fence("\n".join(lines))
        return lines if closing is None else [*lines, closing]


class FenceBlockSyntax(Extension):
    """Registers ``FenceEnds`` before the quoted fences and the list rules read fences
    (27, 26), and ``FenceBlocks`` right after superfences puts fenced code aside (25)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(FenceEnds(md), "fence_ends", 28)
        md.preprocessors.register(FenceBlocks(md), "fence_blocks", 24)
