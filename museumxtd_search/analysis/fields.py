"""The searchable fields and their weights: one definition for the index, the query
ranking and the client index (which ships these numbers to the browser)."""

from __future__ import annotations

from museumxtd_search.analysis.pipeline import Language

# Scored fields and their weights (BM25F field boosts). ``body_en`` holds the body of
# English notes, analysed with the English pipeline; every other field is French.
FIELD_WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "aliases": 3.0,
    "tags": 2.0,
    "headings": 2.0,
    "links": 1.5,
    "body": 1.0,
    "body_en": 1.0,
}
# Fields that keep word positions: phrases match there, and words close together
# earn a proximity bonus (PROXIMITY_WEIGHT times the words' own scores).
POSITIONAL_FIELDS: tuple[str, ...] = ("title", "headings", "body", "body_en")
PROXIMITY_WEIGHT = 0.5
PROXIMITY_SLOP = 3
# Bonus field of exact surface words (``exact``): an exact-accent match outranks its
# accentless twin. The same words folded are the garden's vocabulary for prefix search
# and typo suggestions, kept beside the index (``vocabulary.json``), never scored.
EXACT_WEIGHT = 0.3
FIELD_LANGUAGE: dict[str, Language] = {"body_en": "en"}
