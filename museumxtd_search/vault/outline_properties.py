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
    """``line`` with Logseq's macros as Markdown: an embed of a page is ``![[Page]]``, a
    video or a tweet a link to it (``<https://…>``), a cloze its hidden words; any other
    (a query, a template tag: what only a running program can show) becomes
    ``unknown`` with ``{macro}`` replaced by the macro as written."""

    def rewrite(match: re.Match[str]) -> str:
        name, argument = match.group(1).lower(), match.group(2)
        if name == "embed" and argument.startswith("[[") and argument.endswith("]]"):
            return "!" + argument
        if name in _MEDIA and argument.startswith(("http://", "https://")):
            return f"<{argument}>"
        if name == "cloze":
            return argument
        return unknown.replace("{macro}", match.group(0))

    return MACRO.sub(rewrite, line)
