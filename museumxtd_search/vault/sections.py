"""The part of a note that ``![[Note#Section]]`` and ``![[Note#^block]]`` embed.

A section is a heading and everything below it up to the next heading of the same or a
higher level; headings match by their anchor (the one slug rule), as ``[[Note#Heading]]``
links do, and ``[[Note#Chapter#Heading]]`` looks inside the chapter. A block is the
paragraph or list item that ends with `` ^id`` (or the block just above a line holding
only ``^id``). Lines inside fenced code are never headings or blocks. Works on Markdown
text; nothing is rendered here.
"""

from __future__ import annotations

import re

from museumxtd_search.text.slugs import heading_slugify
from museumxtd_search.vault.code import fenced_lines
from museumxtd_search.vault.links import heading_parts
from museumxtd_search.vault.markdown_text import ATX_HEADING, BLOCK_ID

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def find_section(markdown: str, heading: str) -> str | None:
    """The heading line and text of the section ``heading`` names, or ``None``;
    ``Chapitre#Section`` is the first ``Section`` inside the ``Chapitre`` section."""
    found: str | None = markdown
    for part in heading_parts(heading) or [heading]:
        found = _find_one_section(found, part)
        if found is None:
            return None
    return found


def _find_one_section(markdown: str, heading: str) -> str | None:
    wanted = heading_slugify(heading)
    lines = markdown.split("\n")
    code = fenced_lines(markdown)
    start = level = None
    for number, line in enumerate(lines):
        match = ATX_HEADING.match(line) if number not in code else None
        if match is None:
            continue
        if start is not None and len(match.group(1)) <= level:
            return "\n".join(lines[start:number]).rstrip()
        if start is None and heading_slugify(match.group(2)) == wanted:
            start, level = number, len(match.group(1))
    return None if start is None else "\n".join(lines[start:]).rstrip()


def find_block(markdown: str, block_id: str) -> str | None:
    """The paragraph or list item marked `` ^block_id``, its marker removed, or ``None``."""
    lines = markdown.split("\n")
    code = fenced_lines(markdown)
    for number, line in enumerate(lines):
        match = BLOCK_ID.search(line) if number not in code and "^" in line else None
        if match is None or match.group(1) != block_id:
            continue
        if not line[:match.start()].strip():  # ``^id`` alone: the block above it
            end = number
            while end > 0 and not lines[end - 1].strip():
                end -= 1
        else:
            lines[number] = line[:match.start()]
            end = number + 1
            if _LIST_ITEM.match(line):
                return lines[number].strip()
        start = end - 1
        while start > 0 and lines[start - 1].strip() and start - 1 not in code:
            start -= 1
        return "\n".join(lines[start:end]).strip() or None
    return None


def block_ids(markdown: str) -> set[str]:
    """Every block identifier the note defines."""
    return {match.group(1) for line in markdown.split("\n") if "^" in line
            for match in [BLOCK_ID.search(line)] if match}
