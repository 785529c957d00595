"""Related notes: the notes closest to one note, each with the reasons it is there.

A reader at the end of a note wants the next one. Four signals say which, all read
from what the index is built from (``AnalyzedNote``: the same terms, tags and
resolved links the search uses), never from a second analysis of its own:

- **shared distinctive words** (more-like-this): the note's ``TOP_TERMS`` words of
  highest tf-idf (title, aliases, headings and body, weighted like the search's
  fields), compared with every other note's words by cosine similarity;
- **shared tags**, rarer tags counting more (a tag on most notes does not count);
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

import bisect
import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from museumxtd_search.analysis.documents import AnalyzedNote, property_surfaces
from museumxtd_search.analysis.pipeline import terms, tokens
from museumxtd_search.rules import FIELD_WEIGHTS
from museumxtd_search.text.folding import normalize
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import Language
from museumxtd_search.vault.files import is_attachment_name

# The fields whose words make a note's "distinctive words": tags and link texts have
# signals of their own (counting them twice would let a tag decide alone).
TERM_FIELDS = ("title", "aliases", "headings", "body", "body_en")
# Like Lucene's MoreLikeThis (maxQueryTerms): a note is represented by this many of its
# most distinctive words, which also bounds the work per note on large gardens.
TOP_TERMS = 20
# A word in more than this share of the notes says nothing about closeness.
MAX_NOTE_SHARE = 0.25
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
# ... and in more than this many notes (bounds the work per note in large gardens;
# Lucene's MoreLikeThis has the same knob, maxDocFreq).
MAX_NOTES_PER_WORD = 50
# Results of the command and of every exported page unless told otherwise.
DEFAULT_LIMIT = 5


# How each kind of reason reads, per language: one table, so the command, our pages,
# the live preview and the bundle say the same thing. ``{names}`` is the names joined by
# commas, ``{name}`` the first, ``{count}`` how many; a ``(one, several)`` pair is
# chosen by ``count``. English is what ``related --json`` gives in ``reasons`` (kept
# stable for scripts); ``why`` gives the same as data.
REASON_PHRASES: dict[str, dict[str, str | tuple[str, str]]] = {
    "en": {
        "words": "shared: {names}",
        "tags": ("1 shared tag: {names}", "{count} shared tags: {names}"),
        "links_to": "links to it",
        "linked_from": "linked from it",
        "both_link_to": ("both link to « {name} »", "both link to {count} notes"),
        "cited_with": ("cited with it by « {name} »", "cited with it by {count} notes"),
        "same_folder": "same folder",
    },
    "fr": {
        "words": "en commun : {names}",
        "tags": ("1 tag en commun : {names}", "{count} tags en commun : {names}"),
        "links_to": "lien vers cette note",
        "linked_from": "lien depuis cette note",
        "both_link_to": ("liens communs vers « {name} »", "liens communs vers {count} notes"),
        "cited_with": ("citées ensemble par « {name} »", "citées ensemble par {count} notes"),
        "same_folder": "même dossier",
    },
}
REASON_LANGUAGES = tuple(REASON_PHRASES)


@dataclass(frozen=True)
class Reason:
    """Why a note is related, as data: its ``kind`` (a key of ``REASON_PHRASES``), the
    ``names`` it cites (shared words or tags, the one note both link to or citing both)
    and ``count`` (how many words named, tags or notes; 0 for a link or the folder)."""

    kind: str
    count: int = 0
    names: tuple[str, ...] = ()

    def text(self, language: str = "en") -> str:
        """The reason as a reader sees it, in ``language`` (``fr`` or ``en``; any other
        reads as English)."""
        phrase = REASON_PHRASES.get(language, REASON_PHRASES["en"])[self.kind]
        if isinstance(phrase, tuple):
            phrase = phrase[0] if self.count == 1 else phrase[1]
        return phrase.format(names=", ".join(self.names), name=next(iter(self.names), ""),
                             count=self.count)

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "count": self.count, "names": list(self.names)}


# A signal's reason for one candidate, spelt out only for the results shown.
Describe = Callable[[str], Reason]


@dataclass(frozen=True)
class RelatedNote:
    """One related note: its path, display title, score and reasons (strongest first)."""

    path: str
    title: str
    score: float
    why: tuple[Reason, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in English, as ``related`` prints them (``reasons_in`` for others)."""
        return self.reasons_in("en")

    def reasons_in(self, language: str) -> tuple[str, ...]:
        """The reasons as a page in ``language`` shows them."""
        return tuple(reason.text(language) for reason in self.why)

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "title": self.title, "score": round(self.score, 4),
                "reasons": list(self.reasons), "why": [reason.to_json() for reason in self.why]}


