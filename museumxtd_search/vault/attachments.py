"""Attachments whose text is searchable: PDFs, plain texts, Word and OpenDocument texts.

Each is indexed as a document whose sections are where a reader can be sent: a PDF's
pages (``pdf_text``), one section for the other kinds (a ``.docx`` or ``.odt`` opened
from a link cannot be sent to a heading). Results link to the file itself, which the
site copies. Reading is per kind; building the document is one function here, so every
kind is stamped, updated, analysed and searched the same way as a note.

A file that cannot be read gives one warning naming it and stays out of search; the
others go on.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence

from museumxtd_search.text.language import clear_language
from museumxtd_search.vault.files import attachment_kind, attachment_title
from museumxtd_search.vault.notes import Note, Section, VaultWarning

# Plain texts are read as UTF-8 (with or without a byte-order mark), or UTF-16 when
# they start with its mark; anything else as Windows-1252, which decodes every byte
# (the common encoding of texts written on Windows before UTF-8), with a warning.
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def attachment_note(path: str, parts: Sequence[tuple[str, str, str]],
                    content_hash: str) -> Note:
    """The document of an attachment whose text is ``parts``: (section heading, anchor,
    text) in order, empty texts left out. Searchable when it holds any text."""
    texts: list[str] = []
    sections: list[Section] = []
    length = 0
    for heading, anchor, text in parts:
        if not text:
            continue
        if texts:
            length += 2  # the blank line joining parts
        sections.append(Section(heading, anchor, length))
        texts.append(text)
        length += len(text)
    text = "\n\n".join(texts)
    language = clear_language(text)
    return Note(path=path, name=path.rsplit("/", 1)[-1], title=attachment_title(path),
                text=text, sections=tuple(sections),
                language=language or "fr", language_known=language is not None,
                searchable=bool(text), content_hash=content_hash)


def parse_attachment(path: str, data: bytes,
                     content_hash: str) -> tuple[Note, str, list[VaultWarning]]:
    """An attachment's bytes as a document: the note, its fallback title and warnings,
    as ``reading.parse_note`` gives them for a Markdown note."""
    kind = attachment_kind(path)
    if kind == "pdf":
        from museumxtd_search.vault.pdf_text import parse_pdf

        return parse_pdf(path, data, content_hash)
    warnings: list[VaultWarning] = []
    if kind == "txt":
        text, problem = plain_text(data)
        if problem:
            warnings.append(VaultWarning(path, None, problem))
    else:
        from museumxtd_search.vault.office_text import office_text

        try:
            text = office_text(data, kind or "")
        except ValueError as error:
            text = ""
            warnings.append(VaultWarning(path, None, f"not indexed, cannot be read: {error}"))
    text = text.strip()
    if not text and not warnings:
        warnings.append(VaultWarning(path, None, "not indexed, no text in it"))
    note = attachment_note(path, [("", "", text)], content_hash)
    return note, attachment_title(path), warnings


def plain_text(data: bytes) -> tuple[str, str]:
    """A plain text file's text, and a warning (``""`` when none): see ``_UTF16_MARKS``."""
    if data.startswith(_UTF16_MARKS):
        try:
            return data.decode("utf-16").replace("\0", ""), ""
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig").replace("\0", ""), ""
    except UnicodeDecodeError as error:
        return (data.decode("cp1252", errors="replace").replace("\0", ""),
                f"not UTF-8 (byte {error.start}): read as Windows-1252")
