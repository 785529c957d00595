"""Math as a reader sees it: ``$\\frac{5}{4}\\times 4 = 5$`` is ``5/4 × 4 = 5``.

A note's page draws its TeX as MathML (``site.math_syntax``). Its search text and
excerpts read the same MathML as text, so a result shows the formula a reader would
read aloud rather than its source, and TeX's commands (``frac``, ``times``, ``div``,
``left``) are neither searched nor shown as words two notes share.

Where math is, is Obsidian's rule, the one pymdown-extensions' Arithmatex follows for
the page: ``$$…$$`` anywhere (in a line, or a block of lines between two ``$$``), and
``$…$`` whose opening dollar is not followed by a space and whose closing one is not
preceded by one, so ``de 5 $ à 10 $`` stays text. TeX that latex2mathml cannot read
stays as written, as the page shows it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from functools import lru_cache

# $$…$$ inside a line: no dollar inside, a backslash escapes the next character.
DISPLAYED_IN_TEXT = r"\$\$((?:\\.|[^\\$])+?)\$\$"
# $…$ by Arithmatex's "smart dollar" rule (pymdownx.arithmatex.RE_SMART_DOLLAR_INLINE).
INLINE = r"(?<!\\)\$(?!\s)((?:\\.|[^\\$])+?)(?<!\s)\$"
_MATH_IN_LINE = re.compile(DISPLAYED_IN_TEXT + "|" + INLINE)
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
def mathml_of(tex: str, display: bool) -> str | None:
    """``tex`` as latex2mathml writes it (``display="block"`` when ``display``), not
    yet checked against any allow-list; ``None`` when it cannot read it. Remembered:
    a garden repeats its formulas (``$x$``, ``$n$``), and each costs a fraction of a
    millisecond."""
    from latex2mathml.converter import convert  # only notes with math pay its import

    tex = _OTHER_ALIGNMENTS.sub(_as_align, tex.strip())
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX it cannot read: shown as written
        return None
    return None if any(sign in mathml for sign in _UNREAD) else mathml


# Operators written without spaces around them: brackets, bars and punctuation
# (``1,25`` is a French decimal, ``f(x)`` a function's value).
_TIGHT = frozenset("()[]{}|‖⟨⟩,.;:!'′″")
# A degree, a prime as a superscript: 90^\circ is 90°.
_DEGREE = {"∘": "°", "°": "°", "′": "′", "″": "″"}
# Elements whose content is not read: spacing and invisible boxes.
_SKIPPED = frozenset({"mphantom", "annotation", "annotation-xml"})


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _read(element: etree.Element) -> str:
    """The text a reader sees of one MathML element."""
    tag = _local(element.tag)
    if tag in _SKIPPED:
        return ""
    if tag in ("mi", "mn", "mtext", "ms"):
        text = (element.text or "").replace("\u00a0", " ")
        return text + " " if tag == "mi" and len(text) > 1 else text  # sin x, not sinx
    if tag == "mo":
        sign = (element.text or "").strip()
        return sign if sign in _TIGHT or not sign else f" {sign} "
    if tag == "mspace":
        return " "
    children = list(element)
    parts = [_read(child) for child in children]
    if tag == "mfrac" and len(parts) == 2:
        return "/".join(_grouped(part) for part in parts)
    if tag == "msqrt":
        return "√" + _grouped("".join(parts))
    if tag == "mroot" and len(parts) == 2:
        return "√" + _grouped(parts[0])
    if tag == "msup" and len(parts) == 2 and parts[1].strip() in _DEGREE:
        return parts[0].strip() + _DEGREE[parts[1].strip()]
    if tag in ("msup", "msub") and len(parts) == 2:  # a space ends it: x^2 y, ∑_i x
        return parts[0].rstrip() + ("^" if tag == "msup" else "_") + _grouped(parts[1]) + " "
    if tag == "msubsup" and len(parts) == 3:
        return f"{parts[0].rstrip()}_{_grouped(parts[1])}^{_grouped(parts[2])} "
    if tag in ("mover", "munder") and len(parts) == 2 and _local(children[1].tag) == "mo":
        return parts[0]  # an accent or an arrow over the letters: \widehat{ABC} is ABC
    if tag in ("mtd", "mtr", "mtable", "munder", "mover", "munderover"):
        return " " + " ".join(part.strip() for part in parts if part.strip()) + " "
    return "".join(parts)


def _grouped(text: str) -> str:
    """``text`` as one operand: in parentheses when it is more than one word or number."""
    text = " ".join(text.split())
    return text if re.fullmatch(r"[\w.,′']*", text) else f"({text})"


@lru_cache(maxsize=4096)
def tex_to_text(tex: str) -> str:
    """``tex`` as the words and signs a reader sees (``\\frac{n}{d}\\times d`` ->
    ``n/d × d``), on one line; the TeX itself when latex2mathml cannot read it."""
    mathml = mathml_of(tex, False)
    if mathml is None:
        return " ".join(tex.split())
    try:
        root = etree.fromstring(mathml)
    except etree.ParseError:
        return " ".join(tex.split())
    return " ".join(_read(root).split())


def math_in_line(line: str) -> list[tuple[int, int, str]]:
    """(start, end, TeX) of each piece of math in ``line`` (``$…$``, ``$$…$$``)."""
    if "$" not in line:
        return []
    return [(m.start(), m.end(), m.group(1) or m.group(2)) for m in _MATH_IN_LINE.finditer(line)]
