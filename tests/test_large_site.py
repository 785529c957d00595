"""A large garden in the browser: 10,000 synthetic notes exported with a sharded client
index rank in Chromium like the CLI, a query fetches a small part of the index, and
hostile notes hidden among them execute nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_support import serve
from test_browser_site import PARITY_QUERIES, PAYLOAD, browser_and_cli_tops, result_paths
from test_client_parity import (
    COMMON_QUERIES,
    Garden,
    answers_of_the_cli,
    ranking_differences,
    run_search_cli,
)

from museumxtd_search.index.build import build_index
from museumxtd_search.site.export import export_site
from museumxtd_search.site.search_files import read_data_file

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared/corpus/museumxtd"
SIZE = 10_000
LARGE_QUERIES = PARITY_QUERIES + [
    "stratégie numérique", "médiation numérique", "exposition virtuelle", "projet agile",
    "transition écologique", "formation compétences", "site web", "numérique -digital",
    "numéris*", "tag:ressource", "évaluation des publics", "réalité virtuelle"]

pytestmark = pytest.mark.browser


def _generator():
    spec = importlib.util.spec_from_file_location(
        "synthetic_garden", REPO_ROOT / "benchmarks" / "synthetic_garden.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """A 10,000-note garden (from the real corpus' words when present) with two hostile
    notes, exported and indexed."""
    work = tmp_path_factory.mktemp("large")
    garden = work / "garden"
    source = CORPUS_DIR if CORPUS_DIR.is_dir() else REPO_ROOT / "notes"
    _generator().generate(source, garden, SIZE, seed=3)
    (garden / "Zzz").mkdir()
    (garden / "Zzz" / "Evil.md").write_text(
        f"---\ntitle: 'Ornithorynque {PAYLOAD}'\ntags: [\"{PAYLOAD}\"]\n---\n"
        f"# Ornithorynque {PAYLOAD}\n\nLe tamanoir {PAYLOAD} "
        "[clic](javascript:window.__xss=1) [[Notes|<b onmouseover=window.__xss=1>x</b>]]\n",
        encoding="utf-8")
    (garden / "Zzz" / "Autre.md").write_text(
        f"# Tamanoir\n\n<script>window.__xss=1</script> ornithorynque {PAYLOAD}\n",
        encoding="utf-8")
    export_site(garden, work / "site")
    build_index(garden, work / "index", full=True)
    return work


def test_the_large_client_index_is_sharded(large):
    manifest = read_data_file(large / "site" / "search", "manifest")
    assert manifest["doc_count"] == SIZE + 2
    assert manifest["shard_depth"] == 2 and manifest["buckets"] >= 2048


def test_the_browser_shows_the_cli_results_in_order_on_a_sharded_10k_site(large, browser):
    tops = browser_and_cli_tops(browser, large / "site", large / "index", LARGE_QUERIES)
    differences = [top for top in tops if top[1] != top[2]]
    assert not differences, differences


def test_the_browser_engine_answers_exactly_like_the_cli_on_10k_notes(large, node):
    # Same totals, notes, order, suggestions and snippets; scores equal to 1e-9.
    garden = Garden("10k", (), large / "site" / "search", large / "index",
                    tuple(COMMON_QUERIES + LARGE_QUERIES))
    python = answers_of_the_cli(garden)
    javascript = run_search_cli(node, garden, garden.queries)
    differences = ranking_differences(garden, python, javascript)
    assert not differences, "\n".join(differences[:10])
    for expected, actual in zip(python, javascript, strict=True):
        assert (expected["suggestion"], expected["warnings"]) == \
            (actual["suggestion"], actual["warnings"])
        for python_hit, javascript_hit in zip(expected["results"], actual["results"],
                                              strict=True):
            assert {k: python_hit[k] for k in ("snippet", "highlights", "section")} == \
                {k: javascript_hit[k] for k in ("snippet", "highlights", "section")}


def test_a_query_on_the_large_site_fetches_a_small_part_of_its_index(large, browser):
    index_bytes = sum(p.stat().st_size for p in (large / "site" / "search").rglob("*")
                      if p.is_file())
    fetched: dict[str, int] = {}
    page = browser.new_page()

    def record(response) -> None:
        if "/search/" in response.url and not response.url.endswith(".html"):
            fetched[response.url] = len(response.body())

    page.on("response", record)
    with serve(large / "site") as url:
        page.goto(url + "search/index.html")
        assert result_paths(page, "réseaux sociaux")
    page.close()
    assert len(fetched) <= 40
    assert sum(fetched.values()) < index_bytes / 100


def test_hostile_notes_in_a_large_garden_execute_nothing(large, browser):
    page = browser.new_page()
    with serve(large / "site") as url:
        page.goto(url + "search/index.html?q=" + quote(PAYLOAD + " ornithorynque"))
        page.wait_for_function("document.getElementById('search-results')"
                               ".getAttribute('aria-busy') === 'false'", timeout=20_000)
        found = result_paths(page, "ornithorynque tamanoir")
        assert set(found) == {"Zzz/Evil.md", "Zzz/Autre.md"}
        page.hover("#search-results")
        for link in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            assert not link.lower().startswith("javascript:")
        page.click("#search-results a[data-path='Zzz/Evil.md']")
        page.wait_for_load_state()
        page.mouse.move(10, 10)
        page.click("body")
        assert page.evaluate("window.__xss") is None
    page.close()