@dataclass(frozen=True)
class RelatedResponse:
    """The notes related to ``note`` (a path), best first: ``related --json``'s twin."""

    note: str
    title: str
    results: list[RelatedNote] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"note": self.note, "results": [result.to_json() for result in self.results]}


def _weighted_counts(analyzed: AnalyzedNote) -> Counter[str]:
    """A note's words, each counted with the search weight of the field holding it.

    Numbers are left out: two notes citing "3" or "2019" are not alike for it, and
    "shared: 3" would be a reason no reader understands."""
    counts: Counter[str] = Counter()
    for name in TERM_FIELDS:
        weight = FIELD_WEIGHTS[name]
        for term, found in Counter(analyzed.fields.get(name, ())).items():  # C-fast count
            if not term.isdigit():
                counts[term] += found * weight
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
        most = self.most = min(MAX_NOTES_PER_WORD, max(3, int(count * MAX_NOTE_SHARE)))
        self.idf = {term: math.log(count / frequency)
                    for term, frequency in note_frequency.items() if frequency <= most}
        # Postings of every kept word: (path, weight) in path order.
        self.postings: dict[str, list[tuple[str, float]]] = {}
        self.norms: dict[str, float] = {}
        # Each note's distinctive words, chosen once: (term, weight) best first.
        self.tops: dict[str, list[tuple[str, float]]] = {}
        for path, counts in self.counts.items():
            weights = self._weights(counts)
            self.norms[path] = math.sqrt(sum(w * w for w in weights.values()))
            self.tops[path] = _top(weights)
            for term, weight in weights.items():
                self.postings.setdefault(term, []).append((path, weight))
        self.folders: dict[str, list[str]] = {}
        for path, item in self.notes.items():
            self.folders.setdefault(item.note.folder, []).append(path)
        self.tag_notes: dict[str, list[str]] = {}
        for path, item in self.notes.items():
            for tag in item.tag_keys:
                self.tag_notes.setdefault(tag, []).append(path)
        # A tag on most notes is worth little, and would make every note a candidate of
        # every other: kept to as many notes as a word.
        self.tag_idf = {tag: math.log(1 + count / len(paths))
                        for tag, paths in self.tag_notes.items() if len(paths) <= most}
        # Ties are ordered by title (case-insensitively), then path.
        self.order = {path: item.note.title.lower() for path, item in self.notes.items()}
        # Links among the model's notes only: a note kept out of the index is never
        # named, not even as the note two others both link to.
        self.links_out = {path: self._targets(item) for path, item in self.notes.items()}
        self.links_in: dict[str, set[str]] = {}
        for path, targets in self.links_out.items():
            for target in targets:
                self.links_in.setdefault(target, set()).add(path)

    def replace(self, analyzed: AnalyzedNote) -> None:
        """Put the new analysis of a note already in the model in place of the old one
        (a live preview's edit): its words, tags, title and links.

        The rarity of words and tags (``idf``, ``tag_idf``) stays the one the model was
        built with: one edit barely moves it, and recomputing it would rescore every
        note (seconds at 10,000). A full export builds the model again."""
        path = analyzed.note.path
        old = self.notes[path]
        for term in self._weights(self.counts[path]):
            self.postings[term] = [entry for entry in self.postings[term] if entry[0] != path]
        for tag in old.tag_keys:
            if tag in self.tag_notes:
                self.tag_notes[tag] = [other for other in self.tag_notes[tag] if other != path]
        for target in self.links_out[path]:
            self.links_in.get(target, set()).discard(path)
        self.notes[path] = analyzed
        counts = self.counts[path] = _weighted_counts(analyzed)
        weights = self._weights(counts)
        self.norms[path] = math.sqrt(sum(w * w for w in weights.values()))
        self.tops[path] = _top(weights)
        for term, weight in weights.items():  # postings stay in path order
            postings = self.postings.setdefault(term, [])
            postings.insert(bisect.bisect_left(postings, path, key=_path_of), (path, weight))
        for tag in analyzed.tag_keys:
            paths = self.tag_notes.setdefault(tag, [])
            paths.insert(bisect.bisect_left(paths, path), path)
        self.order[path] = analyzed.note.title.lower()
        self.links_out[path] = self._targets(analyzed)
        for target in self.links_out[path]:
            self.links_in.setdefault(target, set()).add(path)

    def neighbours(self, path: str) -> set[str]:
        """The notes ``path`` links to or is linked from: their lists may name it."""
        return self.links_out.get(path, set()) | self.links_in.get(path, set())

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
        """The ``limit`` notes closest to ``analyzed``, best first, never itself.

        Each signal gives every candidate its amount; only the results shown have their
        reasons spelt out (a large garden has thousands of candidates per note)."""
        path = analyzed.note.path
        signals = [self._words(analyzed), self._tags(analyzed), *self._links(analyzed)]
        scores: dict[str, float] = {}
        for amounts, _ in signals:
            for other, amount in amounts.items():
                if amount > 0:
                    scores[other] = scores.get(other, 0.0) + amount
        scores.pop(path, None)
        # The folder only fills a list that the other signals left short: in most
        # gardens nearly every note shares a folder with most others, which says little
        # (and a scan of a large folder for every note would cost too much).
        if len(scores) < limit:
            mates = {other: FOLDER_WEIGHT for other in self.folders.get(analyzed.note.folder, ())
                     if other not in scores and other != path}
            signals.append((mates, lambda other: Reason("same_folder")))
            scores.update(mates)
        notes, order = self.notes, self.order
        best = heapq.nsmallest(limit, ((-score, order[other], other)
                                       for other, score in scores.items()))
        results = []
        for _, _, other in best:
            found = [(amounts[other], describe) for amounts, describe in signals
                     if amounts.get(other, 0) > 0]
            found.sort(key=lambda item: -item[0])  # stable: signal order breaks ties
            results.append(RelatedNote(other, notes[other].note.title, scores[other],
                                       tuple(describe(other) for _, describe in found)))
        return results

    def _words(self, analyzed: AnalyzedNote) -> tuple[dict[str, float], Describe]:
        """Cosine of the note's distinctive words with every note holding one of them."""
        path = analyzed.note.path
        top = self.tops.get(path)
        if top is None:  # a note outside the model (kept out of search)
            top = _top(self._weights(_weighted_counts(analyzed)))
        norm = math.sqrt(sum(weight * weight for _, weight in top))
        sums: dict[str, float] = {}
        if norm:
            get = sums.get
            for term, weight in top:
                for other, other_weight in self.postings.get(term, ()):
                    sums[other] = get(other, 0.0) + weight * other_weight
        norms = self.norms
        amounts = {other: WORDS_WEIGHT * total / (norm * norms[other])
                   for other, total in sums.items()}
        spellings: dict[str, str] = {}

        def describe(other: str) -> Reason:
            theirs = self._weights(Counter({term: self.counts[other][term] for term, _ in top
                                            if term in self.counts[other]}))
            shared = sorted(((weight * theirs[term], term) for term, weight in top
                             if term in theirs), key=lambda s: (-s[0], s[1]))
            named = [term for _, term in shared[:SHARED_WORDS_SHOWN]]
            if not spellings:
                spellings.update(_spellings(analyzed, [term for term, _ in top]))
            shown = [_in_capitals_if_acronym(spellings.get(term, term)) for term in named]
            names = tuple(dict.fromkeys(shown))
            return Reason("words", len(names), names)

        return amounts, describe

    def _tags(self, analyzed: AnalyzedNote) -> tuple[dict[str, float], Describe]:
        """Shared tags, each worth its rarity, as a share of the note's own tags."""
        mine = analyzed.tag_keys
        total = sum(self.tag_idf.get(tag, 0.0) for tag in mine)
        amounts: dict[str, float] = {}
        if total:
            for tag in mine:
                if tag not in self.tag_idf:
                    continue
                share = TAGS_WEIGHT * self.tag_idf[tag] / total
                for other in self.tag_notes[tag]:
                    amounts[other] = amounts.get(other, 0.0) + share

        def describe(other: str) -> Reason:
            shared = set(mine) & set(self.notes[other].tag_keys) & self.tag_idf.keys()
            names = [tag for tag in analyzed.note.tags if key(tag) in shared]
            return Reason("tags", len(names), tuple(names))

        return amounts, describe

    def _links(self, analyzed: AnalyzedNote) -> list[tuple[dict[str, float], Describe]]:
        """Direct links either way, notes both link to (coupling), notes citing both
        (co-citation)."""
        path = analyzed.note.path
        # A note of the model has its links worked out already (kept current by
        # ``replace``); an export asks for every note, and unquoting is most of the work.
        outgoing = (self.links_out[path] if self.notes.get(path) is analyzed
                    else self._targets(analyzed))
        incoming = self.links_in.get(path, set()) - {path}
        # A note that most notes link to (a home, a glossary) couples nothing, and a
        # note linking to most notes (an index) cites nothing together: both are left
        # out past as many notes as a word may be in, which also bounds the work.
        most = self.most
        coupled: Counter[str] = Counter()
        for target in outgoing:
            citing = self.links_in.get(target, ())
            if len(citing) <= most:
                coupled.update(citing)
        coupled.pop(path, None)
        coupling = {other: COUPLING_WEIGHT * shared
                    / math.sqrt(len(outgoing) * len(self.links_out[other]))
                    for other, shared in coupled.items()}
        cited: Counter[str] = Counter()
        for source in incoming:
            cited_by_source = self.links_out.get(source, ())
            if len(cited_by_source) <= most:
                cited.update(cited_by_source)
        cited.pop(path, None)
        cocitation = {other: COCITATION_WEIGHT * together
                      / math.sqrt(len(incoming) * len(self.links_in.get(other, ())))
                      for other, together in cited.items()}

        def both_link_to(other: str) -> Reason:
            common = sorted(target for target in outgoing & self.links_out[other]
                            if len(self.links_in.get(target, ())) <= most)
            return Reason("both_link_to", len(common),
                          (self._title(common[0]),) if len(common) == 1 else ())

        def cited_with(other: str) -> Reason:
            citers = sorted(source for source in incoming & self.links_in.get(other, set())
                            if len(self.links_out.get(source, ())) <= most)
            return Reason("cited_with", len(citers),
                          (self._title(citers[0]),) if len(citers) == 1 else ())

        return [({target: LINK_WEIGHT for target in outgoing},
                 lambda other: Reason("linked_from")),
                ({source: LINK_WEIGHT for source in incoming}, lambda other: Reason("links_to")),
                (coupling, both_link_to), (cocitation, cited_with)]


