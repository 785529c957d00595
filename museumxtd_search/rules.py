"""Every rule that the CLI's engine and the browser's engine share, defined once.

The Python side imports these names; the browser receives them in the client index's
manifest (``client_rules``, written by ``site.client_index``) and holds no copy, so a
change here changes both engines. This module imports nothing from the package: every
stage may read it.
"""

from __future__ import annotations

# --- text ---------------------------------------------------------------------------
# Typographic apostrophes and quotes that behave like the ASCII one (the first).
APOSTROPHES = "'’‘ʼ`´"
# Letters that Unicode's NFKD does not decompose into base letter + combining mark.
SPECIAL_LETTERS: dict[str, str] = {
    "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
}

# --- spelling -----------------------------------------------------------------------
# British -ise and American -ize are one word ("digitisation", "digitization"), and
# French writes -is- too ("organisation"): in every stem, of both languages, a z after
# three letters and an i or y reads s ("organiz" is "organis", "analyz" is "analys").
# A rule on stems, not words, so it never parts words the stemmer joined. Where
# Snowball's English stemmer strips -ize but not -ise ("decentralized" -> "decentr",
# "decentralised" -> "decentralis"), the two stay apart in English notes' bodies; the
# French analysis of titles, headings, tags and French notes joins them. Group: what
# comes before the z.
STEM_Z = r"([a-z]{3}[iy])z"

# --- fields and their weights (BM25F field boosts) ------------------------------------
# ``body_en`` holds the body of English notes, analysed with the English pipeline;
# every other field is French. The order of this mapping is the order in which a
# word's field scores are added (see ``engine.scoring``).
FIELD_WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "aliases": 3.0,
    "tags": 2.0,
    "headings": 2.0,
    "links": 1.5,
    "body": 1.0,
    "body_en": 1.0,
    # Front matter: a summary-like property (résumé, description, a second title)
    # weighs a little above body text, any other property (auteur, source, année...)
    # below it. Last, so notes without properties score as they always did.
    "summary": 1.5,
    "properties": 0.5,
}
FIELD_LANGUAGE: dict[str, str] = {"body_en": "en"}
# Where a ``title:`` clause looks.
TITLE_FIELDS: tuple[str, ...] = ("title", "aliases")
# Where a ``content:`` clause looks (Obsidian's operator): everything the note's text and
# properties hold, not its names.
CONTENT_FIELDS: tuple[str, ...] = tuple(name for name in FIELD_WEIGHTS
                                        if name not in TITLE_FIELDS)
# Fields that keep word positions: phrases match there, and words close together earn
# a proximity bonus (PROXIMITY_WEIGHT times the words' own scores).
POSITIONAL_FIELDS: tuple[str, ...] = ("title", "headings", "body", "body_en", "summary",
                                       "properties")
PROXIMITY_WEIGHT = 0.5
PROXIMITY_SLOP = 3
# The exact-accent bonus field: accented surface words, so an exact-accent match
# outranks its accentless twin.
EXACT_FIELD = "exact"
EXACT_WEIGHT = 0.3

# --- BM25F ----------------------------------------------------------------------------
# Whoosh's defaults, which the index has always been ranked with.
BM25_K1 = 1.2
BM25_B = 0.75

# --- queries ------------------------------------------------------------------------
# A query's cost grows with its words; nobody types more than this many.
MAX_QUERY_WORDS = 32
# Parentheses nest at most this deep (deeper ones are read as spaces): a bound on the
# parser's recursion and on the sets a query works out, whatever is typed.
MAX_GROUP_DEPTH = 8
# ``title:``, ``tag:``, ``path:``, ``file:`` and ``section:`` clauses (case-insensitive).
FIELD_QUERY = (r"^(title|titre|content|tag|tags|path|file|section|line|block|task-todo|"
               r"task-done|task|match-case|ignore-case)\s*:(.*)$")
# Obsidian operators read more loosely here: line:(a b) and block:(a b) as section:(a b)
# (the words in one section, a little wider than one line or block); the others as
# their words alone, with a warning (tasks and letter case are not indexed apart).
SECTION_LIKE = ("section", "line", "block")
READ_AS_WORDS = ("task", "task-todo", "task-done", "match-case", "ignore-case")
# The filter field: one term per fact a query operator can ask for, each
# ``<kind>:<words>``: ``has:<property key>`` ([property]), ``prop:<property key>:<word>``
# ([property:value]), ``path:<word>`` (path:) and ``file:<word>`` (file:), where words
# are the analysed terms and the folded words of the value (``analysis.documents``).
FILTER_FIELD = "filters"

# --- typos and prefixes ---------------------------------------------------------------
# Words shorter than this are never corrected; up to ONE_EDIT_UP_TO letters a correction
# may make one edit, longer words two.
CORRECTION_MIN_LETTERS = 4
ONE_EDIT_UP_TO = 7
# Each correction scans the whole vocabulary: at most this many per query.
MAX_CORRECTIONS = 5
# A prefix stands for at most this many words of the garden (most notes first).
PREFIX_EXPANSIONS = 30

# --- snippets -----------------------------------------------------------------------
# About this many characters around the densest group of matches, starting at most
# SNIPPET_LEAD characters before the first one.
SNIPPET_WIDTH = 220
SNIPPET_LEAD = 40
# A result shows at most this many of its sections holding the words, best first.
SECTIONS_SHOWN = 3


# A filter's term (``path:…``, ``prop:…``) holds this mark, and no word does: the
# client index keeps such terms in buckets of their own (``site/client_index.py``).
FILTER_TERM_MARK = ":"
# A stop word of this many letters written in capitals is an acronym, kept (``AI``).
ACRONYM_LETTERS = 2


def client_rules() -> dict[str, object]:
    """The rules above as the client manifest carries them (``docs/client-index.md``)."""
    return {
        "apostrophes": APOSTROPHES,
        "filter_term_mark": FILTER_TERM_MARK,
        "acronym_letters": ACRONYM_LETTERS,
        "special_letters": dict(SPECIAL_LETTERS),
        "stem_z": STEM_Z,
        "weights": dict(FIELD_WEIGHTS),
        "field_language": dict(FIELD_LANGUAGE),
        "title_fields": list(TITLE_FIELDS),
        "content_fields": list(CONTENT_FIELDS),
        "section_like": list(SECTION_LIKE),
        "read_as_words": list(READ_AS_WORDS),
        "positional": list(POSITIONAL_FIELDS),
        "proximity_weight": PROXIMITY_WEIGHT,
        "proximity_slop": PROXIMITY_SLOP,
        "exact_field": EXACT_FIELD,
        "exact_weight": EXACT_WEIGHT,
        "bm25": {"k1": BM25_K1, "b": BM25_B},
        "max_query_words": MAX_QUERY_WORDS,
        "max_group_depth": MAX_GROUP_DEPTH,
        "field_query": FIELD_QUERY,
        "filter_field": FILTER_FIELD,
        "correction_min_letters": CORRECTION_MIN_LETTERS,
        "one_edit_up_to": ONE_EDIT_UP_TO,
        "max_corrections": MAX_CORRECTIONS,
        "prefix_expansions": PREFIX_EXPANSIONS,
        "snippet_width": SNIPPET_WIDTH,
        "snippet_lead": SNIPPET_LEAD,
        "sections_shown": SECTIONS_SHOWN,
    }
