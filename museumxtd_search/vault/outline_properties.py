"""Properties written as ``key:: value`` lines: Logseq's, which Dataview reads in
Obsidian too.

Logseq keeps a page's properties in its first block instead of YAML front matter::

    title:: Community/Query Learning Sprint
    alias:: sprint, [[Learning sprint]]
    type:: [[Feature]]

    - The first block of the page…

(or as a first bullet, ``- type:: Feature`` then indented ``key:: value`` lines). A
note without YAML front matter that opens so has those lines as its front matter: its
title, aliases, tags and searched properties; its page shows them no more than YAML.

Inside the text, a block's own properties are Logseq's bookkeeping (``id::`` naming a
block for references, ``collapsed::``, flashcards' ``card-…``): not words of the note.
"""

from __future__ import annotations

import re
from typing import Any

from museumxtd_search.vault.code import fenced_lines

# ``key:: value``: Logseq's keys are words joined by ``-`` or ``_``.
# A space follows the colons (``std::vector`` is C++).
_PROPERTY = re.compile(r"^[ \t]*(?:- )?([A-Za-z][\w-]*)::(?:[ \t]+|$)(.*?)\s*$")
_FIRST_PROPERTY = re.compile(r"^(?:- )?[A-Za-z][\w-]*::(?:[ \t]|$)")
# Values Logseq reads as lists of page names: ``tags:: a, [[b c]], #d``.
_LIST_KEYS = frozenset({"tags", "alias", "aliases"})
_PAGE_NAME = re.compile(r"\[\[([^\[\]]+)\]\]|#\[\[([^\[\]]+)\]\]|#?([^,\[\]]+)")
# A block's bookkeeping properties, written by Logseq itself.
BOOKKEEPING_KEYS = frozenset({"id", "collapsed", "heading", "background-color", "ls-type",
                              "hl-type", "hl-page", "hl-stamp", "hl-color", "card-repeats",
                              "card-next-schedule", "card-last-score", "card-last-reviewed",
                              "card-last-interval", "card-ease-factor", "query-table",
                              "query-properties", "query-sort-by", "query-sort-desc"})
BOOKKEEPING_LINE = re.compile(r"^[ \t]*(?:- )?(?:" + "|".join(
    re.escape(k) for k in sorted(BOOKKEEPING_KEYS)) + r")::(?:[ \t].*)?$", re.MULTILINE)


def split_outline_properties(text: str) -> tuple[dict[str, Any], int] | None:
    """The properties ``text`` opens with, and the line its body starts on; ``None``
    when its first line is no ``key:: value``. A first block of properties may be
    followed by another (a bare block, then a first bullet holding the same ones: both
    are read, the first value of a key kept)."""
    lines = text.split("\n")
    if not lines or not _FIRST_PROPERTY.match(lines[0]):
        return None
    metadata: dict[str, Any] = {}
    index = 0
    while index < len(lines) and _FIRST_PROPERTY.match(lines[index]):
        while index < len(lines) and (match := _PROPERTY.match(lines[index])):
            name, value = match.group(1), match.group(2)
            metadata.setdefault(name, _value(name, value))
            index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
    return metadata, index + 1


def _value(name: str, value: str) -> Any:
    """A property's value: a list of page names for tags and aliases, else the text as
    written (its ``[[links]]`` kept, so they count as the note's links)."""
    if name.lower() not in _LIST_KEYS:
        return value
    names = []
    for match in _PAGE_NAME.finditer(value):
        found = (match.group(1) or match.group(2) or match.group(3) or "").strip()
        if found:
            names.append(found)
    return names


# Logseq's macros: ``{{embed [[Page]]}}``, ``{{youtube https://…}}``, ``{{cloze mot}}``,
# ``{{query (and [[x]] (task TODO))}}``; Jekyll's and Eleventy's ``{{ site.url }}`` too.
MACRO = re.compile(r"\{\{\s*([\w-]*)\s*([^{}]*?)\s*\}\}")
_MEDIA = frozenset({"video", "youtube", "vimeo", "tweet", "twitter", "bilibili"})


def rewrite_macros(line: str, unknown: str = "") -> str:
    """``line`` with Logseq's macros as Markdown: an embed of a page is ``![[Page]]``,
    of a block that block's reference, a video or a tweet a link to it
    (``<https://…>``), a cloze its hidden words; any other
    (a query, a template tag: what only a running program can show) becomes
    ``unknown`` with ``{macro}`` replaced by the macro as written."""

    def rewrite(match: re.Match[str]) -> str:
        name, argument = match.group(1).lower(), match.group(2)
        if name == "embed" and argument.startswith("[[") and argument.endswith("]]"):
            return "!" + argument
        if name == "embed" and BLOCK_REF.fullmatch(argument):
            return argument  # a block: its reference (see ``BLOCK_REF``)
        if name in _MEDIA and argument.startswith(("http://", "https://")):
            return f"<{argument}>"
        if name == "cloze":
            return argument
        return unknown.replace("{macro}", match.group(0))

    return MACRO.sub(rewrite, line)


# A reference to a block by its id, ``((64a1…))``, Logseq's; ``[libellé](((64a1…)))``
# gives it a label. The block holds an ``id:: 64a1…`` line under its first line.
_UUID = r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
BLOCK_REF = re.compile(rf"(?:\[([^\[\]\n]+)\]\()?\(\(({_UUID})\)\)(?(1)\))")
_BLOCK_ID_LINE = re.compile(rf"^([ \t]*)id::[ \t]+({_UUID})[ \t]*$")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+(.*)$")
_HEADING = re.compile(r"#{1,6}[ \t]+(.*?)[ \t]*#*$")


def block_lines(markdown: str) -> dict[str, int]:
    """Each block the page names -> the number (from 0) of the line its bullet is on:
    the nearest bullet above its ``id::`` line, less indented than it."""
    found: dict[str, int] = {}
    if "id::" not in markdown:
        return found
    lines = markdown.split("\n")
    code = fenced_lines(markdown)  # an ``id::`` shown in code names nothing
    for number, line in enumerate(lines):
        match = _BLOCK_ID_LINE.match(line) if "id::" in line else None
        if match is None or number in code:
            continue
        depth = len(match.group(1).expandtabs(4))
        for above in range(number - 1, -1, -1):
            bullet = _BULLET.match(lines[above])
            if bullet and len(bullet.group(1).expandtabs(4)) < depth:
                if above not in code:
                    found.setdefault(match.group(2), above)
                break
    return found


def bullet_text(line: str) -> str:
    """A bullet line's text, without the bullet: what a reference to its block shows."""
    bullet = _BULLET.match(line)
    return bullet.group(2).strip() if bullet else ""


def block_heading(line: str) -> str | None:
    """The heading a block's bullet line holds (``- # About``: ``About``), or ``None``."""
    bullet = _BULLET.match(line)
    heading = _HEADING.match(bullet.group(2)) if bullet else None
    return heading.group(1).strip() if heading else None
