"""Export safety: whatever the garden holds, ``export`` writes only inside ``--out``,
gives every note a page, never replaces a folder it did not make (or the notes) without
being told, and the site it writes executes nothing a note smuggles in.

The browser tests open the exported site in headless Chromium: a payload that ran would
set ``window.__xss``; it must stay undefined while a person types, hovers results, opens
one and clears the highlight. A control export with ``--allow-html`` shows that the same
payload does run when raw HTML is kept, so the check can see an execution.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_support import serve
from click.testing import CliRunner
from reliability import record

from museumxtd_search.cli import cli
from museumxtd_search.site.export import MARKER
from museumxtd_search.site.urls import page_urls
from museumxtd_search.vault.reading import read_vault

pytest_plugins = ["reliability"]

# Names that look like escapes from the site folder, or that slugify alike.
HOSTILE_NAMES = [
    "a..\\..\\évasion.md", "C:\\Windows\\system32.md", "~root.md", "-rf.md", "%2e%2e%2f.md",
    "x..%2F..%2Fencodé.md", "a\\..\\b.md", "  .md", "index.md", "search.md", "static.md",
    "tags.md", "all.md", "assets.md", "Search/index.md", "Été.md", "ete.md", "ÉTÉ.md",
    " été !.md", "e\u0301te\u0301.md", "ete-2.md", "%/x.md", "#/x.md", "?/x.md",
    "x" * 120 + "1.md", "x" * 120 + "2.md", "<img src=x onerror=window.__xss=1>.md",
]
HOSTILE_FRONT_MATTER = (
    '---\ntitle: "../../../../tmp/évadé"\naliases: ["/etc/passwd", "C:\\\\evil"]\n'
    'tags: ["../../x", "/abs", "..", "a/../../b"]\npermalink: ../../../evil/\n'
    "slug: ../../../evil\n---\n")


def planted(number: int) -> str:
    return f"zqmot{'bcdfghjklmnpqrtvwz'[number % 18]}{'bcdfghjklmnpqrtvwz'[number // 18]}"


def write_hostile_garden(root: Path) -> dict[str, str]:
    """Notes with hostile names and front matter; returns {note path: planted word}."""
    words = {}
    for number, name in enumerate(HOSTILE_NAMES):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        word = planted(number)
        path.write_text(
            f"{HOSTILE_FRONT_MATTER}# Titre ../../{number}\n\n{word}\n\n"
            "![[x..\\..\\logo.png]] ![[../../../../etc/passwd]] [[../../../etc/hosts]]\n"
            "[lien](../../../../etc/hosts.md) ![image](../../../../etc/logo.png)\n",
            encoding="utf-8")
        words[name] = word
    (root / "x..\\..\\logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return words


def files_outside(root: Path, out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``root`` except ``out``: (mtime, size, bytes) by path."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) != out]
        for name in files:
            path = Path(folder, name)
            stat = path.lstat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size, path.read_bytes())
    return found


def export(*args: object):
    return CliRunner().invoke(cli, ["export", *map(str, args)])


def assert_one_line_refusal(result) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --out "), result.stderr


# --- nothing outside --out, a page for every note -------------------------------------


def test_nothing_is_written_outside_out_whatever_the_names(tmp_path):
    notes = tmp_path / "garden" / "notes"
    words = write_hostile_garden(notes)
    canary = tmp_path / "etc" / "hosts.md"
    canary.parent.mkdir()
    canary.write_text("canari", encoding="utf-8")
    out = tmp_path / "garden" / "deep" / "site"
    before = files_outside(tmp_path, out)

    result = export("--notes", notes, "--out", out)
    assert result.exit_code == 0, result.output
    assert files_outside(tmp_path, out) == before
    for path in out.rglob("*"):
        assert not path.is_symlink() and path.resolve().is_relative_to(out.resolve()), path

    urls = page_urls(note.path for note in read_vault(notes).notes)
    assert sorted(urls) == sorted(words) and len(set(urls.values())) == len(words)
    for name, word in words.items():
        page = out / urls[name] / "index.html"
        assert word in page.read_text(encoding="utf-8"), (name, urls[name])
    record("export safety", hostile_names=len(words))


def test_notes_whose_names_slugify_alike_all_get_pages(make_vault, tmp_path):
    names = ["Été.md", "ete.md", "ÉTÉ.md", " été !.md", "e\u0301te\u0301.md", "ete-2.md",
             "Notes/A.md", "notes/a.md", "NOTES/Á.md"]
    notes = make_vault({name: f"# {name}\n\n{planted(n)}\n" for n, name in enumerate(names)})
    out = tmp_path / "site"
    assert export("--notes", notes, "--out", out).exit_code == 0
    pages = {p.parent for p in out.rglob("index.html")}
    urls = page_urls(names)
    assert len(set(urls.values())) == len(names)
    for number, name in enumerate(names):
        assert out / urls[name] in pages
        assert planted(number) in (out / urls[name] / "index.html").read_text(encoding="utf-8")
    record("export safety", colliding_slugs=len(names))


# --- --out that is not ours -----------------------------------------------------------


def test_export_refuses_a_non_empty_out_it_did_not_create_unless_forced(make_vault, tmp_path):
    notes = make_vault({"a.md": "# A\n\nornithorynque\n"})
    out = tmp_path / "mine"
    out.mkdir()
    (out / "précieux.txt").write_text("à garder", encoding="utf-8")

    assert_one_line_refusal(export("--notes", notes, "--out", out))
    assert [p.name for p in out.iterdir()] == ["précieux.txt"]
    assert not list(tmp_path.glob(".mine.*"))

    forced = export("--notes", notes, "--out", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / MARKER).is_file() and not (out / "précieux.txt").exists()
    again = export("--notes", notes, "--out", out)
    assert again.exit_code == 0, "a site we made is replaced without --force"
    record("export safety", refusals=1)


@pytest.mark.parametrize("where", ["the notes", "above the notes"])
def test_export_never_replaces_the_notes_even_when_forced(make_vault, where):
    notes = make_vault({"a.md": "# A\n\nornithorynque\n"})
    out = notes if where == "the notes" else notes.parent
    for force in ([], ["--force"]):
        assert_one_line_refusal(export("--notes", notes, "--out", out, *force))
    assert (notes / "a.md").read_text(encoding="utf-8") == "# A\n\nornithorynque\n"
    record("export safety", refusals=2)


def test_export_refuses_an_out_that_is_a_file(make_vault, tmp_path):
    notes = make_vault({"a.md": "# A\n"})
    out = tmp_path / "site"
    out.write_text("un fichier", encoding="utf-8")
    for force in ([], ["--force"]):
        result = export("--notes", notes, "--out", out, *force)
        assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "un fichier"
    record("export safety", refusals=2)


def test_two_exports_of_one_site_at_once_both_finish_and_leave_one_whole_site(
        make_vault, tmp_path, monkeypatch):
    # Each export recovers what a killed export left beside --out: without a lock, the
    # second one deleted the first one's folder while it was being written.
    import museumxtd_search.site.export as export_module

    notes = make_vault({f"n{i}.md": f"# Note {i}\n\ntexte {i}\n" for i in range(5)})
    real = export_module._write_site

    def slow(*args, **kwargs):
        summary = real(*args, **kwargs)
        time.sleep(0.4)  # both exports are now surely running together
        return summary

    monkeypatch.setattr(export_module, "_write_site", slow)
    errors: list[BaseException] = []
    waited: list[str] = []

    def run() -> None:
        try:
            export_module.export_site(notes, tmp_path / "site", on_wait=waited.append)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert waited == [str(os.getpid())]
    assert (tmp_path / "site" / MARKER).is_file()
    assert len(list((tmp_path / "site").glob("n*/index.html"))) == 5
    assert not list(tmp_path.glob(".site.tmp-*")) and not list(tmp_path.glob(".site.old-*"))
    assert not (tmp_path / ".site.lock").exists()


def test_a_note_whose_extension_is_upper_case_gets_the_url_of_its_name():
    assert page_urls(["Note.MD", "Dossier/Autre.Md", "b.md"]) == {
        "Note.MD": "note/", "Dossier/Autre.Md": "dossier/autre/", "b.md": "b/"}


# --- raw HTML ---------------------------------------------------------------------------

RAW = '<div class="brut" data-x="1">brut <b>gras</b></div>'


def test_raw_html_is_sanitised_by_default_and_kept_with_allow_html(make_vault, tmp_path):
    notes = make_vault({"n.md": f"# N\n\n{RAW}\n\nEn ligne <b>gras</b> et <i>penché</i>.\n"})
    export("--notes", notes, "--out", tmp_path / "safe")
    export("--notes", notes, "--out", tmp_path / "raw", "--allow-html")
    safe = (tmp_path / "safe" / "n" / "index.html").read_text(encoding="utf-8")
    raw = (tmp_path / "raw" / "n" / "index.html").read_text(encoding="utf-8")
    assert "<b>gras</b>" in safe and "<i>penché</i>" in safe and "brut" in safe
    assert 'class="brut"' not in safe and "data-x" not in safe  # not in the allow-list
    assert "&lt;b&gt;" not in safe
    assert RAW in raw and "<i>penché</i>" in raw
    record("export safety", raw_html_checks=2)


# --- in a real browser ----------------------------------------------------------------

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    "<svg onload=window.__xss=1>",
    '"><img src=x onerror=window.__xss=1>',
    "'><svg/onload=window.__xss=1>",
    "</script><script>window.__xss=1</script>",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<a href="javascript:window.__xss=1">clic</a>',
    '<div onmouseover="window.__xss=1" style="padding:2em">survol</div>',
    "<<script>script>window.__xss=1<</script>/script>",
    "{{ 7*7 }} {% raw %}",
]
MARKDOWN_PAYLOADS = [
    "[clic](javascript:window.__xss=1)", "[clic](JaVaScRiPt:window.__xss=1)",
    "[clic]( javascript:window.__xss=1 )", "[clic](java&#115;cript:window.__xss=1)",
    "[clic](data:text/html,<script>window.__xss=1</script>)",
    "![x](javascript:window.__xss=1)", "<javascript:window.__xss=1>",
    "[clic](vbscript:window.__xss=1)",
]
HOSTILE_QUERIES = [
    PAYLOADS[0], PAYLOADS[3], "javascript:window.__xss=1", '"><svg onload=window.__xss=1>',
    "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E", "évaluation " + PAYLOADS[1],
]


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_xss_garden(root: Path) -> Path:
    """Notes carrying every payload in title, tags, aliases, headings, body and links."""
    root.mkdir(parents=True)
    joined = " ".join(PAYLOADS)
    for number, payload in enumerate(PAYLOADS):
        (root / f"Piège {number}.md").write_text(
            f"---\ntitle: {_yaml('Évaluation ' + payload)}\ntags: [{_yaml(payload)}]\n"
            f"aliases: [{_yaml(payload)}]\n---\n# Évaluation {payload}\n\n"
            f"Évaluation du piège {payload}\n\n{' '.join(MARKDOWN_PAYLOADS)}\n\n"
            f"[[Cible|{payload}]] [[Cible#{payload}]]\n", encoding="utf-8")
    (root / "Cible.md").write_text(f"# Cible\n\nÉvaluation des risques. {joined}\n",
                                   encoding="utf-8")
    (root / "<img src=x onerror=window.__xss=1>.md").write_text(
        "# Nom piégé\n\nÉvaluation du nom.\n", encoding="utf-8")
    return root


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    opened.dialogs = []
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message),
                                        dialog.dismiss()))
    yield opened
    context.close()


def assert_nothing_ran(page, where: str) -> None:
    page.wait_for_timeout(50)
    assert page.evaluate("typeof window.__xss") == "undefined", where
    assert page.dialogs == [], where


def wait_for_results(page, query: str) -> None:
    page.wait_for_function(
        "q => document.getElementById('search-results').getAttribute('data-query') === q "
        "&& document.getElementById('search-results').getAttribute('aria-busy') === 'false'",
        arg=query.strip(), timeout=10_000)


@pytest.fixture(scope="module")
def xss_sites(tmp_path_factory):
    """The hostile garden exported twice: escaped (the default) and with --allow-html."""
    work = tmp_path_factory.mktemp("xss")
    notes = write_xss_garden(work / "notes")
    for name, options in (("safe", []), ("raw", ["--allow-html"])):
        result = export("--notes", notes, "--out", work / name, *options)
        assert result.exit_code == 0, result.output
    return work


@pytest.mark.browser
def test_hostile_notes_execute_nothing_while_searching_and_reading(page, xss_sites):
    checks = 0
    with serve(xss_sites / "safe") as url:
        page.goto(url + "search/index.html")
        page.click("#search-input")
        page.keyboard.type("évaluation", delay=10)
        wait_for_results(page, "évaluation")
        while page.locator("#search-results button.mxsearch-more").count():
            page.click("#search-results button.mxsearch-more")
            page.wait_for_function("document.getElementById('search-results')"
                                   ".getAttribute('aria-busy') === 'false'")
        results = page.locator("#search-results li > a[data-path]")
        assert results.count() >= len(PAYLOADS)
        for number in range(results.count()):
            results.nth(number).hover()
            page.locator("#search-results .mxsearch-excerpt").nth(number).hover()
        assert_nothing_ran(page, "search results")
        checks += 1
        for query in ("img onerror", "script", "svg onload", "javascript", "clic survol"):
            page.fill("#search-input", query)
            wait_for_results(page, query)
            assert_nothing_ran(page, f"results for {query}")
            checks += 1

        page.fill("#search-input", "évaluation piège")
        wait_for_results(page, "évaluation piège")
        page.locator("#search-results li > a[data-path]").first.click()
        page.wait_for_selector("article.note")
        assert_nothing_ran(page, "opened result")
        page.wait_for_selector(".note-body mark", timeout=10_000)
        for element in page.locator(".note-body a, .note-body div, .note-body span, "
                                    ".tags a, .backlinks a, h1").all():
            element.hover()
        page.click(".clear-highlight")
        assert page.locator(".note-body mark").count() == 0
        assert_nothing_ran(page, "after clearing the highlight")
        for link in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            assert not link.lower().startswith(("javascript:", "data:", "vbscript:")), link
        checks += 2

        for path in (str(p.relative_to(xss_sites / "safe"))
                     for p in sorted((xss_sites / "safe").rglob("index.html"))):
            page.goto(url + path)
            page.mouse.move(200, 300)
            assert_nothing_ran(page, path)
            checks += 1
    record("export safety", browser_checks=checks)


@pytest.mark.browser
@pytest.mark.parametrize("query", HOSTILE_QUERIES,
                         ids=[f"q{n}" for n in range(len(HOSTILE_QUERIES))])
def test_hostile_query_strings_execute_nothing(page, xss_sites, query):
    with serve(xss_sites / "safe") as url:
        page.goto(url + "search/index.html?q=" + quote(query))
        page.wait_for_function("document.getElementById('search-results')"
                               ".getAttribute('aria-busy') !== 'true'", timeout=10_000)
        assert page.input_value("#search-input") == query
        page.click("#search-input")
        page.keyboard.press("End")
        page.keyboard.type(" évaluation", delay=10)
        wait_for_results(page, query + " évaluation")
        for link in page.locator("#search-results a").all():
            link.hover()
        assert_nothing_ran(page, f"?q={query}")
        page.goto(url + "cible/index.html?hl=" + quote(query))
        page.mouse.move(100, 100)
        if page.locator(".clear-highlight").is_visible():
            page.click(".clear-highlight")
        assert_nothing_ran(page, f"?hl={query}")
    record("export safety", browser_checks=2, hostile_query_strings=1)


@pytest.mark.browser
def test_the_check_sees_a_payload_run_when_raw_html_is_allowed(page, xss_sites):
    """Control: with --allow-html the body's ``<img onerror>`` runs, so an undefined
    ``window.__xss`` in the other tests means escaped, not undetected."""
    with serve(xss_sites / "raw") as url:
        page.goto(url + "piege-0/index.html")
        page.wait_for_function("window.__xss === 1", timeout=5_000)
    record("export safety", browser_checks=1)


def test_symlinks_to_files_outside_the_garden_are_never_published(tmp_path):
    from museumxtd_search.site.export import export_site

    secret = tmp_path / "secret.txt"
    secret.write_text("mot-de-passe-123", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "A.md").write_text("# A\n\n![[secret.png]] et [[B]]\n", encoding="utf-8")
    (notes / "secret.png").symlink_to(secret)
    (notes / "B.md").symlink_to(secret)
    summary = export_site(notes, tmp_path / "site")
    published = [p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert not any(b"mot-de-passe-123" in data for data in published)
    assert sum("outside the notes folder" in w for w in summary.warnings) == 2
