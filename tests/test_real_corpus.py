"""End to end on the real MuseumXTD garden (199 notes, read-only).

Every test here skips when ``../shared/corpus/museumxtd`` is absent.
"""

from __future__ import annotations

import json
import os

import pytest

from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.text.keys import key
from museumxtd_search.vault.reading import read_vault

CORPUS_NOTES = 199
AIDE_A_LA_DECISION = "Notes/Réseaux sociaux et musées. Aide à la décision.md"
DIGITIZATION = "Notes/Digitization of Museum Collections.md"
EVALUATION_NOTES = {
    "Notes/L’évaluation dans la culture. Pourquoi et comment évaluer.md",
    "Notes/Comment évaluer un projet numérique.md",
    "Notes/Évaluation finale du projet.md",
}


@pytest.fixture(scope="module")
def corpus_vault(corpus_dir):
    return read_vault(corpus_dir)


@pytest.fixture(scope="module")
def corpus_searcher(corpus_build):
    _, index_dir = corpus_build
    with GardenSearcher(index_dir) as opened:
        yield opened


def top(searcher, query: str, count: int = 3) -> list[str]:
    return [hit.path for hit in searcher.search(query, limit=count).results]


# --- reading and indexing ------------------------------------------------------------


def test_real_corpus_indexes_all_199_notes_with_warnings_only(corpus_build, corpus_dir):
    summary, _ = corpus_build
    assert (summary.notes, summary.added) == (CORPUS_NOTES, CORPUS_NOTES)
    for warning in summary.warnings:
        path = warning.split(":", 1)[0]
        assert (corpus_dir / path).is_file(), warning


def test_every_markdown_file_of_the_corpus_is_a_note(corpus_vault, corpus_dir):
    on_disk = set()
    for folder, dirs, files in os.walk(corpus_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        relative = os.path.relpath(folder, corpus_dir).replace(os.sep, "/")
        on_disk |= {(name if relative == "." else f"{relative}/{name}")
                    for name in files if name.endswith(".md") and not name.startswith(".")}
    assert {note.path for note in corpus_vault.notes} == on_disk
    assert len(on_disk) == CORPUS_NOTES


def test_site_name_is_never_a_corpus_note_title(corpus_vault):
    assert [n.path for n in corpus_vault.notes if key(n.title) == "museumxtd"] == []


def test_corpus_links_with_labels_and_headings_resolve(corpus_vault):
    resolved = [r for note in corpus_vault.notes for r in corpus_vault.links.resolve_all(note)]
    labelled = [r for r in resolved if r.link.label]
    with_heading = [r for r in resolved if r.link.heading and r.link.target]
    assert labelled and with_heading
    assert sum(not r.broken for r in labelled) / len(labelled) > 0.9
    assert sum(not r.broken for r in with_heading) / len(with_heading) > 0.9


def test_corpus_missing_image_embeds_are_broken_links(corpus_vault):
    embeds = [r for note in corpus_vault.notes for r in corpus_vault.links.resolve_all(note)
              if r.link.embed and r.link.target.lower().endswith(".png")]
    assert embeds and all(r.broken and not r.is_note for r in embeds)


# --- searching -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["reseaux sociaux", "réseaux sociaux", "Réseaux sociaux"])
def test_reseaux_sociaux_finds_the_decision_aid_in_the_top_3(corpus_searcher, query):
    assert AIDE_A_LA_DECISION in top(corpus_searcher, query)


def test_exact_corpus_title_comes_first(corpus_searcher):
    assert top(corpus_searcher, "Réseaux sociaux et musées. Aide à la décision", 1) == \
        [AIDE_A_LA_DECISION]


@pytest.mark.parametrize("query", ["l'évaluation", "l’évaluation", "evaluation"])
def test_evaluation_finds_the_evaluation_notes_first(corpus_searcher, query):
    assert set(top(corpus_searcher, query)) == EVALUATION_NOTES


def test_digitization_finds_the_english_note_first(corpus_searcher):
    assert top(corpus_searcher, "digitization", 1) == [DIGITIZATION]


def test_corpus_result_paths_exist(corpus_searcher, corpus_dir):
    for hit in corpus_searcher.search("musée numérique", limit=50).results:
        assert (corpus_dir / hit.path).is_file()
        assert hit.title != "MuseumXTD"


# --- the command line on the corpus --------------------------------------------------


def test_query_command_on_the_corpus(run_museumxtd, corpus_dir, corpus_build):
    _, index_dir = corpus_build
    result = run_museumxtd("query", "--notes", str(corpus_dir), "--index", str(index_dir),
                           "--json", "reseaux sociaux")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the index is fresh: nothing rebuilt
    paths = [hit["path"] for hit in json.loads(result.stdout)["results"]]
    assert AIDE_A_LA_DECISION in paths[:3]


def test_links_strict_fails_on_the_corpus_broken_links(run_museumxtd, corpus_dir, corpus_vault):
    from museumxtd_search.vault.references import dead_references

    broken = len(dead_references(corpus_vault.links, corpus_vault.notes))
    result = run_museumxtd("links", "--notes", str(corpus_dir), "--broken", "--json", "--strict")
    assert result.returncode == 1
    assert json.loads(result.stdout)["broken"] == broken > 0
