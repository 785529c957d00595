"""Obsidian's math, ``$…$`` in a line and ``$$…$$`` displayed, drawn as MathML.

Obsidian draws TeX math with MathJax. The page draws it as MathML, which current
browsers draw themselves: no script, no font, nothing fetched from elsewhere, and the
page works opened from disk.

- ``$$…$$`` inside a line of text (``Coût : $$\\frac{a}{b}$$``, a list item, a
  heading) is displayed math too, as Obsidian shows it; Arithmatex takes ``$$`` only
  as a block of its own, and left the dollars around a formula.
- pymdown-extensions' Arithmatex finds the rest, with the rules Obsidian (and pandoc)
  follow: a ``$`` opening math is not followed by a space and one closing it is not
  preceded by one, so ``de 5 $ à 10 $`` and ``$5 and $10`` stay text; ``\\$`` is a
  dollar; math in code is code. Only the dollar forms: Obsidian reads neither
  ``\\(…\\)`` nor ``\\[…\\]``.
- latex2mathml turns the TeX into MathML, which the page's allow-list
  (``site.sanitize``) then checks, even with ``--allow-html``: TeX writes markup
  (``\\href{javascript:…}``, ``\\text{<b>}``) its author may not expect.
- TeX latex2mathml cannot read (a missing brace, a command it does not know) is shown
  as written, in a code span, where Obsidian shows MathJax's error: the author sees
  what to fix, and the rest of the note renders.
- ``$\\newline$`` alone, which Zettlr and pandoc users write for an empty line, is a
  line break, as MathJax draws it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.arithmatex import ArithmatexExtension

from museumxtd_search.site.sanitize import sanitize_html
from museumxtd_search.text.math_text import DISPLAYED_IN_TEXT, mathml_of

# The class Arithmatex gives the elements holding the TeX it found (and ours, the
# displayed math written inside a line).
_FOUND = "arithmatex"
_FOUND_DISPLAYED = "arithmatex-displayed"
# Math that only breaks the line.
_LINE_BREAK = re.compile(r"\s*(?:\\newline|\\\\)\s*")


def tex_to_mathml(tex: str, display: bool) -> str | None:
    """``tex`` as a ``<math>`` element (``display="block"`` when ``display``), allowed
    markup only, or ``None`` when latex2mathml cannot read it (``text.math_text``)."""
    mathml = mathml_of(tex, display)
    return None if mathml is None else _allowed(mathml)


@lru_cache(maxsize=4096)
def _allowed(mathml: str) -> str:
    return sanitize_html(mathml)


class DisplayedMathInText(InlineProcessor):
    """``$$…$$`` inside a line of text: an element for ``MathToMathML``, displayed."""

    def handleMatch(self, m: re.Match[str], data: str  # noqa: N802 - Markdown's API
                    ) -> tuple[etree.Element, int, int]:
        element = etree.Element("span", {"class": _FOUND_DISPLAYED})
        element.text = markdown.util.AtomicString(m.group(1))
        return element, m.start(0), m.end(0)


class MathToMathML(Treeprocessor):
    """Each piece of math Arithmatex found becomes MathML (stashed raw HTML), or its
    TeX in a code span."""

    def run(self, root: etree.Element) -> None:
        found = [element for element in root.iter() if element.tag in ("span", "div")
                 and element.get("class") in (_FOUND, _FOUND_DISPLAYED)]
        for element in found:
            display = element.tag == "div" or element.get("class") == _FOUND_DISPLAYED
            # Arithmatex escapes a displayed block's TeX as HTML; not a line's.
            tex = element.text or ""
            tex = html.unescape(tex) if element.tag == "div" else tex
            element.attrib.clear()
            if _LINE_BREAK.fullmatch(tex):
                element.tag, element.text = "br", None
                continue
            mathml = tex_to_mathml(tex, display)
            if mathml is None:
                element.tag = "code"
                element.set("class", "math unrendered")
                element.text = markdown.util.AtomicString(tex.strip())
                continue
            element.set("class", "math math-display" if display else "math")
            element.text = self.md.htmlStash.store(mathml)


class MathExtension(Extension):
    """``$…$`` and ``$$…$$`` as MathML (see the module's docstring)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        ArithmatexExtension(generic=True, smart_dollar=True, inline_syntax=["dollar"],
                            block_syntax=["dollar"], tex_inline_wrap=["", ""],
                            tex_block_wrap=["", ""]).extendMarkdown(md)
        # After code spans (190), before Arithmatex's $…$ (189.9).
        md.inlinePatterns.register(DisplayedMathInText(DISPLAYED_IN_TEXT, md),
                                   "displayed-math-in-text", 189.95)
        md.treeprocessors.register(MathToMathML(md), "math_to_mathml", 18)
