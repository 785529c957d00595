"""The real MuseumXTD Eleventy site, searched with ours: a copy of
``../shared/sites/museumxtd`` built with its own ``npm ci && npm run build``, its lunr box
replaced by our snippet as docs/existing-site.md says, rebuilt, given our bundle by the
command the guide adds to its CI, served on 127.0.0.1 and driven in Chromium.

Skips when ``../shared`` is absent; needs npm and the npm registry, and skips without
them except in CI (``MXS_REQUIRE_BROWSER=1``), where their absence is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import frontmatter
import pytest
from browser_support import serve, watched_page
from museumxtd_site import (
    OUTPUT,
    SOURCE,
    apply_guide,
    copy_site,
    eleventy_url,
    guide_commands,
    npm,
    run_ours,
)

from museumxtd_search.site.search_files import read_data_file, read_fragments

pytestmark = pytest.mark.browser

SEARCH_PAGE = "Navigation/search/"
OTHER_PAGE = "Notes/Pour démarrer/"
# French queries and a note the search must show in its first three results.
EXPECTED = [
    ("réseaux sociaux", "Notes/Réseaux sociaux et musées. Aide à la décision.md"),
    ("reseaux sociaux", "Notes/Réseaux sociaux et musées. Aide à la décision.md"),
    ("l'évaluation", "Notes/L’évaluation dans la culture. Pourquoi et comment évaluer.md"),
    ("stratégie numérique", "Notes/Qu'est-ce qu'une stratégie numérique.md"),
    ("strat", "Notes/Qu'est-ce qu'une stratégie numérique.md"),
    ("numérisation des collections",
     "Notes/Exemples de projets de numérisation des collections et leurs applications.md"),
    ("mediation numerique", "Notes/Comment penser la médiation avec le numérique.md"),
    ("réalité virtuelle", "Notes/MuseumXTD - Temps de jeu, la réalité virtuelle au service "
                          "de l’histoire vivante.md"),
]
# Words of notes in Brouillon/ (drafts .eleventy.js ignores), some only there.
DRAFT_QUERIES = ["Staatlabor", "Wikimedia CH", "Coding Da Vinci", "Open Data CH", "Innovation",
                 "Gestion des collections", "Big Data DAM", "digital volunteers", "To-do",
                 "réseaux sociaux dans les musées"]
UNPUBLISHED = ("Brouillon/", "Comment éditer les contenus de la plateforme/")
# The site's two PDFs: Eleventy does not publish them, so the bundle holds a copy.
PDFS = ["Notes/MuseumXTD - Programme Forum 2022 (maj 06.10.2022).pdf",
        "Notes/MuseumXTD_Transformation numérique des musées.pdf"]


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # the Eleventy project (= the notes folder)
    docs: Path  # its built output, with our bundle
    before_export: dict[str, tuple[int, int]]  # docs/ files: (size, mtime) before export
    stdout: str
    stderr: str


def _need(what: str) -> None:
    if os.environ.get("MXS_REQUIRE_BROWSER"):
        pytest.fail(f"{what} (required here: MXS_REQUIRE_BROWSER=1)")
    pytest.skip(what)


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> BuiltSite:
    if not SOURCE.is_dir():
        pytest.skip(f"the real site is not at {SOURCE}")
    if shutil.which("npm") is None:
        _need("npm is not installed")
    root = copy_site(tmp_path_factory.mktemp("museumxtd") / "museumxtd")
    installed = npm(root, "ci")
    if installed.returncode != 0:
        _need(f"npm ci failed (registry unreachable?): {installed.stderr[-500:]}")
    for step in ("as published", "with our snippet"):
        if step == "with our snippet":
            assert apply_guide(root) == [".github/workflows/eleventy_build.yml",
                                         "_includes/layouts/base.njk",
                                         "_includes/layouts/search.njk"]
        built = npm(root, "run", "build")
        assert built.returncode == 0, f"Eleventy build {step}: {built.stderr[-2000:]}"
    docs = root / OUTPUT
    before = _listing(docs)
    [command] = guide_commands(root)
    assert command == ["museumxtd-search", "export", "--notes", ".", "--into", OUTPUT]
    done = run_ours(command, root)
    assert done.returncode == 0, done.stderr
    return BuiltSite(root, docs, before, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def site_url(built_site):
    with serve(built_site.docs) as url:
        yield url


@pytest.fixture(scope="module")
def host_references(built_site) -> set[str]:
    """Every absolute http(s) URL the site's own HTML names (its analytics, favicon…)."""
    found: set[str] = set()
    for page in built_site.docs.rglob("*.html"):
        if "mxsearch" not in page.parts:
            found.update(re.findall(r'(?:src|href)="(https?://[^"]+)"',
                                    page.read_text(encoding="utf-8")))
    return found


