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


def _searches(monkeypatch) -> list[str]:
    """The build (or update) each search of the index answered from, in order."""
    from museumxtd_search.index.searcher import GardenSearcher

    answered: list[str] = []
    search = GardenSearcher.search

    def counted(self, *args, **options):
        answered.append(self.build)
        return search(self, *args, **options)

    monkeypatch.setattr(GardenSearcher, "search", counted)
    return answered


def test_while_the_notes_are_listed_the_query_answers_from_the_live_index(
        garden, stale_check_forks, monkeypatch):
    garden.index()
    answered = _searches(monkeypatch)
    events: list[tuple[str, object]] = []
    response = garden.query("reseaux", on_refresh=lambda *event: events.append(event))
    assert len(answered) == 1 and events == []  # nothing changed: that answer stands
    assert response == garden.query("reseaux", refresh=False)


def test_an_answer_found_while_the_notes_changed_is_searched_again(garden, make_vault,
                                                                   stale_check_forks, monkeypatch):
    garden.index()
    make_vault({"Nouvelle.md": "# Nouvelle\n\nUn ornithorynque.\n"})
    answered = _searches(monkeypatch)
    events: list[tuple[str, object]] = []
    response = garden.query("ornithorynque", on_refresh=lambda *event: events.append(event))
    assert [hit.path for hit in response.results] == ["Nouvelle.md"]
    assert [name for name, _ in events] == ["stale", "built"]
    assert len(answered) == 2 and answered[0] != answered[1]


@pytest.mark.parametrize("full", [True, False], ids=["rebuilt", "updated"])
def test_an_answer_from_an_index_another_process_changed_meanwhile_is_searched_again(
        garden, make_vault, stale_check_forks, monkeypatch, full):
    garden.index()
    answered = _searches(monkeypatch)
    from museumxtd_search.index import freshness

    result = freshness.StaleCheck.result

    def another_process_builds(check):
        found = result(check)
        # As another query or index command would, after the child listed the notes.
        make_vault({"Nouvelle.md": "# Nouvelle\n\nDes réseaux d'ornithorynques.\n"})
        garden.index(full=full)
        return found

    monkeypatch.setattr(freshness.StaleCheck, "result", another_process_builds)
    response = garden.query("reseaux")
    assert "Nouvelle.md" in [hit.path for hit in response.results]
    assert len(answered) == 2 and answered[0] != answered[1]


def test_an_index_that_fails_to_answer_fails_the_query_as_before(garden, stale_check_forks,
                                                                 monkeypatch):
    garden.index()
    from museumxtd_search.engine.storage.reader import IndexFormatError
    from museumxtd_search.index.searcher import GardenSearcher

    def damaged(self, *args, **options):
        raise IndexFormatError("bad postings tag")

    monkeypatch.setattr(GardenSearcher, "search", damaged)
    with pytest.raises(IndexFormatError, match="bad postings tag"):
        garden.query("reseaux")


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
