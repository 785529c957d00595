"""The Whoosh schema. Terms arrive already analysed (``analysis.documents``), so every
field uses Whoosh's plain space tokenizer: nothing custom is pickled into the index,
and the one analysis pipeline stays in ``museumxtd_search.analysis``.
"""

from __future__ import annotations

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from museumxtd_search.rules import FIELD_WEIGHTS, POSITIONAL_FIELDS


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
        meta=STORED(),
        # The lowercase title, one value per note: listings by tag alone are ordered by
        # it without reading every listed note's stored fields.
        title_order=COLUMN(),
        **fields,
    )
