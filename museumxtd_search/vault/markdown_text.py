"""Turn a note's Markdown into indexable plain text, headings, sections and inline tags.

The text keeps what a reader reads (link labels, heading text, table cells, code) and
drops syntax (markers, URLs, HTML tags, image embeds). Sections record where each
heading's text starts, so a search hit can name the heading it falls under.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from museumxtd_search.text.math_text import math_in_line, tex_to_text
from museumxtd_search.text.slugs import heading_slugify
from museumxtd_search.vault.code import CODE_SPAN, fenced_lines, mask_code
from museumxtd_search.vault.comments import remove_comments
from museumxtd_search.vault.links import (
    MARKDOWN_LINK,
    REFERENCE_DEFINITION,
    WIKILINK,
    link_text,
    parse_wikilink,
    sized_alt,
)
from museumxtd_search.vault.notes import Heading, Section
from museumxtd_search.vault.outline_properties import BOOKKEEPING_LINE, rewrite_macros
from museumxtd_search.vault.resolver import is_asset_name

# A heading line and a fence's opening line: the one grammar the text, the sections
# (``vault.sections``) and the embeds read.
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE_PREFIX = re.compile(r"^\s*(?:>\s*)*")
# A task's box: Obsidian reads a space as a task to do, any other one character as a
# task done (``- [/]``, ``- [-]``: states some themes draw).
TASK_BOX = re.compile(r"\[([^\]\n])\][ \t]+")
_BLOCK_PREFIX = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+(?:\[[^\]\n]\]\s+)?|\d+[.)]\s+)?")
# A callout's first line, ``> [!info]+ Titre``: the page shows the title, not the marker.
# Its marker, ``[!type]`` and a fold sign, the pattern ``site.obsidian_syntax`` renders by.
CALLOUT_MARKER = r"\[!(?P<type>[^\]\n]+)\](?P<fold>[+-]?)"
_CALLOUT_LINE = re.compile(r"^\s*(?:>\s*)+" + CALLOUT_MARKER)
_TABLE_RULE = re.compile(r"^\s*(?:\|\s*)?:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*(?:\|\s*)?$")
_HORIZONTAL_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
# Logseq's markup: a block's bookkeeping property (``id:: …``, ``collapsed:: true``), an
# org-mode block's fence (``#+BEGIN_NOTE``), a reference to a block by its id
# (``((64a1…))``, whose words are in the block it names): none of them words. A macro
# reads as ``vault.outline_properties.rewrite_macros`` writes it.
_ORG_FENCE = re.compile(r"^\s*(?:- )?#\+(?:BEGIN|END)_[A-Za-z]+\b.*$")
_BLOCK_REFERENCE = re.compile(r"\(\([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\)\)")
# Any other ``key:: value`` is read ``key: value``.
_DOUBLE_COLON = re.compile(r"^([A-Za-z][\w-]*)::(?=\s|$)")
# A line that is only an attribute list, ``{: .classe}`` or ``{ .block-language-dataview}``
# (what the Digital Garden plugin leaves of a Dataview query): markup for a generator,
# never words.
_ATTRIBUTE_LINE = re.compile(r"^\s*\{:?\s*(?:[.#][\w-]+\s*)+\}\s*$")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)([^\s/<>()\]]+)[^\s<>()\]]*", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>|<!--.*?-->")
# CommonMark's autolinks, ``<https://example.org/a>`` and ``<nom@example.org>``: shown as
# their address (the page links it), not taken for an HTML tag.
_AUTOLINK = re.compile(r"<(?:mailto:)?([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"
                       r"|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)>")
# ``[label]()``, a link its author has not filled in yet: the label is shown.
_EMPTY_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(\)")
# A single ``_`` is emphasis only at a word's edge (``_nodes_``), as in CommonMark:
# ``snake_case`` keeps its underscore.
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~|==|`+|(?<!\w)_(?=[^\s_])|(?<=[^\s_])_(?!\w))")
_EMPHASIS_CHARS = re.compile(r"[*_~=`]")
# A block identifier closing a paragraph or list item (``… ^quote-1``), or alone on the
# line after a block: Obsidian hides it; ``[[Note#^quote-1]]`` links to the block.
BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
# ``[label][ref]`` and ``[label][]``: the label is what the reader sees.
_REFERENCE_LINK = re.compile(r"(?<![\w\]])\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
# A footnote's call ``[^1]`` and the marker of its text ``[^1]:``.
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\]:?")
# Obsidian's inline footnote, ``texte^[la note, avec [[un lien]]]``: its text may hold
# links (one level of brackets, or a wikilink's two).
INLINE_FOOTNOTE = re.compile(r"\^\[((?:[^\[\]\n]|\[\[[^\[\]\n]*\]\]|\[[^\[\]\n]*\])*)\]")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>$])")
INLINE_TAG = re.compile(r"(?<![\w&/#'])#([^\W\d][\w/-]*)")


@dataclass(frozen=True, slots=True)
class PlainText:
    """The result of stripping one note's Markdown."""

    text: str
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    inline_tags: tuple[str, ...]
    # The first level-1 heading (on a line of its own, not in a list item: a Logseq
    # page's ``- # Titre`` heads a block): the title a note's text gives it.
    title: str | None = None


