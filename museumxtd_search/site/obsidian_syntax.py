"""Obsidian's own syntax, for which no maintained Python-Markdown extension exists.

- Callouts: ``> [!type] Title`` with Obsidian's types and aliases, foldable with
  ``[!type]-`` (closed) or ``[!type]+`` (open) as ``<details>``, nested, with Markdown
  in the title and the body. (``markdown-callouts`` knows GitHub's five types without
  titles or folding; ``obsidian-callouts`` 1.0.1 misses a callout with no body, the
  common ``> [!tip] Title`` alone: see ``docs/rendering.md``.)
- Comments: ``%% … %%`` removed before anything else reads the note.
- Block identifiers: `` ^id`` closing a paragraph or list item becomes that element's
  ``id="^id"`` (``[[Note#^id]]`` links there) and is not shown.
- Inline footnotes: ``texte^[la note]`` becomes a footnote call and its definition
  at the end, which Python-Markdown's footnotes number with the others.
- Headings need a space after their ``#``: ``#projet #musée`` on a line of its own is
  two tags, as in Obsidian (and CommonMark), not a heading as in Python-Markdown.

Everything else Obsidian writes is rendered by Python-Markdown's own extensions and
pymdown-extensions (``site.markdown_render`` lists them).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown import util
from markdown.blockprocessors import BlockQuoteProcessor, HashHeaderProcessor
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from museumxtd_search.site.sanitize import CALLOUT_TYPES
from museumxtd_search.vault.code import fenced_lines, mask_code
from museumxtd_search.vault.comments import remove_comments
from museumxtd_search.vault.markdown_text import BLOCK_ID, CALLOUT_MARKER, INLINE_FOOTNOTE
from museumxtd_search.vault.outline_properties import (
    BOOKKEEPING_LINE,
    MACRO,
    block_heading,
    block_lines,
    rewrite_macros,
)

# Obsidian's aliases of its callout types.
CALLOUT_ALIASES = {
    "summary": "abstract", "tldr": "abstract", "hint": "tip", "important": "tip",
    "check": "success", "done": "success", "help": "question", "faq": "question",
    "caution": "warning", "attention": "warning", "fail": "failure", "missing": "failure",
    "error": "danger", "cite": "quote",
}


def callout_type(written: str) -> str:
    """The style of a callout type as written; unknown types look like ``note``, as in
    Obsidian."""
    name = written.strip().lower()
    name = CALLOUT_ALIASES.get(name, name)
    return name if name in CALLOUT_TYPES else "note"


class SeparateQuotes(BlockQuoteProcessor):
    """Quotes parted by a blank line are two quotes, as in CommonMark (Obsidian draws
    two): Python-Markdown's own processor put a quote into the one before it, so the
    passages a reading note quotes one after another were one quote."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block)
        assert match is not None  # test() found it
        if block[:match.start()].strip():
            self.parser.parseBlocks(parent, [block[:match.start()]])
        quote = etree.SubElement(parent, "blockquote")
        self.parser.state.set("blockquote")
        self.parser.parseChunk(quote, "\n".join(self.clean(line) for line
                                                in block[match.start():].split("\n")))
        self.parser.state.reset()


class CalloutProcessor(BlockQuoteProcessor):
    """A block quote whose first line is ``[!type]`` becomes a callout."""

    START = re.compile(r"(?:^|\n)[ ]{0,3}>[ ]?" + CALLOUT_MARKER + r"[ \t]*(?P<title>[^\n]*)")

    def test(self, parent: etree.Element, block: str) -> bool:
        return "[!" in block and bool(self.START.search(block)) \
            and not util.nearing_recursion_limit()

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = self.START.search(block)
        assert match is not None  # test() found it
        before = block[:match.start()]
        if before.strip():
            self.parser.parseBlocks(parent, [before])
        kind = callout_type(match.group("type"))
        # Untitled: "its type identifier with an initial capital", as Obsidian's help
        # says and shows (``[!tip]`` reads Tip in a French vault too).
        written = match.group("type").strip()
        title_text = match.group("title").strip() or written[:1].upper() + written[1:].lower()
        fold = match.group("fold")
        if fold:
            callout = etree.SubElement(parent, "details", {"class": f"callout callout-{kind}"})
            if fold == "+":
                callout.set("open", "open")
            title = etree.SubElement(callout, "summary", {"class": "callout-title"})
        else:
            callout = etree.SubElement(parent, "div", {"class": f"callout callout-{kind}"})
            title = etree.SubElement(callout, "div", {"class": "callout-title"})
        title.text = title_text
        body = block[match.end():].lstrip("\n")
        content = etree.SubElement(callout, "div", {"class": "callout-content"})
        if body:
            self.parser.state.set("blockquote")
            self.parser.parseChunk(content, "\n".join(self.clean(line)
                                                      for line in body.split("\n")))
            self.parser.state.reset()


