"""The exported site searches in the browser with site_templates/static/search-core.js,
which must answer exactly like the CLI. These tests build both indexes from the same
garden (the client JSON the way the exporter writes it, and the Whoosh index), run the
JavaScript engine under Node (tests/js/search_cli.js, one process per garden and per
kind of check) and compare it with ``GardenSearcher``: the analyser word by word, then
the ranking, the suggestions and the snippets of a fixed list of queries.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from node_support import run_node_lines, write_engine
from obsidian_garden import QUERIES as OBSIDIAN_QUERIES
from obsidian_garden import write_garden

from museumxtd_search.analysis.pipeline import terms, tokens
from museumxtd_search.rules import FILTER_FIELD, client_rules
from museumxtd_search.site.client_index import filter_bucket_count, posting_bucket, shard_key
from museumxtd_search.site.search_files import read_data_file
from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import key
from museumxtd_search.vault.files import read_search_settings
from museumxtd_search.vault.notes import Note

REPO_ROOT = Path(__file__).resolve().parents[1]
SEARCH_CLI = REPO_ROOT / "tests" / "js" / "search_cli.js"
NOTES_DIR = REPO_ROOT / "notes"
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "museumxtd"

# Scores are the same floats on both sides but for the last bits of a logarithm
# (Python's libm and JavaScript's Math.log may round differently).
SCORE_TOLERANCE = 1e-9
MISMATCHES_SHOWN = 15

# Queries for every garden, by what they exercise. A tab introduces tag filters
# given beside the query (the site's tag list), comma-separated.
COMMON_QUERIES = [
    # accentless
    "reseaux sociaux", "strategie numerique", "mediation", "numerisation des collections",
    "musees", "evaluer un projet",
    # accented
    "médiation numérique", "stratégie", "évaluation", "numérisation", "réseaux sociaux",
    "données personnelles",
    # elided
    "l'évaluation", "l’accessibilité", "d'une collection", "l'expérience des visiteurs",
    "qu'est-ce qu'une stratégie",
    # plural and singular
    "musées", "musée", "collection", "collections", "stratégies",
    # typos
    "strategie numerque", "mediaton", "numérisaton", "colections", "evaluaton projet",
    "reseaux socaux", "muséee",
    # prefixes, typed or implied by the last word
    "strat", "numéri", "médi*", "coll*", "stratégie num", "pod",
    # English
    "digitization collections", "social media", "open access", "museum", "digital strategy",
    "volunteers",
    # a word written with a hyphen, searched in one piece or as written
    "weekend", "week-end", "ecoconception", "éco-conception", "email", "e-mail", "covid19",
    '"week-end"', "motscles seo",
    # a stop word in capitals is an acronym
    "AI", "ai", "IT", "US", "UN musée", "EU OR UN",
    # phrases
    '"réseaux sociaux"', '"stratégie numérique"', '"open data"', '"musée numérique"',
    '"numérique musée"',
    # OR, NOT
    "podcast OR newsletter", "médiation OR publics", "instagram || facebook",
    "numérique NOT stratégie", "musées -brouillon", "réseaux -instagram", "NOT numérique",
    # fields and tag filters
    "title:stratégie", "title:musées", "titre:numérique", 'title:"réseaux sociaux"',
    "tag:ressource", "numérique tag:ressource", "tag:english", "musées\tressource",
    "\tguide", "tag:#numérique -brouillon",
    # case and punctuation
    "RÉSEAUX Sociaux", "MuseumXTD", "OPEN DATA", "réseaux, sociaux!", "(stratégie numérique",
    "médiation?", "musées...", "« médiation »", '"unbalanced quote', "numérique OR",
    "collections AND numérisation", "3D", "2022",
    # exact titles, stop words, nothing
    "Open data", "Newsletters", "Gestion des collections", "le la les", "le", "*", "-",
    "Réseaux sociaux et musées", "de la et", "the museum", "-le", "title:le",
    # a French word that English drops, and English questions
    "but du projet", "le but", "what is open data", "how to digitize collections", "but",
    # suggestions: rewritten words keep their place, the others their garden spelling
    "reseaux -instagram strat", "musée OR mediaton", "musée musée", "numérique num",
    "strategie strat", "mediaton mediaton", "strategie de numerque", "(strategie numerque",
    # another form of a word the garden writes: searched as typed, not corrected
    "numérisations", "médiations musées", "collectionner", "photographs", "visitors strat",
    # corrections keep the first letter (or swap the first two)
    "jeux vidéo", "rpojet", "msuées", "nusées",
    # French question words ask, unless nothing else is searched
    "comment numériser les collections ?", "Pourquoi un podcast", "comment", "quand",
    "comment -podcast musée", "how to comment",
    # Obsidian's other operators: content: searches the notes' text and properties, not
    # their names; the unsupported ones as words (line:() and block:(): obsidian_garden)
    "content:numérique", "content:stratégie -title:stratégie", 'content:"réseaux sociaux"',
    "content:numéri*", "-content:numérique musée", "task:podcast",
    "match-case:Wikipédia task-done:musée", "task-todo:", "IGNORE-CASE:musées",
]

QUERIES = {
    "obsidian": COMMON_QUERIES + OBSIDIAN_QUERIES,
    "bundled": COMMON_QUERIES + [
        "wikipédia", "wikipedia contribuer", "podcasts de musée", "inventaire récolement",
        "rgpd", "droits d'auteur", "modélisation 3d", "crowdsourcing", "accessibilite",
        "instagrm", "newsleter", "archivage numérique", "site web du musée",
    ],
    "corpus": COMMON_QUERIES + [
        "ramuz", "projet ramuz", "covid", "transformation numérique", "empreinte carbone",
        "marketing culturel", "réalité virtuelle", "museumxtd forum", "pully",
        "transition ecologique", "compétences numériques", "innovaton", "musées vaudois",
        "Quels sont les outils à utiliser?", "title:ramuz", "youtube chaine",
    ],
}


# Texts whose UTF-8 bytes or first letters are unusual: where the client looks for them
# must still be where the exporter would put them.
UNUSUAL_TEXTS = ["", "a", "_x", "2022", "é", "e\u0301t\u00e9", "œuvre", "Ærø", "straße", "ǆungla",
                 "ﬁn", "日本語", "🎨", "x🎨y", "𝔘𝔫𝔦", "\u00a0", "ĳ", "İstanbul", "ΣΊΣΥΦΟΣ"]


@dataclass(frozen=True)
class Garden:
    name: str
    notes: tuple[Note, ...]
    search_dir: Path
    index_dir: Path
    queries: tuple[str, ...]
    notes_dir: Path | None = None


@pytest.fixture(scope="module", params=["bundled", "corpus", "obsidian"])
def garden(request, tmp_path_factory) -> Garden:
    """Both indexes of one garden, built exactly as the exporter and the CLI build them."""
    from museumxtd_search.analysis.documents import analyze_note
    from museumxtd_search.index.build import build_index
    from museumxtd_search.site.client_index import build_client_index
    from museumxtd_search.site.search_files import write_client_index
    from museumxtd_search.vault import read_vault

    out = tmp_path_factory.mktemp(request.param)
    notes_dir = {"bundled": NOTES_DIR, "corpus": CORPUS_DIR}.get(request.param) or \
        write_garden(out / "notes", '[search]\nfacets = ["type", "année", "auteur"]\n')
    if not notes_dir.is_dir():
        pytest.skip(f"no garden at {notes_dir}")
    vault = read_vault(notes_dir)
    analyzed = [analyze_note(n, vault.links.resolve_all(n), vault.links)
                for n in vault.notes if n.searchable]
    write_client_index(build_client_index(analyzed, [a.note.path for a in analyzed],
                                          read_search_settings(notes_dir)[0].facets),
                       out / "search")
    write_engine(out)
    build_index(notes_dir, out / "index", full=True)
    return Garden(request.param, tuple(vault.notes), out / "search", out / "index",
                  tuple(QUERIES[request.param]), notes_dir)


def run_search_cli(node: str, garden: Garden, lines: Sequence[str], *mode: str) -> list[dict]:
    """Feed ``lines`` to tests/js/search_cli.js and return its JSON lines."""
    output = run_node_lines(node, SEARCH_CLI, [str(garden.search_dir), *mode], lines)
    return [json.loads(line) for line in output]


def split_query(line: str) -> tuple[str, tuple[str, ...], dict]:
    """A query line: text, tags, the engine's other options (JSON, by their JavaScript
    names: sort, anyTag, facets)."""
    text, _, rest = line.partition("\t")
    tags, _, options = rest.partition("\t")
    return text, tuple(t for t in tags.split(",") if t), json.loads(options or "{}")


@pytest.fixture(scope="module")
def javascript_responses(node: str, garden: Garden) -> list[dict]:
    return run_search_cli(node, garden, garden.queries)


def answers_of_the_cli(garden: Garden) -> list[dict]:
    """The CLI's answer to each query of ``garden``, with unrounded scores."""
    from museumxtd_search.index.searcher import GardenSearcher

    with GardenSearcher(garden.index_dir) as searcher:
        responses = []
        for line in garden.queries:
            text, tags, options = split_query(line)
            facets = read_search_settings(garden.notes_dir)[0].facets \
                if options.get("facets") else None
            response = searcher.search(text, tags=tags, any_tag=options.get("anyTag", False),
                                       sort=options.get("sort", "relevance"), facets=facets)
            # to_json() rounds scores to 4 decimals; keep them whole for the comparison.
            responses.append({**response.to_json(),
                              "raw_scores": [hit.score for hit in response.results]})
        return responses