@pytest.fixture
def page(browser, host_references):
    """A page whose requests may not leave 127.0.0.1: any other is recorded and blocked.
    After the test, every blocked request must be one the host's own HTML makes."""
    with watched_page(browser, local_only=True) as opened:
        yield opened
    assert opened.errors == []
    made = set(opened.external) - host_references
    assert not made, "requests our bundle made: " + ", ".join(sorted(made))


# The list shows query q (any query when q is null) and is done.
_SHOWS = """q => {
  const list = document.getElementById("search-results");
  const showing = list.getAttribute("data-query");
  const wanted = q === null ? showing !== "" : showing === q;
  return list.getAttribute("aria-busy") === "false" && wanted;
}"""


def shown(page, query: str | None = None, limit: int = 3) -> list[str]:
    """Type ``query`` (unless None: wait for the box's current query) and return the
    ``data-path`` of the results shown."""
    if query is not None:
        page.fill("#search-input", query)
    page.wait_for_function(_SHOWS, arg=None if query is None else query.strip(),
                           timeout=15_000)
    paths = page.eval_on_selector_all("#search-results a[data-path]",
                                      "links => links.map(a => a.getAttribute('data-path'))")
    return paths[:limit]


# --- the command ---------------------------------------------------------------------------

def test_the_export_writes_only_its_bundle_folder(built_site):
    after = _listing(built_site.docs)
    assert {k: v for k, v in after.items() if not k.startswith("mxsearch/")} == \
        built_site.before_export
    assert "mxsearch/snippet.html" in after


def test_the_export_says_how_many_notes_matched_and_lists_the_drafts(built_site):
    assert "matched 159 of 199 notes to pages of docs (40 left out)" in built_site.stdout
    left_out = re.findall(r"^left out: (.+?): ", built_site.stderr, re.MULTILINE)
    assert len(left_out) == 40 and all(path.startswith(UNPUBLISHED) for path in left_out)
    assert built_site.stdout.endswith(
        (built_site.docs / "mxsearch" / "snippet.html").read_text(encoding="utf-8"))


def test_no_unpublished_note_is_in_the_index(built_site):
    bundle = built_site.docs / "mxsearch"
    index = json.loads((bundle / ".museumxtd-search").read_text(encoding="utf-8"))["index"]
    paths = [fragment["path"] for fragment in read_fragments(bundle / index)]
    assert len([p for p in paths if p.endswith(".md")]) == 159
    assert sorted(p for p in paths if not p.endswith(".md")) == PDFS  # searched, as files
    assert not [p for p in paths if p.startswith(UNPUBLISHED)]
    words = read_data_file(bundle / index, "vocabulary")["words"]
    assert "staatlabor" not in words  # a word of Brouillon/Staatlabor.md only


# --- the search page -------------------------------------------------------------------------

def test_french_queries_find_the_right_notes(page, site_url):
    page.goto(site_url + SEARCH_PAGE)
    for query, expected in EXPECTED:
        assert expected in shown(page, query), query
    # The site's own analytics were stopped on their way out: the blocking is in place.
    assert any("googletagmanager" in url for url in page.external)


def test_every_result_opens_the_right_eleventy_page(page, site_url, built_site):
    page.goto(site_url + SEARCH_PAGE)
    links: dict[str, str] = {}
    for query, _ in EXPECTED:
        shown(page, query)
        for path, href in page.eval_on_selector_all(
                "#search-results a[data-path]",
                "links => links.map(a => [a.getAttribute('data-path'), a.href])"):
            if path.endswith(".md"):  # PDFs open as files: the test below
                links[path] = href
    assert len(links) >= 30
    for path, href in sorted(links.items()):
        response = page.goto(href)
        assert response.status == 200, href
        assert unquote(urlsplit(page.url).path) == eleventy_url(path), path
        own_title = frontmatter.load(built_site.root / path).get("title") or ""
        assert page.title() == str(own_title).strip(), path
        anchor = unquote(urlsplit(href).fragment)
        if anchor:
            assert page.evaluate("id => document.getElementById(id) !== null", anchor), \
                (path, anchor)


