"""PDFs of the garden are searched page by page: results name the file and the page
(``#page=N`` on the site), ``--type`` keeps notes or PDFs, a changed PDF is read again
and an unchanged one never, and a PDF that cannot be read is one warning.

Every PDF here is written by the tests (``pdf_files``): several pages with accents, an
encrypted one, a broken one, one without any text.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from pdf_files import BROKEN_PDF, encrypted_pdf_bytes, pdf_bytes

from museumxtd_search.api import Garden
from museumxtd_search.cli import cli
from museumxtd_search.site.search_files import read_fragments
from museumxtd_search.vault import pdf_text

REPORT = "Docs/Rapport annuel 2023.pdf"
REPORT_PAGES = [
    "Rapport annuel du musée\nUne année de médiation.",
    "La numérisation des collections avance.\nL'inventaire photographique est achevé.",
    "",  # a page without text: no section
    "Troisième partie : les publics scolaires et l'accessibilité.",
]


def garden_files() -> dict[str, str | bytes]:
    return {
        "Notes/Numérisation.md": "# Numérisation\n\nLa numérisation des collections au musée. "
                                 "Voir [[Rapport annuel 2023.pdf]].\n",
        "Notes/Publics.md": "# Publics\n\nLes publics du musée.\n",
        REPORT: pdf_bytes(REPORT_PAGES),
        "Docs/Brochure.pdf": pdf_bytes(["Brochure : visites guidées en famille."]),
        "Docs/Confidentiel.pdf": encrypted_pdf_bytes(["Budget secret des acquisitions."]),
        "Docs/Cassé.pdf": BROKEN_PDF,
        "Docs/Scan.pdf": pdf_bytes(["", ""]),
    }


@pytest.fixture
def garden(make_vault, tmp_path) -> Garden:
    return Garden(make_vault(garden_files()), index=tmp_path / "index")


def test_pdf_text_is_read_page_by_page_with_its_accents():
    pages, failed = pdf_text.pdf_pages(pdf_bytes(REPORT_PAGES))
    assert failed == {}
    assert len(pages) == 4
    assert "numérisation" in pages[1] and "accessibilité" in pages[3]
    assert pages[2] == ""


def test_a_pdf_result_names_the_file_and_the_page(garden):
    response = garden.query("inventaire photographique")
    hit = response.results[0]
    assert (hit.path, hit.title) == (REPORT, "Rapport annuel 2023")
    assert (hit.section, hit.anchor) == ("page 2", "page=2")
    assert "inventaire" in hit.snippet.lower()
    fourth = garden.query("accessibilite scolaires").results[0]
    assert (fourth.path, fourth.anchor) == (REPORT, "page=4")  # the textless page counts


def test_type_keeps_notes_or_pdfs(garden):
    garden.index()
    def paths(*options: str) -> list[str]:
        result = CliRunner().invoke(cli, ["query", "numérisation", "--notes", str(garden.notes),
                                          "--index", str(garden.index_dir), "--json",
                                          *options])
        assert result.exit_code == 0, result.output
        return [hit["path"] for hit in json.loads(result.stdout)["results"]]

    both = paths()
    assert REPORT in both and "Notes/Numérisation.md" in both
    assert paths("--type", "pdf") == [REPORT]
    assert REPORT not in paths("--type", "note") and paths("--type", "note")
    assert garden.query("visites guidées", kind="pdf").results[0].path == "Docs/Brochure.pdf"


def test_unreadable_pdfs_give_one_warning_each_and_the_rest_goes_on(run_museumxtd, garden):
    done = run_museumxtd("index", "--notes", str(garden.notes), "--index",
                         str(garden.index_dir))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3, warnings
    assert any("Docs/Confidentiel.pdf" in w and "encrypted" in w for w in warnings)
    assert any("Docs/Cassé.pdf" in w and "cannot be read" in w for w in warnings)
    assert any("Docs/Scan.pdf" in w and "no text" in w for w in warnings)
    assert not garden.query("budget acquisitions").results
    assert garden.query("visites").results  # the others are searched


def test_a_changed_pdf_is_read_again_and_an_unchanged_one_never(garden, monkeypatch):
    read: list[int] = []
    original = pdf_text.pdf_pages

    def counting(data: bytes) -> list[str]:
        read.append(len(data))
        return original(data)

    monkeypatch.setattr(pdf_text, "pdf_pages", counting)
    garden.index()
    assert len(read) == 5  # every PDF, once
    read.clear()
    assert garden.index().updated == 0 and read == []
    brochure = garden.notes / "Docs/Brochure.pdf"
    brochure.write_bytes(pdf_bytes(["Brochure : ateliers de restauration."]))
    stat = brochure.stat()
    os.utime(brochure, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    summary = garden.index()
    assert summary.updated == 1 and len(read) == 1
    assert garden.query("restauration", refresh=False).results[0].path == "Docs/Brochure.pdf"
    assert not garden.query("guidées", refresh=False).results


def test_check_sees_a_changed_pdf(garden):
    garden.index()
    assert all(result.fresh for result in garden.check())
    (garden.notes / REPORT).write_bytes(pdf_bytes(["Autre texte."]))
    assert garden.check()[0].changed == [REPORT]


def test_the_exported_site_copies_the_pdf_and_its_search_finds_it(garden, tmp_path):
    out = tmp_path / "site"
    summary = garden.export(out)
    copied = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert copied == ["assets/docs/brochure.pdf", "assets/docs/rapport-annuel-2023.pdf"]
    fragments = read_fragments(out / "search")
    urls = {fragment["path"]: fragment["url"] for fragment in fragments}
    assert urls[REPORT] == "assets/docs/rapport-annuel-2023.pdf"
    assert [s[:2] for s in next(f for f in fragments if f["path"] == REPORT)["sections"]] == \
        [["page 1", "page=1"], ["page 2", "page=2"], ["page 4", "page=4"]]
    assert not (out / "docs").exists()  # no page of its own: the PDF is the page
    assert summary.searchable == 4  # two notes, two readable PDFs
    all_notes = (out / "all/index.html").read_text("utf-8")
    assert "Rapport annuel" not in all_notes


# --- the browser engine answers as the CLI --------------------------------------------------

QUERIES = ["numérisation", "inventaire", "accessibilite", "rapport annuel", "brochure",
           "visites guidées", "musée", "publics", '"inventaire photographique"', "numeri",
           "pdf", "title:rapport", "invntaire"]


@pytest.fixture
def parity_garden(make_vault, tmp_path, garden):
    from node_support import write_engine
    from test_client_parity import Garden as ParityGarden

    from museumxtd_search.analysis.documents import analyze_note
    from museumxtd_search.index.build import build_index
    from museumxtd_search.site.client_index import build_client_index
    from museumxtd_search.site.search_files import write_client_index
    from museumxtd_search.vault import read_vault

    out = tmp_path / "parity"
    vault = read_vault(garden.notes)
    analyzed = [analyze_note(n, vault.links.resolve_all(n), vault.links)
                for n in vault.notes if n.searchable]
    write_client_index(build_client_index(analyzed, [a.note.path for a in analyzed]),
                       out / "search")
    write_engine(out)
    build_index(garden.notes, out / "index", full=True)
    return ParityGarden("pdfs", tuple(vault.notes), out / "search", out / "index",
                        tuple(QUERIES))


def test_the_browser_engine_ranks_pdf_pages_exactly_like_the_cli(node, parity_garden):
    from test_client_parity import answers_of_the_cli, ranking_differences, run_search_cli

    python = answers_of_the_cli(parity_garden)
    javascript = run_search_cli(node, parity_garden, parity_garden.queries)
    assert any(hit["path"].endswith(".pdf") for answer in python for hit in answer["results"])
    assert not ranking_differences(parity_garden, python, javascript)
    for expected, actual in zip(python, javascript, strict=True):
        for python_hit, javascript_hit in zip(expected["results"], actual["results"],
                                              strict=True):
            for name in ("path", "title", "snippet", "highlights", "section", "anchor"):
                assert python_hit[name] == javascript_hit[name], name


@pytest.mark.browser
def test_a_pdf_result_opens_the_pdf_at_its_page(garden, tmp_path, browser):
    from browser_support import serve

    out = tmp_path / "site"
    garden.export(out)
    with serve(out) as url:
        page = browser.new_page()
        page.goto(url + "search/index.html?q=inventaire")
        link = page.locator('#search-results a[data-path="Docs/Rapport annuel 2023.pdf"]').first
        link.wait_for(timeout=10_000)
        href = link.get_attribute("href")
        assert href.endswith("#page=2"), href
        absolute = href if href.startswith("http") else url + href.lstrip("/")
        assert absolute.split("#")[0].split("?")[0].endswith(
            "assets/docs/rapport-annuel-2023.pdf")
        response = page.request.get(absolute.split("#")[0])
        assert response.ok and response.body()[:5] == b"%PDF-"
        page.close()


def test_garden_pdf_files_stay_files_for_links(garden):
    references = [ref for ref in garden.links() if ref.source == "Notes/Numérisation.md"]
    assert [(ref.resolved, ref.broken) for ref in references] == [(REPORT, False)]
