"""Word (``.docx``) and OpenDocument (``.odt``) texts written by the tests themselves:
the smallest archives of each kind, with the members and markup the programs write
(paragraphs of runs or spans, tabs, breaks, ODF's counted spaces), a deleted revision
that is not text, and a zip bomb's shape."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ODF = ("xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\"")


def _zip(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A Word document: each paragraph split into two runs at its middle space (as
    Word splits text where formatting changes), plus a tracked deletion."""
    body = []
    for text in paragraphs:
        first, space, rest = text.partition(" ")
        runs = f'<w:r><w:t xml:space="preserve">{escape(first + space)}</w:t></w:r>'
        if rest:
            runs += f'<w:r><w:rPr><w:b/></w:rPr><w:t>{escape(rest)}</w:t></w:r>'
        body.append(f"<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr>{runs}</w:p>")
    body.append('<w:p><w:del w:id="1"><w:r><w:delText>effacé supprimé</w:delText></w:r>'
                '</w:del><w:r><w:t>Fin</w:t><w:tab/><w:t>du</w:t><w:br/><w:t>texte</w:t>'
                '</w:r></w:p>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document xmlns:w="{_W}"><w:body>{"".join(body)}<w:sectPr/></w:body>'
                '</w:document>')
    return _zip({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.'
                               'openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
        "word/document.xml": document,
    })


def odt_bytes(paragraphs: list[str], heading: str = "") -> bytes:
    """An OpenDocument text: an optional heading, then each paragraph with its second
    word in a span and two spaces written as ``text:s``."""
    body = [f'<text:h text:outline-level="1">{escape(heading)}</text:h>'] if heading else []
    for text in paragraphs:
        first, space, rest = text.partition(" ")
        second, _, tail = rest.partition(" ")
        body.append(f"<text:p>{escape(first)}{space}<text:span>{escape(second)}</text:span>"
                    + (f'<text:s text:c="2"/>{escape(tail)}' if tail else "") + "</text:p>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODF}>'
               f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
               "</office:document-content>")
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                 "content.xml": content})


def bomb_docx_bytes(size: int) -> bytes:
    """A ``.docx`` whose body unpacks to ``size`` bytes of spaces (a zip bomb's shape:
    kilobytes zipped)."""
    return _zip({"word/document.xml": b"<w:document xmlns:w=\"" + _W.encode() + b"\">"
                 + b" " * size + b"</w:document>"})
