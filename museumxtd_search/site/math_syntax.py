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

# The class Arithmatex gives the elements holding the TeX it found (and ours, the
# displayed math written inside a line).
_FOUND = "arithmatex"
_FOUND_DISPLAYED = "arithmatex-displayed"
# $$…$$ inside a line: no dollar inside, a backslash escapes the next character.
_DISPLAYED_IN_TEXT = r"\$\$((?:\\.|[^\\$])+?)\$\$"
# Math that only breaks the line.
_LINE_BREAK = re.compile(r"\s*(?:\\newline|\\\\)\s*")
# How latex2mathml writes a command it does not know (as a name, backslash included)
# and an alignment point outside an environment it knows (a bare ``&``).
_UNREAD = ("<mi>\\", "<mi>&</mi>")
# Environments latex2mathml does not know, read as the one it knows that lays their
# rows and alignment points out (``aligned``, most common in Obsidian notes, and
# ``alignat{2}``, whose column count is dropped).
_OTHER_ALIGNMENTS = re.compile(r"\\(begin|end)\{(aligned|alignedat|alignat\*?|gathered|gather\*?|"
                               r"eqnarray\*?|multline\*?)\}(\{\d+\})?")


def _as_align(match: re.Match[str]) -> str:
    """``\\begin{aligned}`` as ``\\begin{align*}``; ``alignat``'s ``{2}`` dropped."""
    count = match.group(3) or ""
    if match.group(1) == "begin" and match.group(2).startswith(("alignat", "alignedat")):
        count = ""
    return "\\" + match.group(1) + "{align*}" + count


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """``tex`` as a ``<math>`` element (``display="block"`` when ``display``), allowed
    markup only, or ``None`` when latex2mathml cannot read it. Remembered: a garden
    repeats its formulas (``$x$``, ``$n$``), and each costs about a millisecond."""
    from latex2mathml.converter import convert  # only notes with math pay its import

    tex = _OTHER_ALIGNMENTS.sub(_as_align, tex.strip())
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX it cannot read: shown as written
        return None
    return None if any(sign in mathml for sign in _UNREAD) else sanitize_html(mathml)


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
        md.inlinePatterns.register(DisplayedMathInText(_DISPLAYED_IN_TEXT, md),
                                   "displayed-math-in-text", 189.95)
        md.treeprocessors.register(MathToMathML(md), "math_to_mathml", 18)
