"""PDFs written by the tests themselves: minimal PDF bytes, pages of text in Helvetica
(WinAnsi encoding, so French accents are real characters of the text layer), and
encrypted, broken and textless ones."""

from __future__ import annotations

import io


def _escape(line: str) -> bytes:
    data = line.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_bytes(pages: list[str], unreadable: frozenset[int] = frozenset()) -> bytes:
    """A PDF of ``pages``, each a text whose lines are drawn one under the other (an
    empty text gives a page without any text). The pages numbered in ``unreadable``
    (1-based) declare a compression filter no reader knows: their text cannot be read,
    the rest of the file can."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for number, text in enumerate(pages, 1):
        lines = [b"BT /F1 12 Tf 72 760 Td 14 TL"]
        lines += [b"(" + _escape(line) + b") Tj T*" for line in text.split("\n")] if text \
            else []
        lines.append(b"ET")
        if not text:
            lines = [b"0 0 1 rg 72 600 200 100 re f"]  # a drawing, no text: like a scan
        stream = b"\n".join(lines)
        unknown = b" /Filter /NoSuchFilter" if number in unreadable else b""
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(stream), unknown) + stream
                       + b"\nendstream")
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content)
        kids.append(len(objects))
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                  + b"] /Count %d >>" % len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def encrypted_pdf_bytes(pages: list[str], password: str = "secret") -> bytes:
    """``pdf_bytes(pages)`` encrypted with a user password (pypdf's writer)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BROKEN_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nthis is not a PDF any more"
