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

    def add(self, analyzed: AnalyzedNote) -> None:
        self.add_surface(analyzed.surface)

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

    def to_json(self) -> dict[str, object]:
        best: dict[str, tuple[int, str]] = {}
        # Ties go to the first spelling in byte order, as the browser client decides.
        for spelling in sorted(self.spellings, key=lambda w: w.encode("utf-8")):
            folded, count = fold(spelling), self.spellings[spelling]
            if folded not in best or count > best[folded][0]:
                best[folded] = (count, spelling)
        return {"words": dict(sorted(self.words.items())),
                "spellings": {folded: word for folded, (_, word) in sorted(best.items())},
                "spelling_counts": dict(sorted(self.spellings.items()))}

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        vocabulary = cls()
        vocabulary.words.update(data["words"])
        vocabulary.spellings.update(data["spelling_counts"])
        return vocabulary


def _note_counts(surface: Iterable[str]) -> tuple[set[str], set[str]]:
    """The distinct folded words of one note, and its distinct accented spellings."""
    surface = set(surface)
    return {fold(word) for word in surface}, {word for word in surface if not word.isascii()}