@pytest.fixture(scope="module")
def python_responses(garden: Garden) -> list[dict]:
    return answers_of_the_cli(garden)


def texts_of(note: Note) -> list[str]:
    """Everything of a note that goes through the analyser, raw Markdown included."""
    return [note.text, note.markdown, note.title, note.name, *note.aliases, *note.tags,
            *(heading.text for heading in note.headings)]


def first_difference(expected: list, actual: list) -> int:
    for number, (a, b) in enumerate(zip(expected, actual, strict=False)):
        if a != b:
            return number
    return min(len(expected), len(actual))


def test_javascript_analyser_gives_the_python_terms_for_every_word_of_both_gardens(
        node: str, garden: Garden):
    inputs = [(text, language) for note in garden.notes for text in texts_of(note) if text
              for language in ("fr", "en")]
    lines = [json.dumps({"text": text, "language": language}) for text, language in inputs]
    javascript = run_search_cli(node, garden, lines, "--tokens")
    found = []
    words = 0
    for (text, language), answer in zip(inputs, javascript, strict=True):
        expected = [[t.term, t.surface, t.start, t.end] for t in tokens(normalize(text), language)]
        words += len(expected)
        if answer["tokens"] != expected:
            first = first_difference(expected, answer["tokens"])
            found.append(f"{language} {text[:60]!r}: token {first}: python "
                         f"{expected[first:first + 2]}, javascript "
                         f"{answer['tokens'][first:first + 2]}")
        elif answer["key"] != key(text):
            found.append(f"key of {text[:60]!r}: python {key(text)!r}, "
                         f"javascript {answer['key']!r}")
    assert words > (100 if garden.name == "obsidian" else 1000)  # the small garden: fewer
    assert not found, f"{len(found)} of {len(inputs)} texts differ:\n" + "\n".join(
        found[:MISMATCHES_SHOWN])


