"""Tables as Obsidian (and GitHub's Markdown, hence markdown-it) end them.

A table ends at a blank line or where another block starts: a heading, a quote, a list
item or a rule written right under its last row is that block, not a row. Python-Markdown
takes a table's whole paragraph as rows, so ``#### Liens utiles`` under a table became
a row of it on our pages, while the search (``vault.markdown_text``) read it as the
heading it is and links to it led to no anchor. Eighty-seven headings of one real
garden sat right under a table.

``TableRows`` gives Python-Markdown's table processor the rows only and puts the rest
of the paragraph back, to be read as what it is.

A wikilink's own pipe, ``[[Propriétés|propriétés]]``, is no column either: Obsidian asks
authors to write ``\\|`` there and most do, but some do not (Obsidian's French help
itself once, a Quartz garden in each of its fifteen such rows), and Quartz reads both as
the link. Its pipes are escaped before the row is split; a pipe in code stays a pipe.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.extensions.tables import TableProcessor

from museumxtd_search.vault.code import LIST_MARKER, mask_code
from museumxtd_search.vault.links import WIKILINK

# A line that starts another block (CommonMark's, after a table's last row): an ATX
# heading, a quote, a list item, a thematic break.
_BLOCK_START = re.compile(rf" {{0,3}}(?:#{{1,6}}(?:[ \t]|$)|>|(?:{LIST_MARKER})[ \t]"
                          r"|([-*_])(?:[ \t]*\1){2,}[ \t]*$)")
# The first rows of a table are its header and its delimiter row: rows start after.
_FIRST_ROW = 2
# A pipe not escaped yet.
_BARE_PIPE = re.compile(r"(?<!\\)\|")


def escape_link_pipes(block: str) -> str:
    """``block`` with every pipe inside a wikilink escaped, except in code."""
    if "[[" not in block or "|" not in block:
        return block
    pieces, start = [], 0
    for match in WIKILINK.finditer(mask_code(block)):  # code blanked: same offsets
        pieces += [block[start:match.start()],
                   _BARE_PIPE.sub(r"\\|", block[match.start():match.end()])]
        start = match.end()
    return "".join(pieces) + block[start:]


def table_end(lines: list[str]) -> int:
    """How many of a table paragraph's ``lines`` are its own: up to the first line, after
    the header and delimiter rows, that starts another block."""
    for number in range(_FIRST_ROW, len(lines)):
        if _BLOCK_START.match(lines[number]):
            return number
    return len(lines)


class TableRows(TableProcessor):
    """Python-Markdown's table processor, given the table's rows only (module docstring)."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return super().test(parent, escape_link_pipes(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks[0].split("\n")
        end = table_end(lines)
        blocks[0:1] = [escape_link_pipes("\n".join(lines[:end]))] + (
            ["\n".join(lines[end:])] if end < len(lines) else [])
        super().run(parent, blocks)


class TableSyntax(Extension):
    """Python-Markdown's tables with Obsidian's ends: takes the place of ``TableExtension``
    (same name, same priority, same configuration)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        if "|" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("|")
        md.parser.blockprocessors.register(
            TableRows(md.parser, {"use_align_attribute": False}), "table", 75)
