"""Related notes: the notes closest to one note, each with the reasons it is there.

A reader at the end of a note wants the next one. Four signals say which, all read
from what the index is built from (``AnalyzedNote``: the same terms, tags and
resolved links the search uses), never from a second analysis of its own:

- **shared distinctive words** (more-like-this): the note's ``TOP_TERMS`` words of
  highest tf-idf (title, aliases, headings and body, weighted like the search's
  fields), compared with every other note's words by cosine similarity;
- **shared tags**, rarer tags counting more;
- **direct links**, either way (a note it links to, a note linking to it);
- **the link graph around both**: notes they both link to (bibliographic coupling)
  and notes that cite both (co-citation);
- and, when those find too few, the **same folder**, so that a note with nothing else
  in common still leads somewhere near.

Each signal adds its share (the weights below) to a result's score, and names itself
in the result's reasons only when it added something: reasons are always true. The
note itself is never among its results; notes kept out of the index (``search:
false``) are never results. Ties are ordered by title, then path, so two runs (and the
exported pages) give the same list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from museumxtd_search.analysis.documents import AnalyzedNote
from museumxtd_search.analysis.pipeline import tokens
from museumxtd_search.rules import FIELD_WEIGHTS
from museumxtd_search.text.folding import normalize
from museumxtd_search.text.language import Language
from museumxtd_search.vault.files import is_attachment_name

# The fields whose words make a note's "distinctive words": tags and link texts have
# signals of their own (counting them twice would let a tag decide alone).
TERM_FIELDS = ("title", "aliases", "headings", "body", "body_en")
# Like Lucene's MoreLikeThis (maxQueryTerms): a note is represented by this many of its
# most distinctive words, which also bounds the work per note on large gardens.
TOP_TERMS = 25
# A word in more than this share of the notes says nothing about closeness.
MAX_NOTE_SHARE = 0.5
# What each signal adds to a score (the words' cosine, the tags' share and the
# coupling/co-citation ratios are between 0 and 1).
WORDS_WEIGHT = 1.0
TAGS_WEIGHT = 0.6
LINK_WEIGHT = 0.5
COUPLING_WEIGHT = 0.3
COCITATION_WEIGHT = 0.3
FOLDER_WEIGHT = 0.05
# How many shared words a reason names.
SHARED_WORDS_SHOWN = 3
# Results of the command and of every exported page unless told otherwise.
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class RelatedNote:
    """One related note: its path, display title, score and reasons (strongest first)."""

    path: str
    title: str
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "title": self.title, "score": round(self.score, 4),
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class RelatedResponse:
    """The notes related to ``note`` (a path), best first: ``related --json``'s twin."""

    note: str
    title: str
    results: list[RelatedNote] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"note": self.note, "results": [result.to_json() for result in self.results]}


def _weighted_counts(analyzed: AnalyzedNote) -> Counter[str]:
    """A note's words, each counted with the search weight of the field holding it."""
    counts: Counter[str] = Counter()
    for name in TERM_FIELDS:
        weight = FIELD_WEIGHTS[name]
        for term in analyzed.fields.get(name, ()):
            counts[term] += weight
    return counts


