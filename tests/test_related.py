"""Related notes (``related``): the closest notes to one, each with true reasons.

A tiny garden written here holds each signal alone; the real MuseumXTD garden (skipped
when absent) proves every note gets results, never itself, and every reason is true.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from museumxtd_search.analysis.documents import analyze_note
from museumxtd_search.analysis.pipeline import terms
from museumxtd_search.api import Garden, UnknownNoteError
from museumxtd_search.cli import cli
from museumxtd_search.engine.related import RelatedNotes
from museumxtd_search.text.keys import key
from museumxtd_search.vault.reading import read_vault

GARDEN = {
    "Notes/Inventaire.md": "---\ntags: [collections, numérique]\naliases: [Récolement]\n---\n"
                           "# Inventaire\n\nL'inventaire des collections passe par la "
                           "numérisation. Numérisation, inventaire, récolement.\n"
                           "Voir [[Numérisation]].\n",
    "Notes/Numérisation.md": "---\ntags: [numérique]\n---\n# Numérisation\n\nLa numérisation "
                             "des collections et leur inventaire.\n",
    "Notes/Photographie.md": "---\ntags: [collections, numérique]\n---\n# Photographie\n\n"
                             "Photographier chaque objet.\n",
    "Notes/Bibliographie.md": "# Bibliographie\n\nLire [[Inventaire]] et [[Numérisation]].\n",
    "Notes/Cuisine.md": "# Cuisine\n\nUne recette de tarte aux pommes.\n",
    "Autre/Seule.md": "# Seule\n\nRien en commun.\n",
    "Notes/Brouillon.md": "---\nsearch: false\ntags: [collections, numérique]\n---\n"
                          "Inventaire et numérisation des collections. [[Inventaire]]\n",
}


@pytest.fixture
def garden(make_vault, tmp_path):
    return Garden(make_vault(GARDEN), index=tmp_path / "index")


def reasons_of(response) -> dict[str, tuple[str, ...]]:
    return {near.path: near.reasons for near in response.results}


def test_related_notes_come_with_their_reasons(garden):
    response = garden.related("Inventaire", limit=10)
    assert response.note == "Notes/Inventaire.md"
    found = reasons_of(response)
    numerisation = found["Notes/Numérisation.md"]
    assert "linked from it" in numerisation and "links to it" not in numerisation
    assert "1 shared tag" in numerisation
    shared = next(r for r in numerisation if r.startswith("shared: "))
    assert "numérisation" in shared  # spelt as the note writes it, not a stem
    assert "2 shared tags" in found["Notes/Photographie.md"]
    assert "links to it" in found["Notes/Bibliographie.md"]


def test_a_note_is_never_its_own_related_note_nor_is_a_note_kept_out_of_search(garden):
    for name in ("Inventaire", "Numérisation", "Photographie", "Bibliographie", "Cuisine"):
        paths = [near.path for near in garden.related(name, limit=50).results]
        assert f"Notes/{name}.md" not in paths
        assert "Notes/Brouillon.md" not in paths


def test_notes_both_linking_to_one_are_related_and_say_which(garden):
    # Bibliographie and Inventaire both link to Numérisation.
    found = reasons_of(garden.related("Bibliographie", limit=10))
    assert "both link to « Numérisation »" in found["Notes/Inventaire.md"]


def test_notes_cited_together_are_related(garden):
    found = reasons_of(garden.related("Numérisation", limit=10))
    assert "cited with it by « Bibliographie »" in found["Notes/Inventaire.md"]


def test_a_note_with_nothing_in_common_still_gets_its_folder(garden):
    found = reasons_of(garden.related("Cuisine", limit=3))
    assert found and all(reasons == ("same folder",) for reasons in found.values())
    assert all(path.startswith("Notes/") for path in found)


def test_the_note_is_named_by_title_alias_or_path_as_links_are(garden):
    for name in ("inventaire", "Récolement", "recolement", "Notes/Inventaire.md",
                 "Notes/Inventaire"):
        assert garden.related(name).note == "Notes/Inventaire.md"
    with pytest.raises(UnknownNoteError):
        garden.related("Nulle part")


def test_results_are_ordered_best_first_and_limited(garden):
    results = garden.related("Inventaire", limit=2).results
    assert len(results) == 2
    assert results[0].score >= results[1].score


def test_related_command_prints_json(garden):
    result = CliRunner().invoke(cli, ["related", "Inventaire", "--notes", str(garden.notes),
                                      "--index", str(garden.index_dir), "--json", "--limit",
                                      "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["note"] == "Notes/Inventaire.md"
    assert len(data["results"]) == 3
    assert set(data["results"][0]) == {"path", "title", "score", "reasons"}


def test_related_command_for_people(garden):
    result = CliRunner().invoke(cli, ["related", "Numérisation", "--notes",
                                      str(garden.notes), "--index", str(garden.index_dir)])
    assert result.exit_code == 0, result.output
    assert "notes related to « Numérisation » (Notes/Numérisation.md)" in result.stdout
    assert " 1. " in result.stdout


def test_related_command_on_an_unknown_note_is_one_line_and_exit_2(run_museumxtd, garden):
    done = run_museumxtd("related", "Nulle part", "--notes", str(garden.notes),
                         "--index", str(garden.index_dir))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no note named 'Nulle part'" in done.stderr
    assert "Traceback" not in done.stderr


def test_related_uses_the_index_snapshot_and_gives_the_same_answer(garden):
    before = garden.related("Inventaire", limit=10).to_json()
    garden.index(full=True)
    assert garden.related("Inventaire", limit=10).to_json() == before


# --- the real garden ---------------------------------------------------------------------

def check_reasons_true(model, mine, near, vault, resolved) -> None:
    """Every reason of ``near`` (related to ``mine``) holds in the garden itself."""
    other = model.notes[near.path]
    mine_links = {r.target_path for r in resolved[mine.note.path] if r.is_note}
    other_links = {r.target_path for r in resolved[near.path] if r.is_note}
    for reason in near.reasons:
        if reason == "linked from it":
            assert near.path in mine_links
        elif reason == "links to it":
            assert mine.note.path in other_links
        elif match := re.fullmatch(r"(\d+) shared tags?", reason):
            shared = {key(t) for t in mine.note.tags} & {key(t) for t in other.note.tags}
            assert len(shared) == int(match.group(1))
        elif reason.startswith("shared: "):
            words = reason.removeprefix("shared: ").split(", ")
            for word in words:
                stems = set(terms(word)) | set(terms(word, "en"))
                mine_terms = {t for f in mine.fields.values() for t in f}
                other_terms = {t for f in other.fields.values() for t in f}
                assert stems & mine_terms and stems & other_terms, (word, reason)
        elif reason.startswith("both link to"):
            assert mine_links & other_links - {mine.note.path, near.path}
        elif reason.startswith("cited with it by"):
            assert any(mine.note.path in links and near.path in links
                       for links in ({r.target_path for r in found if r.is_note}
                                     for found in resolved.values()))
        elif reason == "same folder":
            assert mine.note.folder == other.note.folder
        else:
            pytest.fail(f"unknown reason {reason!r}")


def test_every_note_of_the_real_garden_gets_true_related_notes(corpus_dir):
    vault = read_vault(corpus_dir)
    resolved = {note.path: vault.links.resolve_all(note) for note in vault.notes}
    analyzed = [analyze_note(n, resolved[n.path], vault.links)
                for n in vault.notes if n.searchable]
    model = RelatedNotes(analyzed)
    for mine in analyzed:
        results = model.related(mine, limit=5)
        assert results, mine.note.path
        assert mine.note.path not in {near.path for near in results}
        assert [near.score for near in results] == sorted((n.score for n in results),
                                                          reverse=True)
        for near in results:
            assert near.reasons
            check_reasons_true(model, mine, near, vault, resolved)
