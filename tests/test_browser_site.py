"""The exported site in a real browser: search as you type, deep links, keyboard,
note highlighting, file:// use, parity with the CLI, and hostile input executing nothing."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_support import serve

from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.site.export import export_site

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO_ROOT / "notes"
CORPUS_DIR = REPO_ROOT.parent / "shared/corpus/museumxtd"

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=1</script>"


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    export_site(BUNDLED_NOTES, out)
    return out


@pytest.fixture(scope="module")
def bundled_url(bundled_site):
    with serve(bundled_site) as url:
        yield url


def result_paths(page, query: str, tag: str = "") -> list[str]:
    """Type ``query`` into the search page and return the result paths in rank order."""
    page.fill("#search-input", query)
    if tag:
        page.select_option("#search-tag", tag)
    page.wait_for_function(
        "q => document.getElementById('search-results').getAttribute('data-query') === q "
        "&& document.getElementById('search-results').getAttribute('aria-busy') === 'false'",
        arg=query.strip(), timeout=10_000)
    return page.eval_on_selector_all("#search-results a[data-path]",
                                     "links => links.map(a => a.getAttribute('data-path'))")


def test_accentless_query_shows_the_accented_note_first(page, bundled_url):
    page.goto(bundled_url + "search/index.html")
    paths = result_paths(page, "reseaux sociaux")
    assert paths[0] == "Notes/Réseaux sociaux et musées.md"
    excerpt = page.inner_html("#search-results li:first-child .mxsearch-excerpt")
    assert "<mark>" in excerpt
    assert page.errors == []


def test_partial_last_word_already_finds_the_whole_word(page, bundled_url):
    page.goto(bundled_url + "search/index.html")
    assert "Notes/Stratégie numérique.md" in result_paths(page, "strat")[:3]


def test_typo_shows_the_corrected_query(page, bundled_url):
    page.goto(bundled_url + "search/index.html")
    paths = result_paths(page, "strategie numerque")
    assert paths and "stratégie numérique" in page.inner_text("#search-status")


def test_deep_link_runs_the_search_and_the_url_follows_typing(page, bundled_url):
    page.goto(bundled_url + "search/index.html?q=" + quote("l'évaluation"))
    page.wait_for_selector("#search-results a[data-path]")
    assert page.input_value("#search-input") == "l'évaluation"
    result_paths(page, "médiation")
    page.wait_for_url(re.compile(r"q=m%C3%A9diation"), timeout=5_000)


# Types ``query`` and clicks the first result as soon as it shows, within milliseconds
# (in the next task: the promise settles first, so the navigation the click starts
# cannot tear the page down under ``evaluate``'s answer).
_TYPE_AND_FOLLOW_FIRST_RESULT = """
(query) => new Promise((resolve) => {
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  new MutationObserver((changes, observer) => {
    const link = list.querySelector("li > a[data-path]");
    if (list.getAttribute("data-query") === query && link) {
      observer.disconnect();
      resolve();
      setTimeout(() => link.click(), 0);
    }
  }).observe(list, {attributes: true, childList: true});
  input.value = query;
  input.dispatchEvent(new Event("input", {bubbles: true}));
})
"""


def test_following_a_result_at_once_still_leaves_the_query_for_back(page, bundled_url):
    # The address bar waits for typing to pause; leaving the page must not lose it.
    page.goto(bundled_url + "search/index.html")
    result_paths(page, "musée")  # the index is loaded
    page.evaluate(_TYPE_AND_FOLLOW_FIRST_RESULT, "musées")
    page.wait_for_selector("article.note")
    page.go_back()
    assert "q=mus%C3%A9es" in page.url
    page.wait_for_selector("#search-results a[data-path]")
    assert page.input_value("#search-input") == "musées"


def test_keyboard_slash_focuses_search_and_arrows_enter_open_a_result(page, bundled_url):
    page.goto(bundled_url + "all/index.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "header-q"
    page.goto(bundled_url + "search/index.html")
    page.click("body")
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "search-input"
    paths = result_paths(page, "accessibilité")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('data-path')")
    assert focused == paths[1]
    page.keyboard.press("Enter")
    page.wait_for_selector("article.note")
    assert page.get_attribute("article.note", "data-path") == paths[1]


def test_opened_result_highlights_the_query_words_until_cleared(page, bundled_url):
    page.goto(bundled_url + "search/index.html")
    result_paths(page, "feuille de route")
    link = page.locator("#search-results a[data-path='Notes/Stratégie numérique.md']")
    assert "#feuille-de-route" in link.get_attribute("href")
    link.click()
    page.wait_for_selector(".note-body mark")
    assert page.locator(".note-body mark").count() >= 2
    page.click(".clear-highlight")
    assert page.locator(".note-body mark").count() == 0


def test_search_works_from_disk_without_a_server(page, bundled_site):
    page.goto((bundled_site / "search" / "index.html").as_uri() + "?q=musees")
    page.wait_for_selector("#search-results a[data-path]", timeout=10_000)
    assert page.locator("#search-results a[data-path]").count() > 0


# The number of results the search page shows.
SHOWN = 10
PARITY_QUERIES = [
    "réseaux sociaux", "reseaux sociaux", "RÉSEAUX", "musées", "musee", "collection",
    "collections", "numérisation", "numerisation des collections", "l'évaluation",
    "l’évaluation", "évaluer un projet", "indicateurs", "strategie numerique",
    "stratégie digitale", "médiation", "mediation numerique", "accessibilité handicap",
    "accessibilite", "open data", "données ouvertes", "SEO", "référencement", "podcast",
    "newsletter", "droits d'auteur", "crowdsourcing", "inventaire", "archivage",
    "publics", "expositions virtuelles", "3D", "digitization collections",
    "social media metrics", "open access images", "museums digitizing", "strat",
    "numéri", "mediaton", "strategie numerque", "\"réseaux sociaux\"",
    "médiation OR podcast", "musée -numérique", "title:stratégie", "collections tag:guide",
    "feuille de route", "gestion des collections", "wikipédia", "RGPD", "publics jeunes",
]


def browser_and_cli_tops(browser, site: Path, index: Path,
                         queries: list[str]) -> list[tuple[str, list[str], list[str]]]:
    """(query, the notes the page shows in order, the CLI's first as many) for each
    query typed into ``site``'s search page."""
    tops = []
    page = browser.new_page()
    with serve(site) as url, GardenSearcher(index) as searcher:
        page.goto(url + "search/index.html")
        for query in queries:
            shown = result_paths(page, query)
            tops.append((query, shown,
                         [hit.path for hit in searcher.search(query, limit=SHOWN).results]))
    page.close()
    return tops


@pytest.mark.parametrize("garden", ["bundled", "corpus"])
def test_the_browser_shows_the_cli_results_in_the_cli_order(garden, browser,
                                                            tmp_path_factory):
    notes = BUNDLED_NOTES if garden == "bundled" else CORPUS_DIR
    if not notes.is_dir():
        pytest.skip("real corpus absent")
    work = tmp_path_factory.mktemp(f"parity-{garden}")
    export_site(notes, work / "site")
    build_index(notes, work / "index", full=True)
    queries = PARITY_QUERIES if garden == "bundled" else PARITY_QUERIES + [
        "marketing", "agile", "innovation musée", "participation des visiteurs",
        "transformation numérique", "durable", "europeana copyright"]
    tops = browser_and_cli_tops(browser, work / "site", work / "index", queries)
    differences = [top for top in tops if top[1] != top[2]]
    assert not differences, differences


def _hostile_garden(root: Path) -> Path:
    notes = root / "hostile"
    (notes / "Sub").mkdir(parents=True)
    (notes / "Evil.md").write_text(
        f"---\ntitle: 'Titre {PAYLOAD}'\ntags: [\"{PAYLOAD}\"]\naliases: [\"{PAYLOAD}\"]\n---\n"
        f"# Évaluation {PAYLOAD}\n\nCorps {PAYLOAD} évaluation "
        "<a href=\"javascript:window.__xss=1\">x</a>\n"
        "[clic](javascript:window.__xss=1) [[Sub/Target|<b onmouseover=window.__xss=1>lien</b>]]\n"
        "<div onclick=\"window.__xss=1\">div</div>\n", encoding="utf-8")
    (notes / "Sub" / "Target.md").write_text("# Target\n\nÉvaluation des risques.\n",
                                             encoding="utf-8")
    return notes


def test_hostile_notes_and_query_strings_execute_nothing(browser, tmp_path):
    notes = _hostile_garden(tmp_path)
    export_site(notes, tmp_path / "site")
    page = browser.new_page()
    with serve(tmp_path / "site") as url:
        page.goto(url + "search/index.html?q=" + quote(PAYLOAD + " évaluation"))
        page.wait_for_function("document.getElementById('search-results')"
                               ".getAttribute('aria-busy') === 'false'", timeout=10_000)
        result_paths(page, "évaluation")
        page.hover("#search-results")
        for link in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            assert not link.lower().startswith("javascript:")
        page.goto(url + "evil/index.html?hl=" + quote(PAYLOAD))
        page.mouse.move(10, 10)
        page.click("body")
        page.goto(url + "search/index.html?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None
    page.close()


def test_every_internal_link_of_the_exported_site_points_at_a_file(bundled_site):
    broken = []
    for html in bundled_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            if re.match(r"^(?:[a-z]+:|#|//)", target):
                continue
            path = target.split("#")[0].split("?")[0]
            resolved = (html.parent / path)
            if path.endswith("/"):
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{html.relative_to(bundled_site)} -> {target}")
    assert broken == []
