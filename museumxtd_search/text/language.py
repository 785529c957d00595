"""French or English? The function words of each language, and the guess made from them.

The lists are stored accent-folded because they are matched after folding. The French
list is Snowball's French stop list (forms of être/avoir included); the English list
is a short function-word list. ``analysis.stopwords`` builds the stop words from them,
and takes the French elisions from here.
"""

from __future__ import annotations

import re
from typing import Literal

from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import WORD

Language = Literal["fr", "en"]

_FRENCH = """
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
tes toi ton tu un une vos votre vous c d j l a m n s t y ete etee etees etes etant etante
etants etantes suis es est sommes etes sont serai seras sera serons serez seront serais
serait serions seriez seraient etais etait etions etiez etaient fus fut fumes futes furent
sois soit soyons soyez soient fusse fusses fut fussions fussiez fussent ayant ayante
ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront
aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eumes eutes
eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez eussent ceci cela
celà cet cette ici ils les leurs quel quels quelle quelles sans soi
"""

_ENGLISH = """
a about an and are as at be been but by can could did do does for from had has have he
her his how i if in into is it its me my no not of on or our she so than that the their
them then there these they this those to too us was we were what when where which who
why will with would you your
"""

# Function words that identify French text (folded).
FRENCH_FUNCTION_WORDS: frozenset[str] = frozenset(fold(w) for w in _FRENCH.split())
# Function words that identify English text.
ENGLISH_FUNCTION_WORDS: frozenset[str] = frozenset(_ENGLISH.split())
# French function words as written (accented) and folded: no folding per word needed.
_FRENCH_MARKERS = FRENCH_FUNCTION_WORDS | frozenset(
    "à où là été étée étées étés étant étante étants étantes êtes fûmes fûtes eûmes eûtes "
    "fût eût".split())

# Elided articles and pronouns (``l'``, ``qu'``…), written before an apostrophe.
FRENCH_ELISIONS: frozenset[str] = frozenset(
    "l d j m n s t c qu jusqu lorsqu puisqu quoiqu quelqu".split()
)
# What English writes after an apostrophe: ``museum's``, ``don't``, ``we're``, ``I'll``.
_ENGLISH_CONTRACTIONS = frozenset("s t re ll ve m d".split())

# ISO 639-1 codes: what ``lang:`` holds when it names a natural language.
_LANGUAGE_CODES = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu""".split())
# French and English by their three-letter codes and their names in either language.
_LANGUAGE_NAMES: dict[str, Language] = {
    **dict.fromkeys(("fra", "fre", "french", "francais"), "fr"),
    **dict.fromkeys(("eng", "english", "anglais"), "en")}
# A language tag: ``fr``, ``fr-CA``, ``en_GB``, ``fra``; region and script subtags.
_LANGUAGE_TAG = re.compile(r"([a-z]{2,8})(?:[-_][a-z0-9]{2,8})*")


def declared_language(value: str) -> tuple[bool, Language | None]:
    """What a ``lang:`` or ``language:`` property says: (whether it names a natural
    language, which of French and English it is). ``fr-CA``, ``Français`` and
    ``english`` name one; ``de`` another (``(True, None)``); ``rust`` or ``javascript``,
    which code gardens file under ``language:``, none (``(False, None)``): such a value
    describes the note, and is searched like any property."""
    match = _LANGUAGE_TAG.fullmatch(fold(value.strip().lower()))
    if match is None:
        return False, None
    primary = match.group(1)
    if primary in _LANGUAGE_NAMES:
        return True, _LANGUAGE_NAMES[primary]
    if primary in _LANGUAGE_CODES:
        return True, "fr" if primary == "fr" else "en" if primary == "en" else None
    return False, None


# Fewer function words than this tell no language (a note too short is French).
_ENGLISH_AT_LEAST = 3


def detect_language(text: str) -> Language:
    """Guess whether ``text`` is English or French: ``clear_language``'s answer, French
    when the text is too short to tell (the gardens' language)."""
    return clear_language(text) or "fr"


def clear_language(text: str) -> Language | None:
    """English or French as ``text``'s function words tell, ``None`` when they do not.

    English when English function words clearly dominate (at least three, more than
    twice the French ones): a mostly French note quoting an English title stays French.
    French when at least three French ones say so. A note of a few words, a list of
    links or a template tells neither (Obsidian vaults hold many: ``site.ui_text`` then
    gives its page the site's language).
    An apostrophe counts for the language that writes it: an elision (``l'``, ``qu'``)
    for French, a possessive or contraction (``museum's``, ``don't``) for English;
    the letters around it are never function words of their own (``s``, ``t``). The
    first 5,000 characters are enough to tell, and keep this cheap on long notes.
    """
    sample = normalize(text[:5_000]).lower()
    english = french = 0
    for word in WORD.findall(sample):
        if "'" in word:
            first, *_, last = word.split("'")
            if first in FRENCH_ELISIONS:
                french += 1
                word = word[len(first) + 1:]
            elif last in _ENGLISH_CONTRACTIONS:
                english += 1
                word = word[:-len(last) - 1]
            else:
                continue
        english += word in ENGLISH_FUNCTION_WORDS
        french += word in _FRENCH_MARKERS
    if english >= _ENGLISH_AT_LEAST and english > 2 * french:
        return "en"
    return "fr" if french >= _ENGLISH_AT_LEAST else None
