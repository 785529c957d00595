"""The garden's vocabulary: one definition for the CLI's index and the browser's."""

from __future__ import annotations

from collections import Counter

from museumxtd_search.analysis.documents import AnalyzedNote
from museumxtd_search.analysis.folding import fold


class Vocabulary:
    """The garden's real words (folded) with the number of notes holding each, and the
    most frequent accented spelling of each: what prefixes, typo corrections and
    suggestions are built from. Recomputed on every build from every note."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.spellings: Counter[str] = Counter()

    def add(self, analyzed: AnalyzedNote) -> None:
        self.words.update({fold(word) for word in analyzed.surface})
        self.spellings.update(set(analyzed.exact))

    def to_json(self) -> dict[str, object]:
        best: dict[str, tuple[int, str]] = {}
        # Ties go to the first spelling in byte order, as the browser client decides.
        for spelling in sorted(self.spellings, key=lambda w: w.encode("utf-8")):
            folded, count = fold(spelling), self.spellings[spelling]
            if folded not in best or count > best[folded][0]:
                best[folded] = (count, spelling)
        return {"words": dict(sorted(self.words.items())),
                "spellings": {folded: word for folded, (_, word) in sorted(best.items())}}
