"""Read a PDF of the garden as a searchable document: its text, page by page.

A PDF is indexed like a note whose sections are its pages: section ``page N`` with the
anchor ``page=N``, so a result names the page where the words are, and the site's
link ``file.pdf#page=N`` opens the PDF there (the anchor syntax every browser's PDF
viewer follows). Everything else (stamps, incremental updates, the analysis, both
engines, excerpts) treats it as any other document.

The text comes from ``pypdf`` (pure Python, BSD; see docs/dependencies.md), imported
only when a PDF is read. A PDF that cannot be read (encrypted with a password,
broken, or scanned without a text layer) gives one warning naming the file and is
kept out of search; nothing else stops.
"""

from __future__ import annotations

import io
import logging
import re

from museumxtd_search.text.language import detect_language
from museumxtd_search.vault.files import attachment_title
from museumxtd_search.vault.notes import Note, Section, VaultWarning

# Runs of whitespace (PDF text is laid out in lines and columns): one space, or one
# line break where the PDF had any.
_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r"\s*\n\s*")


def page_anchor(number: int) -> str:
    """The anchor of page ``number`` (1-based): ``page=N``, what PDF viewers open."""
    return f"page={number}"


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of the PDF ``data``, in order.

    Raises ``PermissionError`` for a PDF encrypted with a password, ``ValueError`` for
    bytes that are not a readable PDF.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    # pypdf logs every oddity of a damaged file; the one warning we give says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:  # many PDFs are "encrypted" with an empty password: readable by anyone
                if not reader.decrypt(""):
                    raise PermissionError("encrypted with a password")
            except (FileNotDecryptedError, NotImplementedError, DependencyError) as error:
                raise PermissionError(f"encrypted: {error}") from None
        return [_clean(page.extract_text() or "") for page in reader.pages]
    except PermissionError:
        raise
    except FileNotDecryptedError:
        raise PermissionError("encrypted with a password") from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, RecursionError, OverflowError, ZeroDivisionError,
            UnicodeError) as error:
        raise ValueError(str(error) or type(error).__name__) from None


def _clean(text: str) -> str:
    return _BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()


def parse_pdf(path: str, data: bytes, content_hash: str) -> tuple[Note, str, list[VaultWarning]]:
    """A PDF's bytes as a document (see the module docstring): the note, its fallback
    title and warnings, as ``reading.parse_note`` gives them for a Markdown note."""
    title = attachment_title(path)
    warnings: list[VaultWarning] = []
    try:
        pages = pdf_pages(data)
    except PermissionError as error:
        pages = []
        warnings.append(VaultWarning(path, None, f"PDF not indexed, {error}"))
    except ValueError as error:
        pages = []
        warnings.append(VaultWarning(path, None, f"PDF not indexed, cannot be read: {error}"))
    else:
        if not any(pages):
            warnings.append(VaultWarning(
                path, None, "PDF not indexed, no text in it (a scan without a text layer?)"))
    texts: list[str] = []
    sections: list[Section] = []
    length = 0
    for number, page in enumerate(pages, 1):
        if not page:
            continue
        if texts:
            length += 2  # the blank line joining pages
        sections.append(Section(f"page {number}", page_anchor(number), length))
        texts.append(page)
        length += len(page)
    text = "\n\n".join(texts)
    note = Note(path=path, name=path.rsplit("/", 1)[-1], title=title, text=text,
                sections=tuple(sections), language=detect_language(text) if text else "fr",
                searchable=bool(text), content_hash=content_hash)
    return note, title, warnings