def _path_of(entry: tuple[str, float]) -> str:
    return entry[0]


def _top(weights: dict[str, float]) -> list[tuple[str, float]]:
    """The ``TOP_TERMS`` heaviest words, ties by term: a note's distinctive words."""
    return heapq.nsmallest(TOP_TERMS, weights.items(), key=lambda item: (-item[1], item[0]))


def _in_capitals_if_acronym(word: str) -> str:
    """A shared word as a reason names it: in capitals when the pipeline keeps it only
    so (``AT``, ``IT``: an acronym, else a stop word), as written otherwise."""
    return word.upper() if not terms(word) and not terms(word, "en") else word


def _spellings(analyzed: AnalyzedNote, wanted: Iterable[str]) -> dict[str, str]:
    """Each of the ``wanted`` terms of a note spelt as the note most often writes it
    (``numérisation`` for ``numeris``), so a reason names words, not stems.

    A French body's terms and surface words are parallel lists of the analysis (its
    surface words are in ``AnalyzedNote.surface``): read there, not analysed again."""
    wanted = set(wanted)
    initials = frozenset(term[:1] for term in wanted)
    note = analyzed.note
    seen: dict[str, Counter[str]] = {}
    body = analyzed.fields.get("body") or []
    texts: list[tuple[str, Language]] = [
        (f"{note.title}\n{note.name}", "fr"), ("\n".join(note.aliases), "fr"),
        ("\n".join(h.text for h in note.headings), "fr")]
    if body:
        # ``surface``: the names' words, then the body's, then the properties'.
        end = len(analyzed.surface) - len(property_surfaces(note.properties))
        for term, surface in zip(body, analyzed.surface[end - len(body):end], strict=True):
            if term in wanted:
                seen.setdefault(term, Counter())[surface] += 1
    else:
        texts.append((note.text, "en" if note.language == "en" else "fr"))
    for text, language in texts:
        for token in tokens(normalize(text), language, initials):
            if token.term in wanted:
                seen.setdefault(token.term, Counter())[token.surface] += 1
    return {term: counts.most_common(1)[0][0] for term, counts in seen.items()}


def related_map(model: RelatedNotes, notes: Sequence[AnalyzedNote],
                limit: int = DEFAULT_LIMIT) -> dict[str, list[RelatedNote]]:
    """The related notes of each of ``notes`` (an export shows them on every page)."""
    return {item.note.path: model.related(item, limit) for item in notes}
