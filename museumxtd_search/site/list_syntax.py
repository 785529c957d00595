"""Lists as Obsidian (and CommonMark, hence Eleventy's markdown-it) read them.

Python-Markdown follows the original Markdown's list rules, which notes do not:

- a list may start right under a paragraph line (``Nos partenaires :`` then
  ``- Musée A``): Python-Markdown needs a blank line first, else the items stay
  in the paragraph as text;
- a nested item is indented by its parent's text (two spaces under ``- ``, three
  under ``1. ``): Python-Markdown needs four spaces per level, else the item joins
  its parent's level;
- a list may be numbered ``1)`` as well as ``1.``, and changing the bullet (``+``
  after ``-``) or the number's mark starts another list: Python-Markdown reads
  ``1.`` only, and joins the lists;
- a task whose box holds any character but a space is done (``- [/]``, ``- [-]``):
  the tasklist extension reads ``x`` only;
- an item may be empty (``-`` alone, which Logseq writes at the end of many a page):
  Python-Markdown showed the ``-``, or read it under an item as that item's heading;
- code may be fenced on an item's own line (``- ```calc``, as Logseq writes every code
  block): Python-Markdown and superfences see a fence only on a line of its own; and
  code fenced under an item but not indented into it ends the list, where
  Python-Markdown read it as more of the item's text;
- an item's other blocks (a paragraph, an image, code after a blank line) are indented
  by its text (three spaces under ``1. ``): Python-Markdown needs four, else the list
  ends there and the next item starts another list;
- so is a quote in an item (``- Étape`` then ``  > Astuce``, in a callout ``> - Étape``
  then ``>   > Astuce``), which Python-Markdown read as the end of the list;
- Python-Markdown reads a note by blocks between blank lines, and a block that starts
  indented goes whole into the item above it: ``- D`` right under a nested item's
  paragraph became one more nested item.

``ListLines`` rewrites the lines before Python-Markdown reads them: it adds the blank
line (also before an item less indented than the block above it), re-indents nested
items and their blocks (quotes included) by four spaces per level, and moves code
fenced on an item's line below it, in the item. Other fenced code is left as
written, and so are lines inside quotes and callouts apart from their own ``>`` prefix,
which is kept. No maintained Python-Markdown extension does this
(``mdx_truly_sane_lists`` handles indentation only and was last released in 2022).
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from museumxtd_search.vault.code import FENCE_OPENING, LIST_MARKER
from museumxtd_search.vault.markdown_text import TASK_BOX

# The ``>`` prefix of a line in a quote or callout (any depth), then the rest.
QUOTE_MARK = r" {0,3}>[ ]?"  # one quote marker: ``>`` and the space after it
QUOTED_LINE = re.compile(rf"^((?:{QUOTE_MARK})*)(.*)$")
# A list item: indentation, marker (``-``, ``*``, ``+``, ``1.``, ``1)``), spaces, text.
_ITEM = re.compile(rf"^( *)({LIST_MARKER})( +)(\S.*)$")
# A thematic break (``- - -``, ``***``) looks like an item but is not one.
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
# A fence (not ```` ```a``` ````, a code span: ``vault.code``'s rule).
_FENCE = re.compile(r"^ *" + FENCE_OPENING)
# A quote line indented by spaces: maybe a quote in a list item.
_INDENTED_QUOTE = re.compile(r"^ +>")
_MARKER = re.compile(QUOTE_MARK)
# Any line that may be a list item, quoted or not: most notes hold none, or only a few.
_ANY_ITEM = re.compile(rf"^(?:{QUOTE_MARK})* *(?:{LIST_MARKER})(?: +\S|[ \t]*$)",
                       re.MULTILINE)
# Python-Markdown's indentation of one list level.
_LEVEL = 4
# What parts two lists of one kind: a block, and one the page does not show.
_PARTING = "<!-- -->"
# A marker alone on its line, and the text given such an empty item: Python-Markdown
# needs some (``-`` alone under an item underlines it as a heading), the page shows none.
_EMPTY_ITEM = re.compile(rf"^( *)({LIST_MARKER})[ \t]*$")
_EMPTY_TEXT = "<!-- -->"


@dataclass
class _Item:
    text: int  # the column its text starts at: deeper items are its children
    numbered: bool  # ``1.`` rather than ``-``: a list of the other kind is another list
    marker: str  # ``-``, ``*``, ``+``, or the ``.`` or ``)`` after a number


def _is_item(rest: str) -> re.Match[str] | None:
    return None if _RULE.match(rest) else _ITEM.match(rest)


class ListLines(Preprocessor):
    """See the module docstring."""

    def run(self, lines: list[str]) -> list[str]:
        if not _ANY_ITEM.search("\n".join(lines)):
            return lines
        out: list[str] = []
        fence: str | None = None
        # A fence opened on an item's line: (its code's column in the note, the
        # indentation its lines get here).
        shift: tuple[int, str] | None = None
        loose = False  # a block of the current item follows a blank line
        open_items: list[_Item] = []  # the list being read, outermost first
        previous = ""  # the previous line without its quote prefix ("" when blank)
        previous_prefix = ""
        block_indent = 0  # the indentation of the block's first line (after a blank)
        quoted = False  # the previous line is a quote in an item
        under_text = False  # that quote starts right under the item's text
        after_empty = False  # the previous line is an empty item (``-`` alone)
        for line in lines:
            was_empty, after_empty = after_empty, False
            prefix, rest = QUOTED_LINE.match(line).groups() if ">" in line else ("", line)
            inside = (_inside_quotes(line, previous_prefix.count(">"))
                      if fence is None and open_items and ">" in line else None)
            place = (_place_in_item(inside[1], open_items)
                     if inside and _INDENTED_QUOTE.match(inside[1]) else None)
            if place is not None:
                # ``- Puce`` then ``  > Citation``: a quote indented by an item's text is
                # that item's, as a paragraph would be. Python-Markdown sees it only
                # indented as it reads the item: by four spaces per level after a blank
                # line (a block of the item), two more than the item's own indentation
                # right under its text.
                if not quoted:
                    under_text = bool(previous)
                    loose = loose or not under_text
                    if not under_text:
                        block_indent = len(place[1])
                column, indentation = place
                out.append(inside[0] + _reindented(inside[1], column, indentation[:-2]
                                                   if under_text else indentation))
                previous, previous_prefix, quoted = line.strip(), inside[0], True
                continue
            quoted = False
            fence_match = _FENCE.match(rest) if "``" in rest or "~~" in rest else None
            if fence is not None:
                if fence_match and fence_match.group(1)[0] == fence[0] \
                        and len(fence_match.group(1)) >= len(fence):
                    fence = None
                if shift is not None:
                    line = prefix + _reindented(rest, *shift)
                    shift = None if fence is None else shift
                out.append(line)
                previous, previous_prefix = rest, prefix
                continue
            if fence_match:
                fence = fence_match.group(1)
            item = _is_item(rest)
            empty = _EMPTY_ITEM.match(rest) if item is None and len(rest) < 16 else None
            if empty is not None and (
                    (open_items and len(empty.group(1)) < open_items[-1].text)
                    or (not open_items and not previous)):
                # ``-`` alone: an empty item (Logseq ends many a page with one), not
                # the text ``-`` nor, under an item, a line making that item a heading.
                rest = f"{rest.rstrip()} {_EMPTY_TEXT}"
                line = prefix + rest
                item = _ITEM.match(rest)
                after_empty = True
            if prefix.strip() != previous_prefix.strip():
                open_items = []  # a quote starts or ends: so does any list
            if not rest.strip():
                out.append(line)
                previous, previous_prefix = "", prefix
                continue
            if item is None:
                if not previous:
                    block_indent = 0
                if not previous and not rest.startswith(" "):
                    open_items = []  # a paragraph after a blank line ends the list
                elif (place := _place_in_item(rest, open_items)) is not None:
                    if was_empty and not fence_match:
                        # ``4.`` alone, its text indented on the next line: CommonMark
                        # reads one item starting with a blank line.
                        out[-1] = out[-1].replace(_EMPTY_TEXT, rest.strip())
                        previous, previous_prefix = rest, prefix
                        continue
                    line = prefix + _reindented(rest, *place)
                    if not previous:
                        block_indent = len(place[1])
                    # A block of the item after a blank line: Python-Markdown reads the
                    # next item right under it as more of that block.
                    loose = loose or not previous
                    if fence_match:
                        shift = place  # its code follows it
                elif fence_match or was_empty:
                    # Code fenced under an item, not in it, ends the list; so does a
                    # line under an empty item (no paragraph it could continue).
                    open_items = []
                    if was_empty:
                        out.append(prefix.rstrip())
                out.append(line)
                previous, previous_prefix = rest, prefix
                continue
            indent = len(item.group(1))
            if not open_items and indent >= _LEVEL:
                out.append(line)  # indented code, not a list
                previous, previous_prefix = rest, prefix
                continue
            starts_list = not open_items
            numbered = item.group(2)[0].isdigit()
            marker = item.group(2)[-1]
            root = open_items[0] if open_items else None
            while open_items and indent < open_items[-1].text:
                open_items.pop()  # not a child of the last item: a sibling of it or higher
            if not open_items and root is not None and root.numbered != numbered:
                starts_list = True  # ``1.`` after ``-`` items: a new list, as in Obsidian
            elif not open_items and root is not None and root.marker != marker \
                    and not prefix:
                # ``+`` items after ``-`` ones (``1)`` after ``1.``): another list, as
                # CommonMark has it. Python-Markdown joins lists of one kind unless a
                # block parts them: an empty comment, which the page does not show.
                out += ["", _PARTING, ""]
                starts_list, previous = True, ""
            level = len(open_items)
            if previous and ((starts_list and _may_interrupt(item)) or loose
                             or _LEVEL * level < block_indent):
                # The blank line Python-Markdown needs: it reads a note by blocks between
                # blank lines, and a block that starts indented goes whole into the
                # item above, so an item less indented must start a block of its own.
                out.append(prefix.rstrip())
                previous = ""
            if not previous:
                block_indent = _LEVEL * level
            loose = False
            open_items.append(_Item(indent + len(item.group(2)) + len(item.group(3)), numbered,
                                    marker))
            if marker == ")":  # ``1)``: Python-Markdown knows ``1.`` only
                rest = rest.replace(")", ".", 1)
            box = TASK_BOX.match(item.group(4))
            if box and box.group(1) not in " xX":  # done, as Obsidian draws it
                rest = rest[:item.start(4)] + "[x]" + rest[item.start(4) + 3:]
            opening = _FENCE.match(item.group(4))
            if opening:
                # ``- ```calc`` (Logseq writes code so): the item, then its code on the
                # lines below, as Python-Markdown reads code in an item. An empty
                # ``-`` under a line would underline it as a heading: ``*`` instead.
                shown = item.group(2)[:-1] + "." if numbered else "*"
                out.append(prefix + " " * (_LEVEL * level) + shown + " ")
                indentation = " " * (_LEVEL * (level + 1))
                out.append(prefix + indentation + item.group(4))
                fence, shift = opening.group(1), (open_items[-1].text, indentation)
                previous, previous_prefix = rest, prefix
                continue
            out.append(prefix + " " * (_LEVEL * level) + rest.lstrip(" "))
            previous, previous_prefix = rest, prefix
        return out


def _place_in_item(rest: str, open_items: list[_Item]) -> tuple[int, str] | None:
    """Where a line of an item's own text or blocks goes (``1. Étape``, blank line, three
    spaces, ``![[capture.png]]``): indented by the deepest open item's text, as Obsidian
    reads it, it belongs to that item, whose text column and four spaces per level are
    returned; indented less, ``None`` (left as written)."""
    spaces = len(rest) - len(rest.lstrip(" "))
    for level in range(len(open_items) - 1, -1, -1):
        if spaces >= open_items[level].text:
            return open_items[level].text, " " * (_LEVEL * (level + 1))
    return None


def _inside_quotes(line: str, depth: int) -> tuple[str, str] | None:
    """(the first ``depth`` quote markers of ``line``, the rest of it, indentation
    kept), or ``None`` when it has fewer: what a list read inside quotes at that depth
    (a callout's) sees of the line."""
    end = 0
    for _ in range(depth):
        marker = _MARKER.match(line, end)
        if marker is None:
            return None
        end = marker.end()
    return line[:end], line[end:]


def _reindented(rest: str, column: int, indentation: str) -> str:
    """``rest`` indented by ``indentation`` instead of its first ``column`` spaces (or
    as many as it has)."""
    spaces = len(rest) - len(rest.lstrip(" "))
    return indentation + rest[min(spaces, column):]


def _may_interrupt(item: re.Match[str]) -> bool:
    """Whether an item may start a list right under a paragraph: as in CommonMark, a
    numbered one only from 1 (``En 2019,`` then ``2020. Une année`` stays a paragraph)."""
    marker = item.group(2)
    return not marker[0].isdigit() or marker[:-1] == "1"


class LooseLists(Treeprocessor):
    """Every item of a loose list in a paragraph, as CommonMark has it: a list with a
    blank line between its items is loose, and each of its items shows its text as a
    paragraph. Python-Markdown puts in ``<p>`` only the two items on either side of the
    blank line, so the items of one list were spaced unevenly. Two items side by side,
    one whose text is a ``<p>``, the other too or starting with a heading or code, are
    the sign of a loose list (one alone may come of a blank line inside an item's
    nested list, which leaves the outer list tight)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag not in ("ul", "ol"):
                continue
            items = [item for item in element if item.tag == "li"]
            starts = [self._start(item) for item in items]
            if not any(a and b and "p" in (a, b) for a, b in itertools.pairwise(starts)):
                continue  # no two items side by side spaced by a blank line: tight
            for item in items:
                self._wrap_text(item)

    def _start(self, item: etree.Element) -> str:
        """What the item starts with: ``"p"`` (its text in a paragraph), ``"block"``
        (a heading, code: no sign either way) or ``""`` (its text, as in a tight list)."""
        if (item.text or "").strip() or not len(item):
            return ""
        if _paragraph(item[0]):
            return "p"
        return "block" if self.md.is_block_level(item[0].tag) else ""

    def _wrap_text(self, item: etree.Element) -> None:
        """Put the item's text and inline elements before its first block in a ``<p>``."""
        inline = []
        for child in item:
            if self.md.is_block_level(child.tag):
                break
            inline.append(child)
        if not (item.text or "").strip() and not inline:
            return
        paragraph = etree.Element("p")
        paragraph.text, item.text = item.text, None
        for child in inline:
            item.remove(child)
            paragraph.append(child)
        if inline and inline[-1].tail and not inline[-1].tail.strip():
            inline[-1].tail = None
        paragraph.tail = "\n"
        item.insert(0, paragraph)


def _paragraph(element: etree.Element) -> bool:
    """Whether ``element`` is a paragraph of text, not one only holding the placeholder
    of a block put aside (fenced code, raw HTML), which the page shows without it."""
    if element.tag != "p":
        return False
    text = (element.text or "").strip()
    return len(element) > 0 or not (text.startswith(STX) and text.endswith(ETX)
                                    and text.count(STX) == 1)


class ListSyntax(Extension):
    """Registers ``ListLines`` after Python-Markdown's whitespace normalisation (tabs
    expanded), and before superfences takes fenced code out (it must see code fenced on
    an item's line once moved below it) and Python-Markdown reads raw HTML."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(ListLines(md), "list_lines", 26)
        # After inline markup (20), before block identifiers read an item's text (19).
        md.treeprocessors.register(LooseLists(md), "loose_lists", 19.5)