def test_a_pdf_result_opens_the_pdf_at_its_page(page, site_url, built_site):
    page.goto(site_url + SEARCH_PAGE)
    # Words of the report's second page (a slide's title).
    assert shown(page, "je t'aime mon non plus")[0] == PDFS[1]
    href = page.locator(f'#search-results a[data-path="{PDFS[1]}"]').first.get_attribute("href")
    assert href.endswith("#page=2"), href
    assert unquote(urlsplit(href).path) == "/mxsearch/files/" + PDFS[1]
    response = page.request.get(href.split("#")[0])
    assert response.ok and response.body() == (built_site.root / PDFS[1]).read_bytes()


def test_drafts_never_appear(page, site_url):
    page.goto(site_url + SEARCH_PAGE)
    for query in DRAFT_QUERIES:
        paths = shown(page, query, limit=100)
        assert not [p for p in paths if p.startswith(UNPUBLISHED)], query


def test_a_deep_link_runs_the_search_and_the_address_follows(page, site_url):
    page.goto(site_url + SEARCH_PAGE + "?q=" + quote("l'évaluation"))
    assert shown(page)[0] == "Notes/L’évaluation dans la culture. Pourquoi et comment évaluer.md"
    assert page.input_value("#search-input") == "l'évaluation"
    shown(page, "médiation")
    page.wait_for_url(re.compile(r"\?q=m%C3%A9diation"), timeout=5_000)


def test_ctrl_k_opens_the_search_dialog_on_another_page(page, site_url):
    page.goto(site_url + quote(OTHER_PAGE))
    dialog = page.locator("dialog.mxsearch-dialog")
    assert not dialog.evaluate("d => d.open")
    page.keyboard.press("Control+k")
    assert dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.type("réseaux sociaux")
    assert shown(page)[0] == "Notes/Réseaux sociaux et musées. Aide à la décision.md"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/Notes/R%C3%A9seaux%20sociaux"), timeout=10_000)


def test_the_snippet_alone_makes_no_request_beyond_the_site(page, site_url, built_site):
    bare = built_site.docs / "bare-search.html"
    snippet = (built_site.docs / "mxsearch" / "snippet.html").read_text(encoding="utf-8")
    bare.write_text(f"<!doctype html>\n<html lang=fr><head><meta charset=utf-8><title>t</title>"
                    f"</head><body>\n{snippet}</body></html>\n", encoding="utf-8")
    page.goto(site_url + "bare-search.html?q=" + quote("musées"))
    assert shown(page)
    assert page.external == []


# Elements a note's body is made of, counted to compare two renderings of it.
_ELEMENTS = ("p", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "a", "img", "strong", "em",
             "code", "pre", "table", "blockquote", "del", "mark")


def _elements(html: str, start: str, end: str) -> dict[str, int] | None:
    """How many of each element the body between ``start`` and ``end`` holds; ``None``
    for a page without that body (a layout of its own)."""
    begin = html.find(start)
    if begin < 0:
        return None
    found = re.findall(r"<([a-z0-9]+)[\s>/]", html[begin:html.find(end, begin)])
    return {name: found.count(name) for name in _ELEMENTS}


def test_our_export_renders_the_notes_as_their_eleventy_site_does(built_site, tmp_path):
    # The garden's own build (markdown-it, line breaks and bare URLs on) is what its
    # authors see: our pages must hold the same elements, note by note. 4 pages differ
    # today: a table right under a paragraph line, a list nested by a tab, a loose list
    # Python-Markdown reads otherwise, a dead link. Before lists under a paragraph line
    # and line breaks were read, 62 did; 10 before raw HTML blocks ended as CommonMark
    # ends them (the logos' <picture> lines of "À propos") and loose lists were spaced.
    from museumxtd_search.site.export import export_site
    from museumxtd_search.site.urls import page_urls

    export_site(built_site.root, tmp_path / "ours", exclude=["node_modules", OUTPUT])
    paths = sorted(p.relative_to(built_site.root).as_posix()
                   for p in built_site.root.rglob("*.md")
                   if p.relative_to(built_site.root).parts[0] not in ("node_modules", OUTPUT))
    urls = page_urls(paths)
    same = compared = 0
    for path in paths:
        theirs = built_site.docs / path[:-3] / "index.html"
        ours = tmp_path / "ours" / urls[path] / "index.html"
        if not theirs.is_file() or not ours.is_file():
            continue
        their_body = _elements(theirs.read_text("utf-8"), "<div class='ui basic segment'>",
                               "\n\t\t\t</div>")
        if their_body is None:
            continue
        compared += 1
        same += their_body == _elements(ours.read_text("utf-8"), '<div class="note-body">',
                                        "</article>")
    assert compared >= 150
    assert same >= compared - 6, f"{compared - same} of {compared} pages differ"