# First letters of the terms an excerpt looks for: common, rare, several, a digit.
INITIALS = ("rs", "m", "epn", "c", "l", "d", "3", "xyz")


def test_javascript_skips_the_words_python_skips_when_only_some_initials_are_wanted(
        node: str, garden: Garden):
    """Excerpts analyse only the words that may give a wanted term (``tokens(...,
    initials)``); the browser must skip exactly the same words."""
    inputs = [(note.text, letters) for note in garden.notes[:60] if note.text
              for letters in INITIALS]
    lines = [json.dumps({"text": text, "language": "fr", "initials": sorted(letters)})
             for text, letters in inputs]
    javascript = run_search_cli(node, garden, lines, "--tokens")
    differing = [letters for (text, letters), answer in zip(inputs, javascript, strict=True)
                 if answer["tokens"] != [[t.term, t.surface, t.start, t.end] for t in
                                         tokens(normalize(text), "fr", frozenset(letters))]]
    assert not differing, f"{len(differing)} of {len(inputs)} texts differ"


def ranking_differences(garden: Garden, python: list[dict], javascript: list[dict]) -> list[str]:
    """A readable line per query whose answers differ: total, the notes shown and their
    order, or a score beyond ``SCORE_TOLERANCE``."""
    differences = []
    for line, expected, actual in zip(garden.queries, python, javascript, strict=True):
        python_paths = [hit["path"] for hit in expected["results"]]
        scores_agree = len(expected["raw_scores"]) == len(actual["results"]) and all(
            math.isclose(score, result["score"], rel_tol=SCORE_TOLERANCE,
                         abs_tol=SCORE_TOLERANCE)
            for score, result in zip(expected["raw_scores"], actual["results"], strict=False))
        if not (python_paths == actual["paths"] and scores_agree
                and expected["total"] == actual["total"]):
            differences.append(
                f"{line!r}: python {expected['total']} {python_paths} "
                f"{expected['raw_scores']}, javascript {actual['total']} {actual['paths']} "
                f"{[r['score'] for r in actual['results']]}")
    return differences