def _replace_wikilink(match: re.Match[str]) -> str:
    # ``[[Note\|label]]`` (a table cell's pipe, escaped): its pipe was protected as
    # any escaped character is (``inline_markup_to_text``); here it splits the link.
    link = parse_wikilink(match.group(2).translate(_PROTECTED), bool(match.group(1)))
    if link.embed and is_asset_name(link.target):
        return ""  # an image or file embed has no words of its own
    return link_text(link)


def _replace_markdown_link(match: re.Match[str]) -> str:
    return sized_alt(match.group(2))[0] if match.group(1) else match.group(2)


def _autolink_text(match: re.Match[str]) -> str:
    # A web address shows its host, as a bare one does; any other its whole address.
    address = match.group(1)
    url = _BARE_URL.fullmatch(address)
    return url.group(1) if url else address


_PROTECTED = {0xE000 + code: chr(code) for code in range(128)}


def inline_markup_to_text(line: str) -> str:
    """Strip inline Markdown from one line: links keep their labels, URLs their host,
    math its text (``text.math_text``).

    Each rewrite runs only when its trigger characters occur: this runs on every line
    of every note, and most lines hold plain prose.
    """
    math = _math_outside_code(line) if "$" in line else None
    if math:
        # Set aside while the markup is stripped: TeX's _, * and \ are not Markdown's.
        parts, last = [], 0
        for number, (start, end, _) in enumerate(math):
            parts += [line[last:start], chr(_MATH_MARK + number)]
            last = end
        line = "".join(parts) + line[last:]
    escaped = "\\" in line
    if escaped:
        # Escaped characters (``\*``) are protected from the markup removal, then restored.
        line = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), line)
    line = _around_code(line) if "`" in line else _without_markup(line)
    if escaped:
        line = line.translate(_PROTECTED)
    if "&" in line:
        line = html.unescape(line)
    if math:
        for number, (_, _, tex) in enumerate(math):
            line = line.replace(chr(_MATH_MARK + number), tex_to_text(tex))
    return line


# Where math set aside waits, one private-use character per piece.
_MATH_MARK = 0xF000


def _math_outside_code(line: str) -> list[tuple[int, int, str]]:
    """The math of ``line`` (``text.math_text.math_in_line``) not inside a code span."""
    math = math_in_line(line)
    if math and "`" in line:
        code = [span.span() for span in CODE_SPAN.finditer(line)]
        math = [piece for piece in math
                if not any(start < piece[1] and piece[0] < end for start, end in code)]
    return math[: 0x1000]


def _around_code(line: str) -> str:
    """``line`` with its markup stripped outside code spans; a code span's code is kept
    as written (``[[Note|label]]`` shown as an example stays so in excerpts)."""
    parts, last = [], 0
    for span in CODE_SPAN.finditer(line):
        parts += [_without_markup(line[last:span.start()]), span.group(2)]
        last = span.end()
    parts.append(_without_markup(line[last:]))
    return "".join(parts)


def _without_markup(line: str) -> str:
    """``line`` (no code span) without its inline markup."""
    if "((" in line:
        line = _BLOCK_REFERENCE.sub("", line)
    if "{{" in line:
        line = rewrite_macros(line)
    if "[[" in line:
        line = WIKILINK.sub(_replace_wikilink, line)
    if "](" in line:
        line = MARKDOWN_LINK.sub(_replace_markdown_link, line)
        if "]()" in line:
            line = _EMPTY_LINK.sub(r"\1", line)
    if "^[" in line:  # read where it is written, as an aside
        line = INLINE_FOOTNOTE.sub(r" (\1)", line)
    if "[^" in line:
        line = _FOOTNOTE_MARK.sub("", line)
    if "][" in line:
        line = _REFERENCE_LINK.sub(r"\1", line)
    angled = "<" in line
    if angled and ("@" in line or ":" in line):
        line = _AUTOLINK.sub(_autolink_text, line)
    if "://" in line or "www." in line:
        line = _BARE_URL.sub(lambda m: m.group(1), line)
    if angled:
        line = _HTML_TAG.sub(" ", line)
    if _EMPHASIS_CHARS.search(line):
        line = _EMPHASIS.sub("", line)
    return line


