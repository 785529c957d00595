"""The one text pipeline: every indexed word and every query word goes through it.

Steps, in order (the browser client in ``site_templates/static/search-core.js`` mirrors
them, and a test runs both over every word of the gardens to prove they agree):

1. normalise: NFKC, typographic apostrophes to ``'``;
2. tokenise: runs of letters/digits, apostrophes kept inside a word;
3. lowercase and fold accents (``Évaluation`` -> ``evaluation``);
4. split elisions: ``l'evaluation`` -> ``evaluation``, ``aujourd'hui`` -> ``aujourd`` ``hui``;
5. drop stop words (not a two-letter one in capitals, an acronym: ``AI``, ``IT``) and
   one-letter words;
6. stem with Snowball (French, or English for English notes), -ise and -ize made one
   (``rules.STEM_Z``).

The same function gives the *surface* words (lowercase, accents kept, unstemmed) used
for typo suggestions and prefix search, and for the exact-accent bonus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from museumxtd_search.analysis.stopwords import ELISIONS, ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS
from museumxtd_search.rules import ACRONYM_LETTERS, STEM_Z
from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import WORD
from museumxtd_search.text.language import Language

_STOP_WORDS: dict[str, frozenset[str]] = {"fr": FRENCH_STOP_WORDS, "en": ENGLISH_STOP_WORDS}
_STEMMERS = {
    "fr": snowballstemmer.stemmer("french"),
    "en": snowballstemmer.stemmer("english"),
}


class Token(NamedTuple):
    """One indexed word: its stemmed ``term``, its ``surface`` form and where it stands."""

    term: str
    surface: str
    start: int
    end: int


_STEM_Z = re.compile(STEM_Z)


@lru_cache(maxsize=400_000)
def _stem(word: str, language: Language) -> str:
    """Snowball's stem of ``word``, -ise and -ize spellings alike (``rules.STEM_Z``)."""
    stem = _STEMMERS[language].stemWord(word)
    return _STEM_Z.sub(r"\1s", stem) if "z" in stem else stem


# A word as it appears in text -> its kept parts (term, surface, start, end within the
# word) and their terms. Gardens repeat their words endlessly, so each distinct
# spelling is analysed once per process.
_Parts = tuple[tuple[str, str, int, int], ...]
_ANALYSED: dict[str, dict[str, tuple[_Parts, tuple[str, ...]]]] = {"fr": {}, "en": {}}
_CACHE_LIMIT = 1_000_000


def _analyse_word(word: str, language: Language) -> tuple[_Parts, tuple[str, ...]]:
    """Lowercase, split elisions, fold, drop stop and one-letter words, stem.

    A stop word of two letters written in capitals is an acronym, and kept: ``AI``,
    ``IT``, ``US``, ``EU``, ``UN`` (French drops ``ai`` and ``un``, and English ones
    quoted in French notes, such as ``it`` and ``us``)."""
    stop_words = _STOP_WORDS[language]
    pieces = word.lower().split("'")
    written = word.split("'")
    parts = []
    offset = 0
    for index, piece in enumerate(pieces):
        folded = fold(piece)
        elided = index == 0 and len(pieces) > 1 and folded in ELISIONS
        if not elided and (len(folded) >= 2 or folded.isdigit()) and (
                folded not in stop_words or _is_acronym(folded, written[index])):
            parts.append((_stem(folded, language), piece, offset, offset + len(piece)))
        offset += len(piece) + 1
    return tuple(parts), tuple(part[0] for part in parts)


def _is_acronym(folded: str, written: str) -> bool:
    """Whether a stop word (``folded``, and as the text wrote it) is an acronym:
    ``ACRONYM_LETTERS`` letters in capitals."""
    return len(folded) == ACRONYM_LETTERS and written.isupper()


def _analysed(word: str, language: Language) -> tuple[_Parts, tuple[str, ...]]:
    cache = _ANALYSED[language]
    found = cache.get(word)
    if found is None:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        found = cache[word] = _analyse_word(word, language)
    return found


def tokens(text: str, language: Language = "fr",
           initials: frozenset[str] | None = None) -> list[Token]:
    """Analyse ``text`` (already ``normalize``d) into tokens with offsets into it.

    With ``initials`` (first letters of the terms wanted), words none of whose parts can
    give a term starting with one of them are skipped unanalysed: stemming keeps a
    word's first folded letter, so the tokens of the terms wanted are the same.
    """
    result: list[Token] = []
    append = result.append
    words = WORD.finditer(text) if initials is None else _words_for(text, initials)
    for match in words:
        if initials is not None and not _may_start_with(match.group(), initials):
            continue
        parts = _analysed(match.group(), language)[0]
        if parts:
            start = match.start()
            for term, surface, begin, end in parts:
                append(Token(term, surface, start + begin, start + end))
    return result


