"""Stop words and elisions, stored accent-folded because they are matched after folding.

The French list is Snowball's French stop list (forms of être/avoir included); the
English list is a short function-word list. A few English function words are also
dropped from French-analysed text because English titles go through the French
pipeline too (``Digitization of Museum Collections``).
"""

from __future__ import annotations

from museumxtd_search.analysis.folding import fold

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

# English words dropped from French-analysed text as well (see module docstring).
_ENGLISH_IN_FRENCH = "the of and to in is are for with from by an at be this that it its"

# Function words that identify French text (used by language detection).
FRENCH_FUNCTION_WORDS: frozenset[str] = frozenset(fold(w) for w in _FRENCH.split())
FRENCH_STOP_WORDS: frozenset[str] = FRENCH_FUNCTION_WORDS | frozenset(_ENGLISH_IN_FRENCH.split())
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(_ENGLISH.split())

# Elided articles and pronouns (``l'``, ``qu'``…) stripped from the start of a word.
ELISIONS: frozenset[str] = frozenset(
    "l d j m n s t c qu jusqu lorsqu puisqu quoiqu quelqu".split()
)