class SpacedHashHeader(HashHeaderProcessor):
    """Python-Markdown's ``#`` heading, with the space (or line end) after the hashes
    that Obsidian requires."""

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)"
                    r"(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)")


class CommentRemover(Preprocessor):
    """Removes ``%% comments %%`` (the vault's one rule) before any other step."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        return remove_comments(text).split("\n") if "%%" in text else lines


class OutlineMarkup(Preprocessor):
    """Logseq's markup (``vault.outline_properties``): the lines of a block's bookkeeping
    properties, ``id:: …`` (a block named for references, which becomes the item's id)
    and ``collapsed:: true``, are removed, as Logseq shows none; its macros outside
    code are Markdown
    (``{{embed [[Page]]}}`` an embed, ``{{youtube …}}`` a link), or shown as code when
    only a running program could show them (``{{query …}}``, a template's tag)."""

    def run(self, lines: list[str]) -> list[str]:
        lines = _outline_under_headings(lines)
        if any("::" in line for line in lines):
            # A block named for references (``id::``) gets Obsidian's marker, so that
            # ``BlockIds`` gives its item the id references link to (a heading has its
            # own anchor).
            for block_id, number in block_lines("\n".join(lines)).items():
                if "`" not in lines[number] and not block_heading(lines[number]):
                    lines[number] = f"{lines[number].rstrip()} ^{block_id}"
            lines = [line for line in lines
                     if "::" not in line or not BOOKKEEPING_LINE.match(line)]
        text = "\n".join(lines)
        if "{{" not in text:
            return lines
        parts, last = [], 0
        for match in MACRO.finditer(mask_code(text)):
            parts += [text[last:match.start()],
                      rewrite_macros(text[match.start():match.end()], unknown="`{macro}`")]
            last = match.end()
        return ("".join(parts) + text[last:]).split("\n")


# A heading written at the margin, and a bullet indented by a tab (Logseq's outline).
_MARGIN_HEADING = re.compile(r"^#{1,6}[ \t]")
_TABBED_BULLET = re.compile(r"^\t+[-*+][ \t]")


def _outline_under_headings(lines: list[str]) -> list[str]:
    """A Logseq page's blocks under a heading written at the margin (``## Usage``, then
    tab-indented bullets): Logseq shows them as the heading's children, CommonMark read
    the tab as indented code. Each such run of tab-indented lines loses one tab, so that
    it is a list under the heading (19 of the 313 pages of Logseq's own docs). A
    heading inside code is no heading; no other note of sixteen gardens writes a
    tab-indented bullet right under a heading."""
    if not any(_TABBED_BULLET.match(line) for line in lines):
        return lines
    code = fenced_lines("\n".join(lines))
    out = list(lines)
    under = False  # in a run of tab-indented lines right under a margin heading
    for number, line in enumerate(lines):
        if under and line.startswith("\t"):
            out[number] = line[1:]  # code in the run too: the run keeps its shape
        else:
            under = number not in code and bool(_MARGIN_HEADING.match(line)) \
                and number + 1 < len(lines) and bool(_TABBED_BULLET.match(lines[number + 1]))
    return out


class QuotedFences(Preprocessor):
    """Code fenced in a quote or a callout, its lines given one quote prefix.

    Obsidian (CommonMark) reads each quoted line's ``>`` and one space as the quote's
    mark, whatever the next line writes: ``>  ```md`` then ``> ```…`` closes, and so does
    ``>```` under ``> ```html``. Superfences wants the opening line's prefix on every
    line and left such code as text. Where the fence is (``vault.code``) is the search's
    rule; each line of a quoted block is rewritten ``> `` per level, its code indented
    as under the fence."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if ">" not in text or ("```" not in text and "~~~" not in text):
            return lines
        code = fenced_lines(text)  # True: a fence line; a block never closed has one
        out = list(lines)
        opening: int | None = None
        for number in sorted(code):
            if opening is None:
                opening = number
            elif code[number]:
                out[opening:number + 1] = _one_prefix(lines[opening:number + 1])
                opening = None
        return out


_QUOTE_MARK = re.compile(r"[ \t]{0,3}>[ ]?")


def _one_prefix(block: list[str]) -> list[str]:
    """A quoted fenced block's lines, each with the opening line's indentation (a quote
    in a list item) and quote depth as ``> `` marks (a block outside quotes is returned
    as it is)."""
    lead = block[0][:len(block[0]) - len(block[0].lstrip(" \t"))]
    depth = re.match(r"(?:[ \t]*>)*", block[0]).group().count(">")
    if not depth:
        return block

    def inner(line: str) -> str:
        spaces = len(line) - len(line.lstrip(" \t"))
        line = line[min(spaces, len(lead)):]
        for _ in range(depth):
            mark = _QUOTE_MARK.match(line)
            if mark is None:
                break
            line = line[mark.end():]
        return line

    first = inner(block[0])
    indent = len(first) - len(first.lstrip(" "))
    prefix = lead + "> " * depth
    rows = [prefix + first.lstrip(" ")]
    for line in block[1:-1]:
        content = inner(line)
        spaces = len(content) - len(content.lstrip(" "))
        rows.append((prefix + content[min(spaces, indent):]).rstrip(" ") or prefix.rstrip())
    rows.append(prefix + inner(block[-1]).strip())
    return rows


class InlineFootnotes(Preprocessor):
    """``texte^[la note]`` (not in code): a call ``[^mx-inline-N]`` where it is written,
    its definition after the note, so the page shows it as Obsidian does, a numbered
    note at the bottom."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "^[" not in text:
            return lines
        parts, definitions, last = [], [], 0
        for number, match in enumerate(INLINE_FOOTNOTE.finditer(mask_code(text)), 1):
            label = f"mx-inline-{number}"
            parts += [text[last:match.start()], f"[^{label}]"]
            definitions.append(f"[^{label}]: {text[match.start(1):match.end(1)]}")
            last = match.end()
        if not definitions:
            return lines
        return ("".join(parts) + text[last:] + "\n\n" + "\n".join(definitions)).split("\n")


class BlockIds(Treeprocessor):
    """`` ^id`` at the end of a paragraph or list item: hidden, and the element's id.
    An item's marker ends its own text, before its nested list or other blocks."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag not in ("p", "li"):
                continue
            children = list(element)
            if element.tag == "li":  # its own text: before its first block
                children = children[:next((at for at, child in enumerate(children)
                                           if self.md.is_block_level(child.tag)),
                                          len(children))]
            last = children[-1] if children else None
            text = (last.tail if last is not None else element.text) or ""
            match = BLOCK_ID.search(text) if "^" in text else None
            if match is None:
                continue
            text = text[:match.start()]
            if last is not None:
                last.tail = text
            else:
                element.text = text
            element.set("id", f"^{match.group(1)}")


class ObsidianExtension(Extension):
    """Callouts, quotes parted by blank lines, comments, inline footnotes, block
    identifiers and spaced headings;
    ``block_ids`` only when the note has a ``^`` (the tree walk is skipped otherwise)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.parser.blockprocessors.register(CalloutProcessor(md.parser), "callout", 21)
        md.parser.blockprocessors.register(SeparateQuotes(md.parser), "quote", 20)
        md.parser.blockprocessors.register(SpacedHashHeader(md.parser), "hashheader", 70)
        md.preprocessors.register(CommentRemover(md), "obsidian_comments", 40)
        md.preprocessors.register(InlineFootnotes(md), "inline_footnotes", 35)
        md.preprocessors.register(OutlineMarkup(md), "outline_markup", 38)
        md.preprocessors.register(QuotedFences(md), "quoted_fences", 27)
        md.treeprocessors.register(BlockIds(md), "block_ids", 19)
