"""The text of Word (``.docx``) and OpenDocument (``.odt``) files, with the standard
library: both are zip archives holding one XML document of the body
(``word/document.xml``, ``content.xml``), whose paragraphs and their text runs are all
search needs (see docs/dependencies.md for why no library).

Paragraphs become lines; tabs, line breaks and ODF's run-length spaces become white
space; everything else (styles, images, fields' codes, tracked deletions) is left
out. An archive whose body would unpack past ``MAX_BODY_BYTES`` is refused, so a zip
bomb costs nothing; expat neither fetches external entities nor expands nested ones
past its limits.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import Element, ParseError, fromstring

# The body of a 1,000-page report is a few megabytes of XML: past this, not a text.
MAX_BODY_BYTES = 64 * 1024 * 1024

_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# Per kind: the archive member holding the body, the paragraph elements (a line
# each), the elements whose text is the document's, and those standing for white space.
_FORMATS = {
    "docx": ("word/document.xml", {_WORD + "p"}, {_WORD + "t"},
             {_WORD + "tab": "\t", _WORD + "br": "\n", _WORD + "cr": "\n"}),
    "odt": ("content.xml", {_ODF_TEXT + "p", _ODF_TEXT + "h"}, None,
            {_ODF_TEXT + "tab": "\t", _ODF_TEXT + "line-break": "\n"}),
}
# Text inside these is not the document's reading text (deleted revisions, notes' marks).
_SKIPPED = {_WORD + "delText", _WORD + "instrText", _ODF_TEXT + "tracked-changes",
            _ODF_TEXT + "note-citation"}


def office_text(data: bytes, kind: str) -> str:
    """The text of a ``docx`` or ``odt`` file's bytes: one line per paragraph.

    Raises ``ValueError`` (with a reader's message) for bytes that are not such a file.
    """
    if kind not in _FORMATS:
        raise ValueError(f"not a Word or OpenDocument text: {kind}")
    member, paragraphs, text_elements, spaces = _FORMATS[kind]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(member)
            if info.file_size > MAX_BODY_BYTES:
                raise ValueError(f"{member} unpacks to {info.file_size} bytes")
            with archive.open(info) as body:
                return _paragraphs(body, paragraphs, text_elements, spaces)
    except KeyError:
        raise ValueError(f"no {member} in it") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError) as error:
        raise ValueError(f"not a zip archive ({error})") from None
    except ParseError as error:
        raise ValueError(f"{member}: {error}") from None


def _paragraphs(body, paragraphs: set[str], text_elements: set[str] | None,
                spaces: dict[str, str]) -> str:
    """The body's paragraphs, one line each. ``docx`` text is in ``w:t`` elements only
    (the rest is markup, indented or not); ``odt`` text is mixed content: every text
    node inside a paragraph (spans, links) with the tails that follow its children.

    A loop over a stack, not recursion: nesting depth is the file's to choose."""
    root = fromstring(body.read())
    mixed = text_elements is None
    lines: list[str] = []
    line: list[str] = []
    # (element, entering, inside a paragraph): leaving an element emits its tail.
    stack: list[tuple[Element, bool, bool]] = [(root, True, False)]
    while stack:
        element, entering, inside = stack.pop()
        tag = element.tag
        if not entering:
            if tag in paragraphs:
                lines.append("".join(line).strip())
                line = []
            if mixed and inside and element.tail:
                line.append(element.tail)
            continue
        if tag in _SKIPPED:
            if mixed and inside and element.tail:
                line.append(element.tail)
            continue
        within = inside or tag in paragraphs
        if tag in spaces:
            line.append(spaces[tag])
        elif mixed and tag == _ODF_TEXT + "s":
            line.append(" " * _count(element.get(_ODF_TEXT + "c")))
        elif within and element.text and (tag in text_elements if not mixed else True):
            line.append(element.text)
        stack.append((element, False, inside))
        stack.extend((child, True, within) for child in reversed(element))
    return "\n".join(filter(None, lines))


def _count(value: str | None) -> int:
    """ODF's ``text:c``: how many spaces a ``text:s`` stands for (1 when absent), bounded."""
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
