"""Facets, several tags and sorting on the exported search page, in headless Chromium:
the results and the counts it shows are the CLI's JSON answer to the same search."""

from __future__ import annotations

import json

import pytest
from browser_support import serve
from click.testing import CliRunner
from obsidian_garden import write_garden

from museumxtd_search.cli import cli
from museumxtd_search.site.export import export_site

pytestmark = pytest.mark.browser

FACETS_CONFIG = '[search]\nfacets = ["type", "année"]\n'


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facets-site")
    notes = write_garden(folder / "notes", FACETS_CONFIG)
    export_site(notes, folder / "site")
    return folder


@pytest.fixture(scope="module")
def site_url(garden):
    with serve(garden / "site") as url:
        yield url


def cli_answer(garden, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["query", "--notes", str(garden / "notes"), "--index",
                                      str(garden / "index"), "--json", "--facets", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def wait_for_results(page) -> None:
    """Until the results, then the facets counted over them (they follow the results,
    which never wait for the notes file), are shown."""
    page.wait_for_function(
        """() => document.getElementById('search-results').getAttribute('aria-busy') === 'false'
                 && document.querySelector('.mxsearch-facets')
                      .getAttribute('aria-busy') !== 'true'""",
        timeout=10_000)


def shown(page) -> dict:
    """What the page shows: result paths and dates, and the facets with their counts."""
    return page.evaluate("""() => ({
        paths: [...document.querySelectorAll('#search-results li > a[data-path]')]
            .map(a => a.getAttribute('data-path')),
        dates: [...document.querySelectorAll('#search-results .mxsearch-date')]
            .map(t => t.getAttribute('datetime')),
        facets: Object.fromEntries([...document.querySelectorAll('#search-facets [data-facet]')]
            .map(g => [g.getAttribute('data-facet'), [...g.querySelectorAll('[data-value]')]
                .map(b => [b.getAttribute('data-value'), Number(b.getAttribute('data-count'))])])),
    })""")


def expected(answer: dict) -> dict:
    return {"paths": [hit["path"] for hit in answer["results"]],
            "dates": [hit["date"] for hit in answer["results"]],
            "facets": {name: values for name, values in answer["facets"].items() if values}}


def type_query(page, query: str) -> None:
    page.fill("#search-input", query)
    page.wait_for_function(
        "q => document.getElementById('search-results').getAttribute('data-query') === q",
        arg=query, timeout=10_000)
    wait_for_results(page)


def test_facet_counts_and_results_are_the_cli_json(page, site_url, garden):
    page.goto(site_url + "search/index.html")
    type_query(page, "musée")
    assert shown(page) == expected(cli_answer(garden, "musée"))
    assert shown(page)["facets"]["tags"]  # there is something to compare
    assert page.errors == []


def test_picking_tags_all_of_then_any_of(page, site_url, garden):
    page.goto(site_url + "search/index.html")
    type_query(page, "musée")
    page.click("#search-facets [data-facet=tags] [data-value=projet]")
    wait_for_results(page)
    assert shown(page) == expected(cli_answer(garden, "musée", "--tag", "projet"))
    page.click("#search-facets [data-facet=tags] [data-value=lecture]")
    wait_for_results(page)
    assert shown(page) == expected(cli_answer(garden, "musée", "--tag", "projet",
                                              "--tag", "lecture"))
    page.select_option("#search-tag-mode", "any")
    wait_for_results(page)
    assert shown(page) == expected(cli_answer(garden, "musée", "--tag", "projet",
                                              "--tag", "lecture", "--any-tag"))
    assert page.errors == []


def test_picking_a_declared_property_facet(page, site_url, garden):
    page.goto(site_url + "search/index.html")
    type_query(page, "collections")
    page.click("#search-facets [data-facet=type] [data-value=article]")
    wait_for_results(page)
    assert shown(page) == expected(cli_answer(garden, 'collections [type:"article"]'))
    assert page.errors == []


def test_sorting_by_date(page, site_url, garden):
    page.goto(site_url + "search/index.html")
    type_query(page, "musée")
    page.select_option("#search-sort", "date")
    wait_for_results(page)
    page_shows = shown(page)
    assert page_shows == expected(cli_answer(garden, "musée", "--sort", "date"))
    assert page_shows["dates"] == sorted(page_shows["dates"], reverse=True)
    assert page.errors == []


def test_a_result_links_to_its_other_sections(page, site_url):
    page.goto(site_url + "search/index.html")
    type_query(page, "numérisation 3D")
    links = page.eval_on_selector_all(
        "#search-results li:first-child .mxsearch-subresult-link",
        "links => links.map(a => [a.textContent, a.getAttribute('href')])")
    assert [text for text, _ in links] == ["§ Numérisation des collections", "§ Méthodes"]
    assert all(href.endswith(("#numerisation-des-collections", "#methodes"))
               for _, href in links)


@pytest.mark.parametrize("query", ["tag:lecture OR réseaux", "(tag:lecture OR path:projets) musée",
                                   "(budget numérisation) OR réseaux"])
def test_groups_and_or_between_filters_are_the_cli_json(page, site_url, garden, query):
    page.goto(site_url + "search/index.html")
    type_query(page, query)
    assert shown(page) == expected(cli_answer(garden, query))
    assert shown(page)["paths"]
    assert page.errors == []


def test_a_note_made_only_of_properties_shows_them_highlighted(page, site_url):
    page.goto(site_url + "search/index.html")
    type_query(page, "malraux")
    excerpt = page.text_content("#search-results li:first-child")
    assert "auteur: André Malraux, Jean Dupont" in excerpt
    marked = page.eval_on_selector_all("#search-results li:first-child mark",
                                       "marks => marks.map(m => m.textContent)")
    assert "Malraux" in marked
