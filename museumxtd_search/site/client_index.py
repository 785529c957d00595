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

FORMAT_VERSION = 1
# Whoosh's BM25F defaults, which the CLI uses.
BM25_K1 = 1.2
BM25_B = 0.75


def shard_key(term: str) -> str:
    """The shard a term (or word) lives in: its first folded letter or digit, else ``_``."""
    first = fold(term[:1]).lower()[:1]
    return first if first.isascii() and first.isalnum() else "_"


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
    """term -> [tf, position deltas...] for one document's field."""
    positions: dict[str, list[int]] = defaultdict(list)
    for position, term in enumerate(field_terms):
        positions[term].append(position)
    if not positional:
        return {term: [len(found)] for term, found in positions.items()}
    result = {}
    for term, found in positions.items():
        deltas = [found[0]] + [b - a for a, b in zip(found, found[1:], strict=False)]
        result[term] = [len(found), *deltas]
    return result


def build_client_index(analyzed: Sequence[AnalyzedNote], urls: Sequence[str]) -> ClientIndex:
    """Build the manifest, term shards and fragments; ``urls[i]`` is note i's page URL."""
    fields = list(FIELD_WEIGHTS)
    docs = []
    lengths: dict[str, list[int]] = {name: [] for name in fields}
    totals: Counter[str] = Counter()
    keys: dict[str, list[int]] = defaultdict(list)
    tag_keys: dict[str, list[int]] = defaultdict(list)
    tag_names: dict[str, str] = {}
    shards: dict[str, dict[str, dict]] = defaultdict(
        lambda: {"postings": {name: {} for name in fields}, "exact": {}, "words": {}})
    word_docs: Counter[str] = Counter()
    fragments = []
    for doc, (item, url) in enumerate(zip(analyzed, urls, strict=True)):
        note = item.note
        docs.append([note.path, url, note.title, list(note.tags), note.boost])
        for name in fields:
            field_terms = item.fields[name]
            lengths[name].append(quantized_length(len(field_terms)))
            totals[name] += len(field_terms)
            for term, posting in _postings(field_terms, name in POSITIONAL_FIELDS).items():
                shards[shard_key(term)]["postings"][name].setdefault(term, []).append(
                    [doc, *posting])
        lengths.setdefault("exact", []).append(quantized_length(len(item.exact)))
        totals["exact"] += len(item.exact)
        for surface, count in Counter(item.exact).items():
            shards[shard_key(surface)]["exact"].setdefault(surface, []).append([doc, count])
        for word in {fold(w) for w in item.surface}:
            word_docs[word] += 1
        for title_key in item.title_keys:
            keys[title_key].append(doc)
        for tag in note.tags:  # already unique by key (vault.reading)
            tag_keys[key(tag)].append(doc)
            tag_names.setdefault(key(tag), tag)
        fragments.append({
            "text": note.text,
            "sections": [[s.heading, s.anchor, s.start] for s in note.sections],
            "language": "en" if note.language == "en" else "fr",
        })
    for word, count in word_docs.items():
        shards[shard_key(word)]["words"][word] = count
    for shard in shards.values():
        shard["postings"] = {k: v for k, v in shard["postings"].items() if v}
    count = len(docs)
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
        "docs": docs,
        "lengths": lengths,
        "keys": dict(keys),
        "tag_keys": dict(tag_keys),
        "tags": sorted([[tag_names[k], k, len(v)] for k, v in tag_keys.items()],
                       key=lambda t: (-t[2], t[1])),
        "shards": sorted(shards),
    }
    return ClientIndex(manifest, dict(shards), fragments)

