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
from dataclasses import dataclass
from functools import lru_cache

from whoosh.util.numeric import byte_to_length, length_to_byte

from museumxtd_search.analysis.documents import (
    EXACT_WEIGHT,
    FIELD_LANGUAGE,
    FIELD_WEIGHTS,
    POSITIONAL_FIELDS,
    PROXIMITY_SLOP,
    PROXIMITY_WEIGHT,
    AnalyzedNote,
)
from museumxtd_search.analysis.folding import fold
from museumxtd_search.analysis.pipeline import key
from museumxtd_search.analysis.stopwords import ELISIONS, ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS
from museumxtd_search.analysis.typos import PREFIX_EXPANSIONS

FORMAT_VERSION = 2
# Whoosh's BM25F defaults, which the CLI uses.
BM25_K1 = 1.2
BM25_B = 0.75


# Gardens at least this large split shards by two letters instead of one, so the
# browser fetches a smaller share of the index per query word.
TWO_LETTER_SHARDS_FROM = 2000


@lru_cache(maxsize=500_000)
def shard_key(term: str, depth: int = 1) -> str:
    """The shard a term, word or key lives in: its first ``depth`` folded letters or
    digits, each other character (and a missing one) written ``_``."""
    prefix = fold(term[:depth]).lower()[:depth].ljust(depth, "_")
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in prefix)


def quantized_length(length: int) -> int:
    """A field length as Whoosh stores it (one lossy byte), so both sides score alike."""
    return byte_to_length(length_to_byte(length)) if length else 0


@dataclass(frozen=True)
class ClientIndex:
    """The files of the client index: name -> JSON-able data."""

    manifest: dict[str, object]
    shards: dict[str, dict[str, object]]
    fragments: list[dict[str, object]]


def _postings(field_terms: Sequence[str], positional: bool) -> dict[str, list[int]]:
    """term -> [tf, field length, position deltas...] for one document's field.

    The field length (as Whoosh stores it) travels with each posting so the browser
    needs no table of every document's lengths.
    """
    positions: dict[str, list[int]] = defaultdict(list)
    for position, term in enumerate(field_terms):
        positions[term].append(position)
    length = quantized_length(len(field_terms))
    if not positional:
        return {term: [len(found), length] for term, found in positions.items()}
    result = {}
    for term, found in positions.items():
        deltas = [found[0]] + [b - a for a, b in zip(found, found[1:], strict=False)]
        result[term] = [len(found), length, *deltas]
    return result


def build_client_index(analyzed: Sequence[AnalyzedNote], urls: Sequence[str]) -> ClientIndex:
    """Build the manifest, term shards and fragments; ``urls[i]`` is note i's page URL.

    Document ids are positions in ``analyzed``, which is in path order, so ordering
    by id is ordering by path (the last tie-breaker of the ranking).
    """
    fields = list(FIELD_WEIGHTS)
    depth = 2 if len(analyzed) >= TWO_LETTER_SHARDS_FROM else 1
    totals: Counter[str] = Counter()
    tag_counts: Counter[str] = Counter()
    tag_names: dict[str, str] = {}
    boosts: dict[str, float] = {}
    shards: dict[str, dict[str, dict]] = defaultdict(lambda: {
        "postings": {name: {} for name in fields}, "exact": {}, "words": {}, "keys": {},
        "tags": {}})
    word_docs: Counter[str] = Counter()
    fragments = []
    for doc, (item, url) in enumerate(zip(analyzed, urls, strict=True)):
        note = item.note
        if note.boost != 1.0:
            boosts[str(doc)] = note.boost
        for name in fields:
            field_terms = item.fields[name]
            totals[name] += len(field_terms)
            for term, posting in _postings(field_terms, name in POSITIONAL_FIELDS).items():
                shards[shard_key(term, depth)]["postings"][name].setdefault(term, []).append(
                    [doc, *posting])
        exact = item.exact
        totals["exact"] += len(exact)
        exact_length = quantized_length(len(exact))
        for surface, count in Counter(exact).items():
            shards[shard_key(surface, depth)]["exact"].setdefault(surface, []).append(
                [doc, count, exact_length])
        for word in {fold(w) for w in item.surface}:
            word_docs[word] += 1
        for title_key in item.title_keys:
            shards[shard_key(title_key, depth)]["keys"].setdefault(title_key, []).append(doc)
        for tag in note.tags:  # already unique by key (vault.reading)
            tag_key = key(tag)
            shards[shard_key(tag_key, depth)]["tags"].setdefault(tag_key, []).append(doc)
            tag_names.setdefault(tag_key, tag)
            tag_counts[tag_key] += 1
        fragments.append({
            "path": note.path,
            "url": url,
            "title": note.title,
            "tags": list(note.tags),
            "text": note.text,
            "sections": [[s.heading, s.anchor, s.start] for s in note.sections],
            "language": "en" if note.language == "en" else "fr",
        })
    for word, count in word_docs.items():
        shards[shard_key(word, depth)]["words"][word] = count
    for shard in shards.values():
        for part in ("postings",):
            shard[part] = {k: v for k, v in shard[part].items() if v}
    count = len(analyzed)
    manifest = {
        "format": FORMAT_VERSION,
        "bm25": {"k1": BM25_K1, "b": BM25_B},
        "weights": dict(FIELD_WEIGHTS),
        "exact_weight": EXACT_WEIGHT,
        "proximity_weight": PROXIMITY_WEIGHT,
        "proximity_slop": PROXIMITY_SLOP,
        "positional": list(POSITIONAL_FIELDS),
        "field_language": dict(FIELD_LANGUAGE),
        "prefix_expansions": PREFIX_EXPANSIONS,
        "analysis": {
            "stop_words": {"fr": sorted(FRENCH_STOP_WORDS), "en": sorted(ENGLISH_STOP_WORDS)},
            "elisions": sorted(ELISIONS),
        },
        "doc_count": count,
        "avg_lengths": {name: (totals[name] / count if count else 0.0)
                        for name in [*fields, "exact"]},
        "boosts": boosts,
        "tags": sorted([[tag_names[k], k, n] for k, n in tag_counts.items()],
                       key=lambda t: (-t[2], t[1])),
        "shard_depth": depth,
        "shards": sorted(shards),
    }
    return ClientIndex(manifest, dict(shards), fragments)
