"""The Python API does what the commands do, with the same names (museumxtd_search.api)."""

from __future__ import annotations

import json

import pytest

import museumxtd_search as mxs

GARDEN = {
    "Accueil.md": "---\ntags: [guide]\n---\n# Accueil\n\n"
                  "Voir [[Réseaux sociaux]] et [[Absente]].\n",
    "Réseaux sociaux.md": "# Réseaux sociaux\n\nLes réseaux sociaux des musées.\n",
    "Brouillon/Idée.md": "# Idée\n\nLes réseaux, plus tard.\n",
}


@pytest.fixture
def garden(make_vault, tmp_path) -> mxs.Garden:
    return mxs.Garden(make_vault(GARDEN), tmp_path / "index", exclude=["Brouillon"])


def test_a_garden_is_indexed_then_queried_like_the_commands(garden):
    summary = garden.index()
    assert summary.full and summary.notes == 2
    response = garden.query("reseaux sociaux")
    assert [hit.path for hit in response.results][0] == "Réseaux sociaux.md"
    assert json.dumps(response.to_json(), ensure_ascii=False)  # the --json twin


def test_query_refreshes_the_index_and_says_so(garden, make_vault):
    garden.index()
    make_vault({"Nouvelle.md": "# Nouvelle\n\nUn ornithorynque.\n"})
    events: list[tuple[str, object]] = []
    response = garden.query("ornithorynque", on_refresh=lambda *event: events.append(event))
    assert [hit.path for hit in response.results] == ["Nouvelle.md"]
    assert [name for name, _ in events] == ["stale", "built"]
    assert events[0][1] == ["Nouvelle.md"]
    assert garden.query("ornithorynque", on_refresh=lambda *event: events.append(event))
    assert len(events) == 2  # nothing changed: no refresh


def test_links_list_every_link_and_whether_it_resolves(garden):
    rows = garden.links()
    assert [(row.target, row.resolved) for row in rows] == [
        ("Réseaux sociaux", "Réseaux sociaux.md"), ("Absente", None)]
    assert [row.broken for row in rows] == [False, True]
    assert rows[1].to_json()["source"] == "Accueil.md"


def test_export_then_check_say_the_site_and_index_are_fresh(garden, tmp_path):
    garden.index(full=True)
    summary = garden.export(tmp_path / "site")
    assert summary.notes == 2 and (tmp_path / "site" / "index.html").is_file()
    assert all(result.fresh for result in garden.check(site=tmp_path / "site"))


def test_a_missing_notes_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="notes folder not found"):
        mxs.open_garden(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="notes folder not found"):
        mxs.Garden(tmp_path / "absent").query("x")
