"""The search page stems queries in the browser with site_templates/static/snowball.js,
a hand port of the Snowball French and English stemmers. A query only finds a note if
the browser stems each word exactly as the Python indexer did, so these tests run the
port under Node on every word we can find and compare it with snowballstemmer.
"""

import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import snowballstemmer
from node_support import run_node_lines

REPO_ROOT = Path(__file__).resolve().parents[1]
STEM_WORDS_SCRIPT = REPO_ROOT / "tests" / "js" / "stem_words.js"
SNOWBALL_SCRIPT = REPO_ROOT / "site_templates" / "static" / "snowball.js"
NOTES_DIR = REPO_ROOT / "notes"
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "museumxtd"

WORD = re.compile(r"[^\W\d_]+")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
MISMATCHES_SHOWN = 20

# Words that exercise the suffix rules, region rules and special cases of both
# stemmers (no apostrophes: the site splits elisions off before stemming).
TRICKY_WORDS = """
    réseaux sociaux évaluation évaluations stratégiquement stratégique patrimoniaux
    patrimoine œuvres œuvre chevaux généralement aimerions aimer aimaient incroyablement
    incroyable continuellement nationalité nationalités activité activités créatrice
    créatrices créateurs logique logiques biologie sociologies utilisation conclusions
    solution révolutions essentiellement précisément vraiment rapidement évidemment
    couramment abondamment prudemment finissaient finissions finissant finirent
    agrandissements heureuse heureuses heureux joyeux bijoux choux genoux hiboux cailloux
    chapeaux nouveaux journaux hôpitaux travaux maïs naïve noël haïr ouïe ouïes aiguë
    ambiguë québec quelque ennuyeux croyait payer voyage yeux parlerions parlèrent
    parlâmes parlât mangeais aimée aimées aimés allée chantiez iront forêt château façade
    garçon reçu lançait commençaient françaises ancienne canette cruelle vieille nettes
    légère premières fermière dernier grossier colonne collection parole tapis nier nièce
    passion question musée muséographie numérique médiation archéologiques imaginatif
    imaginatives positifs sportive admirable possibilité capacité explicatives abusive
    exposition sensibilisation égoïste aïeul hypothèse
    running generously dying lying tying skies sky skis news succeed succeeded
    proceeding proceed exceedingly agreed bleed hopping hoping hopefully happiness
    relational conditional valency hesitancy digitizer conformability radically
    differently vilely analogously vietnamization predication operator feudalism
    decisiveness callousness formality sensitivity sensibility triplicate formative
    formalize electrical goodness allowance inference airliner gyroscopic adjustable
    defensible irritant replacement adjustment dependent adoption homologous communism
    activate bowdlerize controlling generalization communication communities university
    arsenal emergency organization international lateral pastime general generous
    generate universe communal interest later organ past andes atlas bias cosmos
    early gently howe idly only singly ugly cries died caresses ponies gaps kiwis abyss
    yield says player youth boyish destroying tomorrow eying inning earring herring
    outing canning evening fizzed luxuriated tripled filing failed carelessly recently
    famously finally capably horribly biologist analogy fully
    a i be by ai ed ing oed ly yy ys y
    𐐨ied 𐐨ies ab𐐨ions 𐐨𐐩ement
""".split()


def fold_accents(word: str) -> str:
    """Accent-folded spelling, as the site's analyser produces it: é -> e, œ -> oe."""
    decomposed = unicodedata.normalize("NFKD", word.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words_in_markdown(folder: Path) -> set[str]:
    words: set[str] = set()
    if folder.is_dir():
        for path in folder.rglob("*.md"):
            text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8"))
            words.update(WORD.findall(text.lower()))
    return words


@cache
def words_to_compare() -> tuple[str, ...]:
    words = words_in_markdown(NOTES_DIR) | words_in_markdown(CORPUS_DIR) | set(TRICKY_WORDS)
    words |= {fold_accents(word) for word in words}
    words.discard("")
    return tuple(sorted(words))


@pytest.fixture(scope="module")
def javascript_stems(node: str) -> dict[str, tuple[str, str]]:
    """(French stem, English stem) of every word, from a single Node process."""
    words = words_to_compare()
    lines = run_node_lines(node, STEM_WORDS_SCRIPT, [], words)
    return {word: tuple(line.split("\t")) for word, line in zip(words, lines, strict=True)}


def mismatches(language: str, column: int, javascript_stems) -> list[str]:
    stemmer = snowballstemmer.stemmer(language)
    found = []
    for word, stems in javascript_stems.items():
        expected, actual = stemmer.stemWord(word), stems[column]
        if actual != expected:
            found.append(f"{word!r}: python {expected!r}, javascript {actual!r}")
    return found


def report(found: list[str], total: int) -> str:
    shown = "\n".join(found[:MISMATCHES_SHOWN])
    return f"{len(found)} of {total} words stemmed differently, first ones:\n{shown}"


def test_comparison_covers_the_tricky_words_and_their_accent_folded_forms():
    words = set(words_to_compare())
    assert {"réseaux", "reseaux", "œuvres", "oeuvres", "running"} <= words
    if CORPUS_DIR.is_dir():
        assert {"patrimoine", "musée", "musee"} <= words


def test_javascript_french_stemmer_matches_python_on_every_corpus_word(javascript_stems):
    found = mismatches("french", 0, javascript_stems)
    assert not found, report(found, len(javascript_stems))


def test_javascript_english_stemmer_matches_python_on_every_corpus_word(javascript_stems):
    found = mismatches("english", 1, javascript_stems)
    assert not found, report(found, len(javascript_stems))


def test_snowball_script_defines_global_when_loaded_as_classic_script(node):
    # A browser runs the file as a classic <script>: no `module`, `this` is the window.
    check = (
        "const vm = require('vm'), fs = require('fs');"
        "const window = {}; vm.createContext(window);"
        "vm.runInContext(fs.readFileSync(process.argv[1], 'utf8'), window);"
        "const s = window.MXSnowball;"
        "process.stdout.write([s.french('réseaux'), s.english('running')].join(' '));"
    )
    result = subprocess.run(
        [node, "-e", check, str(SNOWBALL_SCRIPT)], capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.decode("utf-8") == "réseau run"
