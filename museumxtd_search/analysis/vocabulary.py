"""The garden's vocabulary: one definition for the CLI's index and the browser's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from museumxtd_search.analysis.documents import AnalyzedNote
from museumxtd_search.text.folding import fold


class Vocabulary:
    """The garden's real words (folded) with the number of notes holding each, and the
    most frequent accented spelling of each: what prefixes, typo corrections and
    suggestions are built from.

    A full build counts every note; an update takes back the words of the notes it
    rewrites or removes and counts their new versions, so the counts always equal
    those of a full build.
    """

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.spellings: Counter[str] = Counter()
        # "a\tb" -> notes pairing the words a and b (AnalyzedNote.pairs).
        self.pairs: Counter[str] = Counter()

    def add(self, analyzed: AnalyzedNote) -> None:
        self.add_surface(analyzed.surface)
        self.add_pairs(analyzed.pairs)

    def add_pairs(self, pairs: Iterable[Iterable[str]]) -> None:
        """Count one note's word pairs."""
        self.pairs.update({"\t".join(pair) for pair in pairs})

    def remove_pairs(self, notes: Iterable[Iterable[Iterable[str]]]) -> None:
        """Take back the word pairs of several notes."""
        taken: Counter[str] = Counter()
        for pairs in notes:
            taken.update({"\t".join(pair) for pair in pairs})
        if taken:
            self.pairs -= taken

    def partners(self) -> dict[str, list[str]]:
        """Folded word -> the words some note pairs it with, sorted."""
        found: dict[str, set[str]] = {}
        for pair in self.pairs:
            first, second = pair.split("\t")
            found.setdefault(first, set()).add(second)
            found.setdefault(second, set()).add(first)
        return {word: sorted(others) for word, others in sorted(found.items())}

    def add_surface(self, surface: Iterable[str]) -> None:
        """Count one note's surface words (``AnalyzedNote.surface``)."""
        words, spellings = _note_counts(surface)
        self.words.update(words)
        self.spellings.update(spellings)

    def remove_surfaces(self, surfaces: Iterable[Iterable[str]]) -> None:
        """Take back the counts of several notes (words no note holds any more vanish)."""
        words: Counter[str] = Counter()
        spellings: Counter[str] = Counter()
        for surface in surfaces:
            note_words, note_spellings = _note_counts(surface)
            words.update(note_words)
            spellings.update(note_spellings)
        if words:
            self.words -= words
            self.spellings -= spellings

    def merge(self, other: Vocabulary) -> None:
        """Add the counts of another vocabulary (built from other notes)."""
        self.words.update(other.words)
        self.spellings.update(other.spellings)
        self.pairs.update(other.pairs)

    def to_json(self) -> dict[str, object]:
        best: dict[str, tuple[int, str]] = {}
        # Ties go to the first spelling in byte order, as the browser client decides.
        for spelling in sorted(self.spellings, key=lambda w: w.encode("utf-8")):
            folded, count = fold(spelling), self.spellings[spelling]
            if folded not in best or count > best[folded][0]:
                best[folded] = (count, spelling)
        return {"words": dict(sorted(self.words.items())),
                "spellings": {folded: word for folded, (_, word) in sorted(best.items())},
                "spelling_counts": dict(sorted(self.spellings.items())),
                "pairs": self.partners(),
                "pair_counts": dict(sorted(self.pairs.items()))}

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        vocabulary = cls()
        vocabulary.words.update(data["words"])
        vocabulary.spellings.update(data["spelling_counts"])
        vocabulary.pairs.update(data.get("pair_counts", {}))
        return vocabulary


def _note_counts(surface: Iterable[str]) -> tuple[set[str], set[str]]:
    """The distinct folded words of one note, and its distinct accented spellings."""
    surface = set(surface)
    return {fold(word) for word in surface}, {word for word in surface if not word.isascii()}