@lru_cache(maxsize=4096)
def _initial(char: str) -> str:
    return fold(char.lower())[:1]


# Letters whose initials are known ahead: Latin, Greek and Cyrillic.
_TABLE_RANGES = ((0x30, 0x530), (0x1E00, 0x1F00))
# A letter outside them: its words are found by reading every word.
_UNKNOWN_LETTER = re.compile("[^\\W_" + "".join(f"\\u{start:04x}-\\u{end - 1:04x}"
                                                 for start, end in _TABLE_RANGES) + "]")
_LETTER = re.compile(r"[^\W_]")
# Below this length, or with more initials, reading every word costs less than
# compiling an expression for the initials.
_SHORTEST_SCANNED = 1000
_MOST_INITIALS = 8


@lru_cache(maxsize=1)
def _letters_of_initial() -> dict[str, str]:
    """The known letters by initial, escaped for a character class (a letter that
    folds to nothing under "")."""
    letters: dict[str, str] = {}
    for code in (code for start, end in _TABLE_RANGES for code in range(start, end)):
        letter = chr(code)
        if _LETTER.fullmatch(letter):
            initial = _initial(letter)
            letters[initial] = letters.get(initial, "") + re.escape(letter)
    return letters


# Sets of initials asked for so far (the newest kept): an expression is compiled for a
# set on its second use, so that one used once (the related-note reasons of an
# export ask for a new set with nearly every note) never pays for compiling it.
_ASKED: dict[frozenset[str], None] = {}
_ASKED_KEPT = 4096


def _asked_before(initials: frozenset[str]) -> bool:
    if initials in _ASKED:
        return True
    if len(_ASKED) >= _ASKED_KEPT:
        _ASKED.clear()
    _ASKED[initials] = None
    return False


@lru_cache(maxsize=1024)
def _starts_like(initials: frozenset[str]) -> re.Pattern[str]:
    """A letter with a wanted initial (or none), where no letter stands before it."""
    by_initial = _letters_of_initial()
    letters = "".join(by_initial.get(initial, "") for initial in sorted(initials))
    letters += by_initial.get("", "")
    return re.compile(f"[{letters}](?<![^\\W_].)" if letters else "(?!)")


def _words_for(text: str, initials: frozenset[str]) -> Iterator[re.Match[str]]:
    """The ``WORD`` matches of ``text`` that may start with ``initials`` (a part
    after an apostrophe included), in order, and maybe a few more.

    Reading every word of a note is what a result's excerpt cost most: here a
    regular expression finds, in C, the letters that may begin a wanted word, and
    only their words are read. Its letters are listed ahead, so a text holding any
    other letter is read word by word."""
    if (len(text) < _SHORTEST_SCANNED or len(initials) > _MOST_INITIALS
            or not _asked_before(initials) or _UNKNOWN_LETTER.search(text)):
        yield from WORD.finditer(text)
        return
    last_end = 0
    for letter in _starts_like(initials).finditer(text):
        at = letter.start()
        if at < last_end:
            continue  # inside the word just read
        # A later part of a word (``l'évaluation``): read the word from its first.
        at = _word_start(text, at)
        word = WORD.match(text, at)
        if word is not None:
            last_end = word.end()
            yield word


def _word_start(text: str, at: int) -> int:
    """The first letter of the ``WORD`` holding the letter at ``at``: back over its
    letters and the apostrophes between them (``l'évaluation``)."""
    while True:
        while at and _LETTER.match(text, at - 1):
            at -= 1
        if at > 1 and text[at - 1] == "'" and _LETTER.match(text, at - 2):
            at -= 1
        else:
            return at


def hyphenated_words(text: str) -> Iterator[re.Match[str]]:
    """``HYPHENATED.finditer(text)``, found from the text's hyphens: ``str.find`` skips
    the rest of the text in C, where the expression was tried at every word."""
    at = text.find("-")
    end = 0
    while at != -1:
        if at >= end and at and _LETTER.match(text, at - 1) and _LETTER.match(text, at + 1):
            match = HYPHENATED.match(text, _word_start(text, at - 1))
            if match is not None:
                end = match.end()
                yield match
        at = text.find("-", at + 1)


def joined_term(word: str, language: Language, initials: frozenset[str]) -> str | None:
    """The term of a hyphenated ``word`` of normalised text written in one piece
    (``email`` for ``e-mail``), if it is one term and may start with ``initials``
    (checked first: an excerpt asks this of every hyphenated word of a note)."""
    if not _may_start_with(word, initials):
        return None
    found = _analysed(word.replace("-", ""), language)[1]
    return found[0] if len(found) == 1 else None