def strip_markdown(markdown: str, first_line: int = 1) -> PlainText:
    """Strip ``markdown`` (a note body) to plain text; line numbers start at ``first_line``."""
    markdown = remove_comments(markdown)
    out: list[str] = []
    length = 0
    headings: list[Heading] = []
    sections: list[Section] = [Section("", "", 0)]
    tags: list[str] = []
    used_anchors: dict[str, int] = {}
    title: str | None = None
    code = fenced_lines(markdown)  # fenced code: its lines are text as written
    math: list[str] | None = None  # the TeX of a $$ block read so far
    # Blocks of math and Logseq's fields, looked for only in notes that have some.
    dollars, colons = "$$" in markdown, "::" in markdown
    for offset, raw in enumerate(markdown.split("\n")):
        text: str
        if math is not None:
            tex, closing, _ = _QUOTE_PREFIX.sub("", raw, count=1).partition("$$")
            math.append(tex)
            if not closing:
                continue
            text, math = tex_to_text("\n".join(math)), None
        elif offset in code:
            if code[offset]:
                continue  # a fence line
            # Code in a quote or a callout: its lines without the quote's marks.
            text = _QUOTE_PREFIX.sub("", raw, count=1) if ">" in raw else raw
        elif heading_match := ATX_HEADING.match(raw):
            text = inline_markup_to_text(heading_match.group(2)).strip()
            if text:
                if title is None and len(heading_match.group(1)) == 1:
                    title = text
                anchor = _unique_anchor(heading_slugify(text), used_anchors)
                headings.append(Heading(len(heading_match.group(1)), text, anchor,
                                        first_line + offset))
                sections.append(Section(text, anchor, length))
        elif _TABLE_RULE.match(raw) or _HORIZONTAL_RULE.match(raw) or (
                "{" in raw and _ATTRIBUTE_LINE.match(raw)) or (
                "::" in raw and BOOKKEEPING_LINE.match(raw)) or (
                "#+" in raw and _ORG_FENCE.match(raw)):
            continue
        elif "]:" in raw and (definition := REFERENCE_DEFINITION.match(raw)) \
                and not definition.group(1).startswith("^"):
            continue  # ``[label]: url``: what a link's label points at, never shown
        else:
            if "^" in raw:
                raw = BLOCK_ID.sub("", raw)
            if "[!" in raw:
                raw = _CALLOUT_LINE.sub("", raw, count=1)
            line = _BLOCK_PREFIX.sub("", raw, count=1)
            if line[:1] == "#" and line != raw and (heading := ATX_HEADING.match(line)):
                # A heading in a list item (``- # Titre``, every heading of a Logseq
                # page): its words without its hashes. The page draws it in the item;
                # it is no section of the note, nor its title.
                line = heading.group(2)
            elif dollars and line.startswith("$$") and "$$" not in line[2:]:
                math = [line[2:]]  # a block of math: $$ alone, or opening its first line
                continue
            elif colons and "::" in line:
                line = _DOUBLE_COLON.sub(r"\1:", line, count=1)
            text = inline_markup_to_text(line)
            if "#" in text:
                # ``#livre`` between backticks is code that shows a tag, not a tag.
                shown = inline_markup_to_text(mask_code(line)) if "`" in line else text
                tags.extend(INLINE_TAG.findall(shown))
            text = text.replace("|", " ")
        text = text.strip()
        if text:
            out.append(text)
            length += len(text) + 1
    if math is not None and (text := tex_to_text("\n".join(math))):  # never closed
        out.append(text)
    return PlainText("\n".join(out), tuple(headings), tuple(sections), tuple(tags), title)


def _unique_anchor(anchor: str, used: dict[str, int]) -> str:
    """Python-Markdown's rule for repeated headings: ``intro``, ``intro_1``, ``intro_2``."""
    count = used.get(anchor, 0)
    used[anchor] = count + 1
    return anchor if count == 0 else f"{anchor}_{count}"
