"""The Whoosh schema. Terms arrive already analysed (``analysis.documents``), so every
field uses Whoosh's plain space tokenizer: nothing custom is pickled into the index,
and the one analysis pipeline stays in ``museumxtd_search.analysis``.
"""

from __future__ import annotations

import json

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from museumxtd_search.analysis.documents import AnalyzedNote
from museumxtd_search.rules import FIELD_WEIGHTS, FILTER_FIELD, POSITIONAL_FIELDS
from museumxtd_search.vault.files import attachment_kind


def _scored(positions: bool = False) -> TEXT:
    return TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=positions)


def build_schema() -> Schema:
    """One scored field per entry of ``FIELD_WEIGHTS`` plus bonus, filter and stored fields."""
    fields = {name: _scored(name in POSITIONAL_FIELDS) for name in FIELD_WEIGHTS}
    return Schema(
        path=ID(unique=True, stored=True),
        exact=_scored(),
        keys=KEYWORD(),
        tag_keys=KEYWORD(),
        link_paths=KEYWORD(),
        boosted=KEYWORD(),
        # "note", "pdf", "txt", "docx" or "odt" (``document_kind``): what ``query --type`` keeps.
        kind=KEYWORD(),
        **{FILTER_FIELD: KEYWORD()},
        meta=STORED(),
        # The lowercase title, one value per note: listings by tag alone are ordered by
        # it without reading every listed note's stored fields.
        title_order=COLUMN(),
        **fields,
    )


def document(analyzed: AnalyzedNote) -> dict[str, object]:
    """The Whoosh document of an analysed note: term lists for ``TermsWriter``."""
    note = analyzed.note
    fields: dict[str, object] = dict(analyzed.fields)
    fields.update(
        path=note.path,
        exact=analyzed.exact,
        keys=analyzed.title_keys,
        tag_keys=analyzed.tag_keys,
        link_paths=analyzed.link_paths,
        boosted=["yes"] if note.boost != 1.0 else [],
        kind=[document_kind(note.path)],
        **{FILTER_FIELD: list(analyzed.filters)},
        meta=json.dumps(stored_meta(analyzed), ensure_ascii=False, sort_keys=True,
                        separators=(",", ":")),
        title_order=note.title.lower().encode("utf-8"),
        # Not a field: the joined terms of the term lists above, for ``TermsWriter``.
        _joined=analyzed.joined,
    )
    return fields


def document_kind(path: str) -> str:
    """A document's kind: ``note`` for a Markdown note, else the attachment's kind
    (``pdf``, ``txt``, ``docx``, ``odt``: ``vault.files.ATTACHMENT_KINDS``)."""
    return attachment_kind(path) or "note"


def stored_meta(analyzed: AnalyzedNote) -> dict[str, object]:
    """What a search result shows, stored with the note so a query never reads the garden
    (and an update can take the note's old words back from the vocabulary)."""
    note = analyzed.note
    return {
        "title": note.title,
        "tags": list(note.tags),
        "aliases": list(note.aliases),
        "text": note.text,
        "language": note.language,
        "sections": [[s.heading, s.anchor, s.start] for s in note.sections],
        "boost": note.boost,
        "hash": note.content_hash,
        "links": analyzed.links_signature,
        "properties": [list(p) for p in note.properties],
        "pairs": [list(pair) for pair in analyzed.pairs],
        "date": note.date,
    }