def _may_start_with(word: str, initials: frozenset[str]) -> bool:
    """Whether a part of ``word`` (split at apostrophes) may give a term whose first
    letter is in ``initials``; a part starting with what folds to nothing may."""
    initial = _initial(word[0])
    if not initial or initial in initials:
        return True
    if "'" not in word:
        return False
    for piece in word.split("'")[1:]:
        initial = _initial(piece[:1]) if piece else ""
        if not initial or initial in initials:
            return True
    return False


def terms(text: str, language: Language = "fr") -> list[str]:
    """Return the stemmed terms of ``text`` in order (what the index stores)."""
    result: list[str] = []
    extend = result.extend
    for word in WORD.findall(normalize(text)):
        extend(_analysed(word, language)[1])
    return result


# A word, or words joined by hyphens (``e-mail``, ``audio-guide``, ``COVID-19``): each
# part is a word like any other, and the index also holds the word written without
# its hyphens (``indexed_terms``). HYPHENATED: only words joined by hyphens, each
# tried from its first letter only (tried inside every word, the expression took a
# millisecond over a 2 KB note, three times the rest of its excerpt).
COMPOUND = re.compile(rf"{WORD.pattern}(?:-{WORD.pattern})*")
HYPHENATED = re.compile(rf"(?<![^\W_]){WORD.pattern}(?:-{WORD.pattern})+")
# Past three parts, hyphens join a name or an address, not a word.
MAX_JOINED_PARTS = 3


class IndexedText(NamedTuple):
    """What the index holds of a text: its ``terms`` (a position each), their
    ``surfaces``, and the ``joined`` terms of its hyphenated words, each with the
    position it shares with the word's first part."""

    terms: list[str]
    surfaces: list[str]
    joined: list[tuple[int, str]]


_COMPOUNDS: dict[str, dict[str, tuple[tuple[tuple[str, str], ...], str]]] = {"fr": {}, "en": {}}


def _analysed_compound(word: str, language: Language) -> tuple[tuple[tuple[str, str], ...], str]:
    """The (term, surface) of each kept part of hyphenated ``word``, and its joined term:
    the word without its hyphens (``email`` for ``e-mail``), or "" when it is none.

    A compound is joined when each of its parts is a word the index keeps (a first
    part of one letter aside: ``e-mail``, ``d'e-mails``, ``x-ray``) and the whole is
    one term unlike its parts': pronouns and particles (``pouvons-nous``,
    ``c'est-à-dire``) and numbers (``2019-2020``) are not words written in one piece."""
    cache = _COMPOUNDS[language]
    found = cache.get(word)
    if found is not None:
        return found
    pieces = word.split("-")
    joinable = len(pieces) <= MAX_JOINED_PARTS and not all(map(str.isdigit, pieces))
    parts: list[tuple[str, str]] = []
    for index, piece in enumerate(pieces):
        kept = _analysed(piece, language)[0]
        if not kept and not (index == 0 and len(piece.rsplit("'", 1)[-1]) == 1):
            joinable = False
        parts.extend((term, surface) for term, surface, _, _ in kept)
    joined = ""
    if joinable and parts:
        whole = _analysed("".join(pieces), language)[1]
        if len(whole) == 1 and all(whole[0] != term for term, _ in parts):
            joined = whole[0]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    found = cache[word] = (tuple(parts), joined)
    return found


def indexed_terms(text: str, language: Language = "fr") -> IndexedText:
    """What the index holds of ``text``: ``[t.term for t in tokens(...)]`` and
    ``[t.surface …]`` at once (without offsets), plus the joined terms of its
    hyphenated words.

    The indexing hot path: one pass over a note body feeds two fields. A joined term
    stands where its word's first part does, as an index's synonym would (Lucene's
    position increment of 0): ``email`` finds ``e-mail``, a phrase of its parts still
    finds it, and the field's length counts the words the text has, not the extra
    terms. Queries are analysed by ``tokens``, which does not join: a query's word
    typed with hyphens is searched in one piece beside its parts by the engine
    (``engine.search.joined_word``), so that ``e-mail`` finds ``email`` too."""
    found_terms: list[str] = []
    found_surfaces: list[str] = []
    joined: list[tuple[int, str]] = []
    for word in COMPOUND.findall(normalize(text)):
        if "-" in word:
            parts, whole = _analysed_compound(word, language)
            if whole:
                joined.append((len(found_terms), whole))
            for term, surface in parts:
                found_terms.append(term)
                found_surfaces.append(surface)
            continue
        for part in _analysed(word, language)[0]:
            found_terms.append(part[0])
            found_surfaces.append(part[1])
    return IndexedText(found_terms, found_surfaces, joined)
