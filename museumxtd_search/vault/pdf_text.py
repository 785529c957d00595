"""Read a PDF of the garden as a searchable document: its text, page by page.

A PDF is indexed like a note whose sections are its pages: section ``page N`` with the
anchor ``page=N``, so a result names the page where the words are, and the site's
link ``file.pdf#page=N`` opens the PDF there (the anchor syntax every browser's PDF
viewer follows). Everything else (stamps, incremental updates, the analysis, both
engines, excerpts) treats it as any other document.

The text comes from ``pypdf`` (pure Python, BSD; see docs/dependencies.md), imported
only when a PDF is read. A PDF that cannot be read (encrypted with a password,
broken, or scanned without a text layer) gives one warning naming the file and is
kept out of search; a page whose text cannot be extracted gives one warning naming the
file and the page, and the other pages are searched. Nothing else stops.
"""

from __future__ import annotations

import io
import logging
import re
from typing import NamedTuple

from museumxtd_search.vault.attachments import attachment_note
from museumxtd_search.vault.files import attachment_title
from museumxtd_search.vault.notes import Note, VaultWarning

# Runs of whitespace (PDF text is laid out in lines and columns): one space, or one
# line break where the PDF had any.
_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r"\s*\n\s*")
# What pypdf raises on a damaged file or page, besides its own ``PyPdfError``s (a
# damaged file trips its parser in any of these ways).
_READ_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
                RecursionError, OverflowError, ZeroDivisionError, UnicodeError,
                NotImplementedError)


def page_anchor(number: int) -> str:
    """The anchor of page ``number`` (1-based): ``page=N``, what PDF viewers open."""
    return f"page={number}"


class PdfText(NamedTuple):
    """A PDF's text: each page's, in order (``""`` for a page without text or one that
    could not be read), and the pages that could not be read: number (1-based) -> why."""

    pages: list[str]
    failed: dict[int, str]


def pdf_pages(data: bytes) -> PdfText:
    """The text of each page of the PDF ``data``, in order.

    A page whose text cannot be extracted (a damaged content stream, a font pypdf
    trips on) is empty and named in ``failed``: one bad page never loses the others.
    Raises ``PermissionError`` for a PDF encrypted with a password, ``ValueError`` for
    bytes that are not a readable PDF.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    # pypdf logs every oddity of a damaged file; the one warning we give says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    read_errors = (PyPdfError, *_READ_ERRORS)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:  # many PDFs are "encrypted" with an empty password: readable by anyone
                if not reader.decrypt(""):
                    raise PermissionError("encrypted with a password")
            except (FileNotDecryptedError, NotImplementedError, DependencyError) as error:
                raise PermissionError(f"encrypted: {error}") from None
        pages = reader.pages
        count = len(pages)
    except PermissionError:
        raise
    except FileNotDecryptedError:
        raise PermissionError("encrypted with a password") from None
    except read_errors as error:
        raise ValueError(str(error) or type(error).__name__) from None
    texts: list[str] = []
    failed: dict[int, str] = {}
    for number in range(1, count + 1):
        try:
            texts.append(_clean(pages[number - 1].extract_text() or ""))
        except Exception as error:  # noqa: BLE001 - any failure of a parser on foreign
            # bytes (an unsupported filter raises NotImplementedError) loses one page only
            texts.append("")
            failed[number] = str(error) or type(error).__name__
    return PdfText(texts, failed)


def _clean(text: str) -> str:
    return _BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()


def parse_pdf(path: str, data: bytes, content_hash: str) -> tuple[Note, str, list[VaultWarning]]:
    """A PDF's bytes as a document (see the module docstring): the note, its fallback
    title and warnings, as ``reading.parse_note`` gives them for a Markdown note."""
    warnings: list[VaultWarning] = []
    try:
        read = pdf_pages(data)
    except PermissionError as error:
        read = PdfText([], {})
        warnings.append(VaultWarning(path, None, f"PDF not indexed, {error}"))
    except ValueError as error:
        read = PdfText([], {})
        warnings.append(VaultWarning(path, None, f"PDF not indexed, cannot be read: {error}"))
    else:
        for number, why in read.failed.items():
            warnings.append(VaultWarning(
                path, None, f"page {number} not indexed, its text cannot be read: {why}"))
        if not any(read.pages) and not read.failed:
            warnings.append(VaultWarning(
                path, None, "PDF not indexed, no text in it (a scan without a text layer?)"))
    parts = [(f"page {number}", page_anchor(number), page)
             for number, page in enumerate(read.pages, 1) if page]
    return attachment_note(path, parts, content_hash), attachment_title(path), warnings