def test_browser_engine_ranks_exactly_like_the_cli(garden: Garden, python_responses,
                                                   javascript_responses):
    assert len(garden.queries) >= 45
    differences = ranking_differences(garden, python_responses, javascript_responses)
    assert not differences, f"{len(differences)} of {len(garden.queries)} queries differ:\n" \
        + "\n".join(differences[:MISMATCHES_SHOWN])
    for name in ("suggestion", "warnings", "facets"):
        differing = [(line, p.get(name), j.get(name))
                     for line, p, j in zip(garden.queries, python_responses,
                                           javascript_responses, strict=True)
                     if p.get(name) != j.get(name)]
        assert not differing, f"{name} differ (query, python, javascript): {differing}"


def test_browser_snippets_are_the_cli_snippets(garden: Garden, python_responses,
                                               javascript_responses):
    compared = 0
    found = []
    for line, expected, actual in zip(garden.queries, python_responses, javascript_responses,
                                      strict=True):
        for python_hit, javascript_hit in zip(expected["results"], actual["results"],
                                              strict=False):
            compared += 1
            for name in ("path", "title", "tags", "snippet", "highlights", "section",
                         "anchor", "date", "sections"):
                if python_hit[name] != javascript_hit[name]:
                    found.append(f"{line!r} {name}: python {python_hit[name]!r}, "
                                 f"javascript {javascript_hit[name]!r}")
    assert compared >= sum(len(r["results"]) for r in python_responses)
    assert not found, "\n".join(found[:MISMATCHES_SHOWN])


def test_excerpts_marking_a_hyphenated_word_count_characters_as_python_does(node: str,
                                                                            tmp_path):
    # Offsets are code points on both sides: an emoji before ``e-mail`` is one.
    from museumxtd_search.analysis.snippets import make_snippets
    from museumxtd_search.site.client_index import build_client_index

    script = write_engine(tmp_path)
    texts = ["🎨🎨 Le musée 𝔘 envoie un e-mail 🎨, puis un autre e-mail. Un week-end.",
             "Un e-mail, un email, et l'envoi d'e-mails 🎨 marketing.",
             "🎨 " + "peut-être, " * 40 + "et enfin un e-mail."]
    wanted = ["email", "weekend"]
    rules = build_client_index([], []).manifest["rules"]
    program = (f"const M = require({json.dumps(str(script))});"
               f"M.useRules({json.dumps(rules)});"
               f"for (const text of {json.dumps(texts)}) console.log(JSON.stringify("
               f"M.makeSnippets(text, [], new Set({json.dumps(wanted)})).map("
               "(s) => [s.text, s.highlights])));")
    result = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    expected = [[[snippet.text, [list(h) for h in snippet.highlights]]
                 for snippet in make_snippets(text, [], set(wanted))] for text in texts]
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected
    assert all(snippets[0][1] for snippets in expected)


