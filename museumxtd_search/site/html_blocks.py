"""Raw HTML blocks as Obsidian (and CommonMark, hence Eleventy's markdown-it) end them.

A line starting with a block-level tag (``<div align="center">``, ``<details>``,
``</div>``: CommonMark's sixth kind of HTML block), or holding one whole tag of another
name where a block starts (``<picture>``: the seventh kind), starts raw HTML that ends
at the next blank line; what follows the blank line is Markdown again. Notes rely on
it::

    <details>
    <summary>Sources</summary>

    - [[Rapport 2023]], **à lire**

    </details>

Python-Markdown instead keeps everything up to the matching ``</details>`` as written,
so the list, the emphasis and the link were shown as their raw syntax. The Digital
Garden plugin writes every embedded note so (``<div class="markdown-embed">``, a blank
line, the note), and converted READMEs centre a heading so. The other way round, the
lines of a ``<picture>`` (its ``<source>``, a link around an image) are one raw block
where Python-Markdown read a paragraph and broke it at each line: the MuseumXTD
garden's "À propos" page drew 23 line breaks between its partners' logos.

``HtmlBlocks`` puts each such block aside as raw HTML itself, as Python-Markdown's own
preprocessor does, so that only the lines up to the blank line are raw. The pieces
(``<details>`` … ``</details>``) are joined back in the page; the sanitiser, or the
browser with ``--allow-html``, reads them as one element. Other raw HTML (comments,
``<pre>``, ``<script>``, inline tags) is left to Python-Markdown, and so is HTML
indented as code or in a list item.

``md_in_html`` does not do this: it renders Markdown only inside an element marked
``markdown="1"``, which notes do not write.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

# CommonMark's block-level tag names (HTML blocks of type 6), which may start a block
# anywhere, even right under a paragraph line: the spec's, with ``source``, which
# markdown-it (Eleventy's renderer) still lists.
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    "|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset"
    "|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes"
    "|ol|optgroup|option|p|param|search|section|source|summary|table|tbody|td|tfoot|th"
    "|thead|title|tr|track|ul")
_BLOCK_START = re.compile(rf"^ {{0,3}}</?(?:{_BLOCK_TAGS})(?:[ \t>]|/>|$)", re.IGNORECASE)
# CommonMark's seventh kind: a line holding one whole opening or closing tag of any other
# name (``<picture>``, ``<a href="…">``, ``</span>``), nothing after it. It starts raw
# HTML only where a block starts (it cannot interrupt a paragraph).
_ATTRIBUTE = r"""[ \t]+[A-Za-z_:][\w.:-]*(?:[ \t]*=[ \t]*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_TAG_LINE = re.compile(rf"^ {{0,3}}(?:<(?!(?:script|style|pre|textarea)\b)[A-Za-z][A-Za-z0-9-]*"
                       rf"(?:{_ATTRIBUTE})*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$",
                       re.IGNORECASE)
# Lines after which a block starts: a heading, a thematic break and an HTML comment
# closed on its line (CommonMark's second kind of HTML block) are one line long.
_ONE_LINE_BLOCK = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|([-*_])(?:[ \t]*\1){2,}[ \t]*$"
                             r"|<!--.*-->[ \t]*$)")


class HtmlBlocks(Preprocessor):
    """See the module docstring. ``stored``: the stash numbers of the blocks it put
    aside in the note being rendered."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.stored: list[int] = []

    def run(self, lines: list[str]) -> list[str]:
        self.stored = []
        if not any("<" in line for line in lines):
            return lines
        out: list[str] = []
        at = 0
        while at < len(lines):
            line = lines[at]
            if "<" not in line or not (_BLOCK_START.match(line) or (
                    _block_starts(lines, at) and _TAG_LINE.match(line))):
                out.append(line)
                at += 1
                continue
            end = at + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            # On a block of its own, as Python-Markdown places what it puts aside: the
            # page shows the raw HTML in its place, not in a paragraph.
            self.stored.append(len(self.md.htmlStash.rawHtmlBlocks))
            out += ["", self.md.htmlStash.store("\n".join(lines[at:end])), ""]
            at = end
        return out


def _block_starts(lines: list[str], at: int) -> bool:
    """Whether a block may start at line ``at``: the note's first line, or one after a
    blank line, a heading, a thematic break or a one-line comment (not inside a
    paragraph)."""
    return at == 0 or not lines[at - 1].strip() \
        or _ONE_LINE_BLOCK.match(lines[at - 1]) is not None


class HtmlBlockParagraphs(Postprocessor):
    """No paragraph around a block ``HtmlBlocks`` put aside, as CommonMark puts none
    around raw HTML: Python-Markdown leaves one around tags it does not know as
    block-level (``<p><picture>…</picture></p>``). Runs before the stashed HTML is
    put back."""

    def __init__(self, md: markdown.Markdown, blocks: HtmlBlocks) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, text: str) -> str:
        for number in self.blocks.stored:
            placeholder = self.md.htmlStash.get_placeholder(number)
            text = text.replace(f"<p>{placeholder}</p>", placeholder)
        return text


class HtmlBlockSyntax(Extension):
    """Registers ``HtmlBlocks`` after fenced code is put aside (HTML in code stays code)
    and the list rules have indented items' blocks, before Python-Markdown's own raw
    HTML preprocessor; ``HtmlBlockParagraphs`` before the stash is put back (30)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        blocks = HtmlBlocks(md)
        md.preprocessors.register(blocks, "html_blocks", 21)
        md.postprocessors.register(HtmlBlockParagraphs(md, blocks), "html_block_paragraphs",
                                   31)
