"""Obsidian's math, ``$…$`` in a line and ``$$…$$`` displayed, drawn as MathML.

Obsidian draws TeX math with MathJax. The page draws it as MathML, which current
browsers draw themselves: no script, no font, nothing fetched from elsewhere, and the
page works opened from disk.

- pymdown-extensions' Arithmatex finds the math, with the rules Obsidian (and pandoc)
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
from markdown.treeprocessors import Treeprocessor
from pymdownx.arithmatex import ArithmatexExtension

from museumxtd_search.site.sanitize import sanitize_html

# The class Arithmatex gives the elements holding the TeX it found.
_FOUND = "arithmatex"
# Math that only breaks the line.
_LINE_BREAK = re.compile(r"\s*(?:\\newline|\\\\)\s*")
# How latex2mathml writes a command it does not know: as a name, backslash included.
_UNKNOWN_COMMAND = "<mi>\\"


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """``tex`` as a ``<math>`` element (``display="block"`` when ``display``), allowed
    markup only, or ``None`` when latex2mathml cannot read it. Remembered: a garden
    repeats its formulas (``$x$``, ``$n$``), and each costs about a millisecond."""
    from latex2mathml.converter import convert  # only notes with math pay its import

    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX it cannot read: shown as written
        return None
    return None if _UNKNOWN_COMMAND in mathml else sanitize_html(mathml)


class MathToMathML(Treeprocessor):
    """Each piece of math Arithmatex found becomes MathML (stashed raw HTML), or its
    TeX in a code span."""

    def run(self, root: etree.Element) -> None:
        found = [element for element in root.iter()
                 if element.tag in ("span", "div") and element.get("class") == _FOUND]
        for element in found:
            display = element.tag == "div"
            # Arithmatex escapes a displayed block's TeX as HTML; not a line's.
            tex = element.text or ""
            tex = html.unescape(tex) if display else tex
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
        md.treeprocessors.register(MathToMathML(md), "math_to_mathml", 18)