def test_search_core_defines_a_global_when_loaded_after_snowball_as_classic_scripts(
        node, tmp_path):
    # The page loads snowball.js then search-core.js as classic <script>s: no `module`,
    # `this` is the window, and MXSearch finds MXSnowball there.
    script = write_engine(tmp_path)
    rules = {**client_rules(), "stop_words": {"fr": ["les"], "en": []}, "elisions": ["l"]}
    check = (
        "const vm = require('vm'), fs = require('fs');"
        "const window = {}; vm.createContext(window);"
        "for (const file of process.argv.slice(2))"
        "  vm.runInContext(fs.readFileSync(file, 'utf8'), window);"
        "window.MXSearch.useRules(JSON.parse(process.argv[1]));"
        "process.stdout.write(window.MXSearch.terms(\"Les Réseaux l'évaluation\", 'fr')"
        "  .join(' '));"
    )
    result = subprocess.run(
        [node, "-e", check, json.dumps(rules), str(script.parent / "snowball.js"), str(script)],
        capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.decode("utf-8") == "reseau evalu"


def test_the_browser_engine_holds_no_copy_of_a_python_rule():
    # Every shared rule reaches the browser in the manifest: the engine's sources
    # hold none of their values (weights, caps, thresholds, widths, letters).
    sources = "\n".join(p.read_text(encoding="utf-8") for p in
                        (REPO_ROOT / "site_templates" / "static" / "engine").glob("*.js"))
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", sources, flags=re.DOTALL)
    for name, value in client_rules().items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 3:
            assert not re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", code), name
    assert "titre" not in code and "’" not in code and "œ" not in code


def read_search_file(garden: Garden, name: str) -> dict:
    return read_data_file(garden.search_dir, name)


def test_javascript_looks_up_every_word_and_term_where_the_exporter_wrote_it(
        node: str, garden: Garden):
    # Words shards by first letters, posting buckets by FNV-1a of the UTF-8 bytes: the
    # JavaScript must find every entry in the file that holds it.
    manifest = read_search_file(garden, "manifest")
    depth, buckets = manifest["shard_depth"], manifest["buckets"]
    assert buckets >= 16 and buckets & (buckets - 1) == 0
    assert manifest["filter_buckets"] == filter_bucket_count(buckets)
    placed: list[tuple[str, int | None, str | None]] = []  # text, its bucket, its shard
    for number in range(buckets + manifest["filter_buckets"]):
        placed += [(term, number, None)
                   for table in read_search_file(garden, f"post-{number}").values()
                   for term in table]
    for name in manifest["shards"]:
        placed += [(word, None, name)
                   for table in read_search_file(garden, f"words-{name}").values()
                   for word in table]
    placed += [(text, None, None) for text in UNUSUAL_TEXTS]
    answers = run_search_cli(node, garden, [json.dumps({"text": text}) for text, _, _ in placed],
                             "--places")
    wrong = []
    for (text, bucket, shard), answer in zip(placed, answers, strict=True):
        expected = {"bucket": posting_bucket(text, buckets) if bucket is None else bucket,
                    "shard": shard_key(text, depth) if shard is None else shard}
        if answer != expected:
            wrong.append(f"{text!r}: exporter {expected}, javascript {answer}")
    assert len(placed) > (100 if garden.name == "obsidian" else 1000)
    assert not wrong, f"{len(wrong)} of {len(placed)} misplaced:\n" + "\n".join(
        wrong[:MISMATCHES_SHOWN])


def test_filter_terms_have_buckets_of_their_own_which_a_query_of_words_never_reads(
        garden: Garden):
    manifest = read_search_file(garden, "manifest")
    buckets, filter_buckets = manifest["buckets"], manifest["filter_buckets"]
    for number in range(buckets + filter_buckets):
        fields = set(read_search_file(garden, f"post-{number}"))
        if number < buckets:
            assert FILTER_FIELD not in fields
        else:
            assert fields <= {FILTER_FIELD}


def test_a_first_query_fetches_its_words_shards_and_one_bucket_per_term(
        node: str, garden: Garden):
    manifest = read_search_file(garden, "manifest")
    depth, buckets = manifest["shard_depth"], manifest["buckets"]
    text = "réseaux sociaux"
    found = tokens(normalize(text))
    words = {fold(t.surface) for t in found} | {key(text)}  # the title key ranks too
    looked_up = {*terms(text), *terms(text, "en"),
                 *(t.surface for t in found if not t.surface.isascii())}  # exact words
    expected = {"manifest",
                *(f"words-{shard_key(w, depth)}" for w in words
                  if shard_key(w, depth) in manifest["shards"]),
                *(f"post-{posting_bucket(t, buckets)}" for t in looked_up)}
    [answer] = run_search_cli(node, garden, [text])
    assert answer["total"] > 0 and answer["suggestion"] is None
    assert answer["files"] == sorted(expected)
