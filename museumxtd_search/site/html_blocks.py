"""Raw HTML blocks as Obsidian (and CommonMark, hence Eleventy's markdown-it) end them.

A line starting with a block-level tag (``<div align="center">``, ``<details>``,
``</div>``: CommonMark's sixth kind of HTML block) starts raw HTML that ends at the next
blank line; what follows the blank line is Markdown again. Notes rely on it::

    <details>
    <summary>Sources</summary>

    - [[Rapport 2023]], **à lire**

    </details>

Python-Markdown instead keeps everything up to the matching ``</details>`` as written,
so the list, the emphasis and the link were shown as their raw syntax. The Digital
Garden plugin writes every embedded note so (``<div class="markdown-embed">``, a blank
line, the note), and converted READMEs centre a heading so.

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
from markdown.preprocessors import Preprocessor

# CommonMark's block-level tag names (HTML blocks of type 6), which may start a block
# anywhere, even right under a paragraph line.
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    "|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset"
    "|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes"
    "|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead"
    "|title|tr|track|ul")
_BLOCK_START = re.compile(rf"^ {{0,3}}</?(?:{_BLOCK_TAGS})(?:[ \t>]|/>|$)", re.IGNORECASE)


class HtmlBlocks(Preprocessor):
    """See the module docstring."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("<" in line for line in lines):
            return lines
        out: list[str] = []
        at = 0
        while at < len(lines):
            if not _BLOCK_START.match(lines[at]):
                out.append(lines[at])
                at += 1
                continue
            end = at + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            # On a block of its own, as Python-Markdown places what it puts aside: the
            # page shows the raw HTML in its place, not in a paragraph.
            out += ["", self.md.htmlStash.store("\n".join(lines[at:end])), ""]
            at = end
        return out


class HtmlBlockSyntax(Extension):
    """Registers ``HtmlBlocks`` after fenced code is put aside (HTML in code stays code)
    and the list rules have indented items' blocks, before Python-Markdown's own raw
    HTML preprocessor."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(HtmlBlocks(md), "html_blocks", 21)
