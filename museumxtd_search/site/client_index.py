"""Write the browser's search index from the same analysed notes as the Whoosh index.

The browser never receives raw note bodies in the index: only terms, postings,
field lengths and the statistics BM25F needs. The plain text of a note (for the
result excerpt) sits in a per-note fragment fetched only for the results shown.
The format is documented in ``docs/client-index.md``; every file is written with
sorted keys and no timestamps, so the same notes give byte-identical output.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import sub

from museumxtd_search import rules
from museumxtd_search.analysis.documents import AnalyzedNote
from museumxtd_search.analysis.facets import facet_keys, nested_tags, note_facets
from museumxtd_search.analysis.snippets import shown_text
from museumxtd_search.analysis.stopwords import (
    ELISIONS,
    ENGLISH_STOP_WORDS,
    FRENCH_STOP_WORDS,
    QUESTION_WORDS,
)
from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.engine.storage.postings import quantized_length
from museumxtd_search.parallel import collector_paused
from museumxtd_search.text.folding import fold
from museumxtd_search.vault.notes import Note

FORMAT_VERSION = 11

# Gardens at least this large split the words shards by two letters instead of one,
# so the browser fetches a smaller share of the vocabulary per query word.
TWO_LETTER_SHARDS_FROM = 2000

# Postings are spread over a power-of-two number of hash buckets, about one per four
# notes: a query fetches one bucket per term, whose size hardly grows with the garden
# beyond the term's own postings.
NOTES_PER_BUCKET = 4
MIN_BUCKETS = 16
MAX_BUCKETS = 4096
# The terms of filters (``path:``, ``file:``, ``prop:``, ``has:``: each holds
# ``rules.FILTER_TERM_MARK``) have buckets of their own, after the words'
# (``post-<B + k>``), this many times fewer: a query without filters never reads them,
# and they were a sixth of the bytes of the buckets a first query fetched.
WORD_BUCKETS_PER_FILTER_BUCKET = 8

# Fragments are written this many notes per file (notes 2k and 2k+1 in fragments/<k>):
# one file per note made the client index hold more files than the site has pages
# (10,000 notes: 14,500 files against Pagefind's 10,300), which slows deploys and hits
# static hosts' file limits; two per file costs a first query a few KB.
NOTES_PER_FRAGMENT_FILE = 2

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def shard_key(term: str, depth: int = 1) -> str:
    """The words shard a folded word, title key or tag key lives in: its first
    ``depth`` folded letters or digits, each other character (and a missing one)
    written ``_``."""
    prefix = fold(term[:depth]).lower()[:depth].ljust(depth, "_")
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in prefix)


def bucket_count(doc_count: int) -> int:
    """B: the smallest power of two >= doc_count / 4, at least 16 and at most 4096."""
    count = MIN_BUCKETS
    while count * NOTES_PER_BUCKET < doc_count and count < MAX_BUCKETS:
        count *= 2
    return count


def filter_bucket_count(buckets: int) -> int:
    """F: how many buckets hold the filters' terms, with ``buckets`` for the words."""
    return max(1, buckets // WORD_BUCKETS_PER_FILTER_BUCKET)


def posting_bucket(term: str, buckets: int) -> int:
    """The number of the posting file (``post-<n>``) holding ``term``: a word's bucket
    (``term_bucket`` among ``buckets``), or for a filter's term one of the
    ``filter_bucket_count`` buckets after them."""
    if rules.FILTER_TERM_MARK in term:
        return buckets + term_bucket(term, filter_bucket_count(buckets))
    return term_bucket(term, buckets)


def term_bucket(term: str, buckets: int) -> int:
    """The bucket a term or exact word lives in: FNV-1a 32-bit of its UTF-8 bytes,
    modulo ``buckets``."""
    value = FNV_OFFSET
    for byte in term.encode("utf-8"):
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value % buckets


@dataclass(frozen=True)
class ClientIndex:
    """The files of the client index as JSON-able data: the manifest, the words
    shards by name, the posting buckets by number and the fragments by document."""

    manifest: dict[str, object]
    shards: dict[str, dict[str, object]]
    buckets: list[dict[str, object]]
    fragments: list[dict[str, object]]
    vocabulary: dict[str, object]
    # The notes file: every note in listing (title) order, and each note's date.
    notes: dict[str, object] = field(default_factory=dict)
    # The facets file: each note's tags and declared properties, to count them over all
    # of a query's results (apart from the notes file: the page shows the first
    # results before it counts facets, and a listing needs no facets).
    facets: dict[str, object] = field(default_factory=dict)


class Postings:
    """term -> posting list of one field, as written: one flat list of integers.

    A note's posting is ``doc gap, tf, field length``, then in positional fields its
    ``tf`` positions (the first, then gaps); the doc gap is the distance from the
    previous posting's note (from 0 for the first). Flat, gap-coded lists are about a
    third smaller gzipped than a list per posting with whole note numbers (the first
    query at 10,000 notes fetched 27 KB for the postings of one common word), and cost
    the exporter no list per posting.
    """

    __slots__ = ("lists", "last")

    def __init__(self) -> None:
        self.lists: defaultdict[str, list[int]] = defaultdict(list)
        self.last: dict[str, int] = {}  # each term's last note so far: the next gap

    def __getitem__(self, term: str) -> list[int]:
        return self.lists[term]

    def items(self):
        return self.lists.items()

    def keys(self):
        return self.lists.keys()

    def get(self, term: str) -> list[int] | None:
        return self.lists.get(term)

    def add(self, term: str, doc: int, entry: tuple[int, ...]) -> None:
        """Append ``doc``'s posting ``entry`` (tf, length, positions...) to ``term``'s
        list; notes come in increasing order."""
        flat = self.lists[term]
        flat.append(doc - self.last.get(term, 0))
        flat.extend(entry)
        self.last[term] = doc


def posting_width(flat: list[int], at: int, positional: bool) -> int:
    """How many integers the posting starting at ``flat[at]`` takes."""
    return 3 + flat[at + 1] if positional else 3


def decode_postings(flat: list[int], positional: bool) -> list[list[int]]:
    """A flat list as ``[[doc, tf, length, first position, gaps...], ...]`` with whole
    note numbers (what ``engine/client-files.js`` decodes it into)."""
    result, at, doc = [], 0, 0
    while at < len(flat):
        width = posting_width(flat, at, positional)
        doc += flat[at]
        result.append([doc, *flat[at + 1:at + width]])
        at += width
    return result


def replace_posting(flat: list[int], doc: int, posting: list[int] | None,
                    positional: bool) -> None:
    """Put ``posting`` (``[doc gap from 0, tf, length, ...]``, a one-note flat list, or
    none: remove it) as ``doc``'s posting in ``flat``, keeping the gaps right."""
    at, previous = 0, 0
    while at < len(flat) and previous + flat[at] < doc:
        previous += flat[at]
        at += posting_width(flat, at, positional)
    end = at
    if end < len(flat) and previous + flat[end] == doc:
        end += posting_width(flat, end, positional)
    new = [doc - previous, *posting[1:]] if posting else []
    if end < len(flat):  # the next note's gap now counts from its new predecessor
        before = previous + flat[at] if end > at else previous  # its old predecessor
        flat[end] += before - (doc if posting else previous)
    flat[at:end] = new


def _add_postings(table: Postings, doc: int, field_terms: Sequence[str],
                  positional: bool, joined: Sequence[tuple[int, str]] = ()) -> None:
    """Add to ``table`` ``doc``'s posting (tf, field length, p0, d1, ...) for each term
    of one document's field, and for each of its ``joined`` terms
    (``AnalyzedNote.joined``: at the position of a word already counted).

    The field length (as Whoosh stores it) travels with each posting so the browser
    needs no table of every document's lengths.
    """
    if not field_terms:
        return
    length = quantized_length(len(field_terms))
    # ``Postings.add`` written out: 2.4 million postings at 10,000 notes, where a call
    # and a tuple each were a fifth of building the client index.
    lists, last = table.lists, table.last
    if not positional:
        counts = Counter(field_terms)
        counts.update(term for _, term in joined)
        for term, count in counts.items():
            flat = lists[term]
            flat += (doc - last.get(term, 0), count, length)
            last[term] = doc
        return
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for position, term in enumerate(field_terms):
        positions[term].append(position)
    for position, term in joined:
        positions[term].append(position)
    for term, found in positions.items():
        flat = lists[term]
        if len(found) == 1:  # most terms: no deltas to compute
            flat += (doc - last.get(term, 0), 1, length, found[0])
        else:
            if joined:  # a joined term's position may come after others
                found.sort()
            flat += (doc - last.get(term, 0), len(found), length, found[0])
            flat += map(sub, islice(found, 1, None), found)
        last[term] = doc


def note_fragment(note: Note, url: str) -> dict[str, object]:
    """What the browser shows of a result: the note's fragment file."""
    return {
        "path": note.path,
        "url": url,
        "title": note.title,
        "tags": list(note.tags),
        "text": shown_text(note.text, note.properties),  # excerpts as the CLI's
        "sections": [[s.heading, s.anchor, s.start] for s in note.sections],
        "language": "en" if note.language == "en" else "fr",
        "date": note.date,
    }


def fragment_file(fragments: Sequence[dict[str, object]], number: int) -> list[dict[str, object]]:
    """Fragment file ``number``'s data: the fragments of notes
    ``number * NOTES_PER_FRAGMENT_FILE`` onwards, in note order."""
    start = number * NOTES_PER_FRAGMENT_FILE
    return list(fragments[start:start + NOTES_PER_FRAGMENT_FILE])


def fragment_files(fragments: Sequence[dict[str, object]]) -> list[list[dict[str, object]]]:
    """Every fragment file's data (``fragment_file``), in file order."""
    count = -(-len(fragments) // NOTES_PER_FRAGMENT_FILE)
    return [fragment_file(fragments, number) for number in range(count)]


def build_client_index(analyzed: Sequence[AnalyzedNote], urls: Sequence[str],
                       facets: Sequence[str] = ()) -> ClientIndex:
    """Build the manifest, words shards, posting buckets and fragments; ``urls[i]`` is
    note i's page URL; ``facets`` are the properties the notes file gives each note's
    values of (besides its tags), for the facets of the search page.

    Document ids are positions in ``analyzed``, which is in path order, so ordering
    by id is ordering by path (the last tie-breaker of the ranking).
    """
    with collector_paused():
        return _build(analyzed, urls, facets)


def facets_table(analyzed: Sequence[AnalyzedNote], facets: Sequence[str]
                 ) -> dict[str, dict[str, list]]:
    """The notes file's "facets": per facet ("tags", then each of ``facets`` with a
    key), ``values`` [[key, as written], ...] (one entry per spelling) and ``notes``
    (per doc, the indexes of its values): what ``engine.search.facet_counts`` counts,
    from the same ``note_facets``."""
    wanted = facet_keys(facets)
    tables: dict[str, dict[str, list]] = {"tags": {"values": [], "notes": []}}
    for name, _ in wanted:
        tables.setdefault(name, {"values": [], "notes": []})
    positions: dict[str, dict[tuple[str, str], int]] = {name: {} for name in tables}
    for item in analyzed:
        values = note_facets(item.note.tags, item.note.properties, wanted)
        for name, table in tables.items():
            found = []
            for value_key, value in values.get(name, []):
                at = positions[name].get((value_key, value))
                if at is None:
                    at = positions[name][(value_key, value)] = len(table["values"])
                    table["values"].append([value_key, value])
                found.append(at)
            table["notes"].append(found)
    return tables


def _build(analyzed: Sequence[AnalyzedNote], urls: Sequence[str],
           facets: Sequence[str]) -> ClientIndex:
    fields = list(rules.FIELD_WEIGHTS)
    positional = [name in rules.POSITIONAL_FIELDS for name in fields]
    count = len(analyzed)
    depth = 2 if count >= TWO_LETTER_SHARDS_FROM else 1
    buckets = bucket_count(count)
    totals = dict.fromkeys([*fields, rules.EXACT_FIELD], 0)
    # Field -> term -> postings, for the whole garden; split into buckets at the end,
    # so each distinct term is hashed once.
    postings: dict[str, Postings] = {name: Postings()
                                     for name in [*fields, rules.EXACT_FIELD,
                                                  rules.FILTER_FIELD]}
    title_notes: defaultdict[str, list[int]] = defaultdict(list)
    tag_notes: defaultdict[str, list[int]] = defaultdict(list)
    tag_names: dict[str, str] = {}
    boosts: dict[str, float] = {}
    vocabulary = Vocabulary()
    fragments = []
    for doc, (item, url) in enumerate(zip(analyzed, urls, strict=True)):
        note = item.note
        if note.boost != 1.0:
            boosts[str(doc)] = note.boost
        for name, is_positional in zip(fields, positional, strict=True):
            field_terms = item.fields[name]
            totals[name] += len(field_terms)
            _add_postings(postings[name], doc, field_terms, is_positional,
                          item.joined.get(name, ()))
        exact = item.exact
        totals[rules.EXACT_FIELD] += len(exact)
        _add_postings(postings[rules.EXACT_FIELD], doc, exact, False)
        _add_postings(postings[rules.FILTER_FIELD], doc, item.filters, False)
        vocabulary.add(item)
        for title_key in item.title_keys:  # unique per note
            title_notes[title_key].append(doc)
        for tag_key, tag in nested_tags(note.tags):
            tag_notes[tag_key].append(doc)
            tag_names.setdefault(tag_key, tag)
        fragments.append(note_fragment(note, url))
    # A tag's notes in title order (as the CLI lists them): a listing by tags alone
    # then reads the fragments of the notes it shows, not of every note listed.
    order = sorted(range(count), key=lambda doc: (analyzed[doc].note.title.lower(), doc))
    rank = {doc: position for position, doc in enumerate(order)}
    for docs in tag_notes.values():
        docs.sort(key=rank.__getitem__)
    shards = _words_shards(vocabulary, title_notes, tag_notes, depth)
    manifest = {
        "format": FORMAT_VERSION,
        "rules": {**rules.client_rules(),
                  "stop_words": {"fr": sorted(FRENCH_STOP_WORDS),
                                 "en": sorted(ENGLISH_STOP_WORDS)},
                  "elisions": sorted(ELISIONS),
                  "question_words": sorted(QUESTION_WORDS)},
        "doc_count": count,
        "avg_lengths": {name: (total / count if count else 0.0) for name, total in totals.items()},
        "boosts": boosts,
        "tags": sorted([[tag_names[k], k, len(docs)] for k, docs in tag_notes.items()],
                       key=lambda t: (-t[2], t[1])),
        "shard_depth": depth,
        "shards": sorted(shards),
        "buckets": buckets,
        "filter_buckets": filter_bucket_count(buckets),
        "fragments_per_file": NOTES_PER_FRAGMENT_FILE,
    }
    return ClientIndex(manifest, shards, _posting_buckets(postings, buckets), fragments,
                       {"words": dict(sorted(vocabulary.words.items()))},
                       {"order": order, "dates": [item.note.date for item in analyzed]},
                       {"facets": facets_table(analyzed, facets),
                        "facet_names": ["tags", *(name for name, _ in facet_keys(facets))]})



def _words_shards(vocabulary: Vocabulary, title_notes: dict[str, list[int]],
                  tag_notes: dict[str, list[int]], depth: int) -> dict[str, dict[str, object]]:
    """Shard name -> {"words", "spellings", "keys", "tags"}, each entry in the shard of
    its (folded) word or key. Words and spellings are the CLI's own ``Vocabulary``, so
    prefixes, typo fixes and suggestions read the same data on both sides."""
    shards: defaultdict[str, dict[str, dict]] = defaultdict(
        lambda: {"words": {}, "spellings": {}, "keys": {}, "tags": {}, "pairs": {}})
    spellings = vocabulary.to_json()["spellings"]
    for word, others in vocabulary.partners().items():
        shards[shard_key(word, depth)]["pairs"][word] = others
    for word, notes in vocabulary.words.items():
        shard = shards[shard_key(word, depth)]
        shard["words"][word] = notes
        if word in spellings:
            shard["spellings"][word] = spellings[word]
    for part, table in (("keys", title_notes), ("tags", tag_notes)):
        for name, docs in table.items():
            shards[shard_key(name, depth)][part][name] = docs
    return dict(shards)


def _posting_buckets(postings: dict[str, Postings], buckets: int) -> list[dict[str, object]]:
    """Bucket number -> {field: {term: flat postings}} ("exact" being one more field):
    the words' ``buckets``, then the filters' (``posting_bucket``); every bucket exists,
    empty ones as {}."""
    files: list[dict[str, dict[str, list[int]]]] = [
        {} for _ in range(buckets + filter_bucket_count(buckets))]
    numbers: dict[str, int] = {}
    for name, table in postings.items():
        for term, found in table.items():
            number = numbers.get(term)
            if number is None:
                number = numbers[term] = posting_bucket(term, buckets)
            bucket = files[number]
            if name not in bucket:
                bucket[name] = {}
            bucket[name][term] = found
    return files