class RelatedNotes:
    """The related-notes model of a garden, built once from its searchable notes'
    analyses; ``related`` answers for any note (also one outside the model)."""

    def __init__(self, analyzed: Iterable[AnalyzedNote]) -> None:
        # PDFs are found by the search; related notes are notes (pages to read next).
        self.notes: dict[str, AnalyzedNote] = {item.note.path: item for item in analyzed
                                               if not is_attachment_name(item.note.path)}
        count = len(self.notes)
        self.counts = {path: _weighted_counts(item) for path, item in self.notes.items()}
        note_frequency: Counter[str] = Counter()
        for counts in self.counts.values():
            note_frequency.update(counts.keys())
        most = max(1, int(count * MAX_NOTE_SHARE))
        self.idf = {term: math.log(count / frequency)
                    for term, frequency in note_frequency.items() if frequency <= most
                    or count < 4}
        # Postings of every kept word: (path, weight) in path order.
        self.postings: dict[str, list[tuple[str, float]]] = {}
        self.norms: dict[str, float] = {}
        for path, counts in self.counts.items():
            weights = self._weights(counts)
            self.norms[path] = math.sqrt(sum(w * w for w in weights.values()))
            for term, weight in weights.items():
                self.postings.setdefault(term, []).append((path, weight))
        self.folders: dict[str, list[str]] = {}
        for path, item in self.notes.items():
            self.folders.setdefault(item.note.folder, []).append(path)
        self.tag_notes: dict[str, list[str]] = {}
        for path, item in self.notes.items():
            for tag in item.tag_keys:
                self.tag_notes.setdefault(tag, []).append(path)
        self.tag_idf = {tag: math.log(1 + count / len(paths))
                        for tag, paths in self.tag_notes.items()}
        # Links among the model's notes only: a note kept out of the index is never
        # named, not even as the note two others both link to.
        self.links_out = {path: self._targets(item) for path, item in self.notes.items()}
        self.links_in: dict[str, set[str]] = {}
        for path, targets in self.links_out.items():
            for target in targets:
                self.links_in.setdefault(target, set()).add(path)

    def _targets(self, analyzed: AnalyzedNote) -> set[str]:
        """The notes of the model that ``analyzed`` links to, itself left out."""
        path = analyzed.note.path
        return {target for target in map(unquote, analyzed.link_paths)
                if target != path and target in self.notes}

    def _title(self, path: str) -> str:
        return self.notes[path].note.title if path in self.notes else path

    def _weights(self, counts: Counter[str]) -> dict[str, float]:
        """tf-idf of a note's kept words: ``(1 + log tf) × idf``, zero weights dropped."""
        idf = self.idf
        weights = {}
        for term, tf in counts.items():  # every field weight is at least 1, so tf >= 1
            weight = (1 + math.log(tf)) * idf.get(term, 0.0)
            if weight > 0:
                weights[term] = weight
        return weights

    def related(self, analyzed: AnalyzedNote, limit: int = DEFAULT_LIMIT) -> list[RelatedNote]:
        """The ``limit`` notes closest to ``analyzed``, best first, never itself."""
        path = analyzed.note.path
        scores: Counter[str] = Counter()
        reasons: dict[str, list[tuple[float, str]]] = {}

        def add(candidate: str, amount: float, reason: str) -> None:
            if candidate == path or candidate not in self.notes or amount <= 0:
                return
            scores[candidate] += amount
            reasons.setdefault(candidate, []).append((amount, reason))

        self._add_words(analyzed, add)
        self._add_tags(analyzed, add)
        self._add_links(analyzed, add)
        # The folder only fills a list that the other signals left short: in most
        # gardens nearly every note shares a folder with most others, which says little
        # (and a scan of a large folder for every note would cost too much).
        if len(scores) < limit:
            for other in self.folders.get(analyzed.note.folder, ()):
                if other not in scores:
                    add(other, FOLDER_WEIGHT, "same folder")
        ranked = sorted(scores, key=lambda p: (-scores[p], self.notes[p].note.title.lower(), p))
        return [RelatedNote(p, self.notes[p].note.title, scores[p],
                            tuple(reason for _, reason in
                                  sorted(reasons[p], key=lambda r: -r[0])))
                for p in ranked[:limit]]

    def _add_words(self, analyzed: AnalyzedNote, add) -> None:
        """Cosine of the note's distinctive words with every note holding one of them."""
        path = analyzed.note.path
        weights = self._weights(self.counts.get(path) or _weighted_counts(analyzed))
        top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:TOP_TERMS]
        norm = math.sqrt(sum(weight * weight for _, weight in top))
        if not norm:
            return
        products: dict[str, list[tuple[float, str]]] = {}
        for term, weight in top:
            for other, other_weight in self.postings.get(term, ()):
                if other != path:
                    products.setdefault(other, []).append((weight * other_weight, term))
        if not products:
            return
        spellings = _spellings(analyzed)
        for other, shared in products.items():
            cosine = sum(product for product, _ in shared) / (norm * self.norms[other])
            shown = [spellings.get(term, term) for _, term in
                     sorted(shared, key=lambda s: (-s[0], s[1]))[:SHARED_WORDS_SHOWN]]
            add(other, WORDS_WEIGHT * cosine, "shared: " + ", ".join(dict.fromkeys(shown)))

    def _add_tags(self, analyzed: AnalyzedNote, add) -> None:
        """Shared tags, each worth its rarity, as a share of the note's own tags."""
        mine = analyzed.tag_keys
        total = sum(self.tag_idf.get(tag, 0.0) for tag in mine)
        if not total:
            return
        shared: dict[str, list[str]] = {}
        for tag in mine:
            for other in self.tag_notes.get(tag, ()):
                shared.setdefault(other, []).append(tag)
        for other, tags in shared.items():
            amount = TAGS_WEIGHT * sum(self.tag_idf[tag] for tag in tags) / total
            add(other, amount, "1 shared tag" if len(tags) == 1 else f"{len(tags)} shared tags")

    def _add_links(self, analyzed: AnalyzedNote, add) -> None:
        """Direct links either way, notes both link to, notes citing both."""
        path = analyzed.note.path
        outgoing = self._targets(analyzed)
        incoming = self.links_in.get(path, set()) - {path}
        for target in outgoing:
            add(target, LINK_WEIGHT, "linked from it")
        for source in incoming:
            add(source, LINK_WEIGHT, "links to it")
        coupled: Counter[str] = Counter()
        for target in outgoing:
            for source in self.links_in.get(target, ()):
                coupled[source] += 1
        for other, shared in coupled.items():
            if other == path:
                continue
            ratio = shared / math.sqrt(len(outgoing) * len(self.links_out[other]))
            common = sorted(outgoing & self.links_out[other])
            what = f"« {self._title(common[0])} »" if shared == 1 \
                else f"{shared} notes"
            add(other, COUPLING_WEIGHT * ratio, f"both link to {what}")
        cited: Counter[str] = Counter()
        for source in incoming:
            for other in self.links_out.get(source, ()):
                cited[other] += 1
        for other, together in cited.items():
            if other == path:
                continue
            ratio = together / math.sqrt(len(incoming) * len(self.links_in.get(other, ())))
            citers = sorted(incoming & self.links_in.get(other, set()))
            what = f"« {self._title(citers[0])} »" if together == 1 \
                else f"{together} notes"
            add(other, COCITATION_WEIGHT * ratio, f"cited with it by {what}")


def _spellings(analyzed: AnalyzedNote) -> dict[str, str]:
    """Each of a note's terms spelt as the note most often writes it (``numérisation``
    for ``numeris``), so a reason names words, not stems."""
    note = analyzed.note
    body_language: Language = "en" if note.language == "en" else "fr"
    texts: list[tuple[str, Language]] = [
        (f"{note.title}\n{note.name}", "fr"), ("\n".join(note.aliases), "fr"),
        ("\n".join(h.text for h in note.headings), "fr"), (note.text, body_language)]
    seen: dict[str, Counter[str]] = {}
    for text, language in texts:
        for token in tokens(normalize(text), language):
            seen.setdefault(token.term, Counter())[token.surface] += 1
    return {term: counts.most_common(1)[0][0] for term, counts in seen.items()}


def related_map(model: RelatedNotes, notes: Sequence[AnalyzedNote],
                limit: int = DEFAULT_LIMIT) -> dict[str, list[RelatedNote]]:
    """The related notes of each of ``notes`` (an export shows them on every page)."""
    return {item.note.path: model.related(item, limit) for item in notes}
