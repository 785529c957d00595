"""``export --into``: the search added to a site another generator built, writing only
its bundle folder, refusing a folder it did not write, the same bytes on a re-run, and
a visitor never left with half an index."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
from pathlib import Path

import pytest
from browser_support import serve
from click.testing import CliRunner

from museumxtd_search.cli import cli
from museumxtd_search.index.lock import exclusive
from museumxtd_search.site import existing_site
from museumxtd_search.site.existing_site import (
    NoPageMatchedError,
    SiteSettingsError,
    add_search,
    load_settings,
)
from museumxtd_search.site.search_bundle import BundleRefusedError
from museumxtd_search.site.search_files import read_data_file, read_fragments

NOTES = {
    "Notes/Réseaux sociaux et musées. Aide à la décision.md":
        "---\ntitle: MuseumXTD\ntags: ressource\n---\n# Réseaux sociaux et musées\n\n"
        "Les réseaux sociaux au musée.\n\n## A retenir\n\nPublier souvent.\n",
    "Notes/Syntaxe & typologie.md": "---\ntitle: MuseumXTD\n---\nLa typologie des notes.\n",
    "Brouillon/Idée secrète.md": "# Idée secrète\n\nUn brouillon confidentiel sur les réseaux.\n",
    "Navigation/A propos.md": "---\npermalink: /a-propos/\n---\n# À propos\n\nLe projet.\n",
    "index.md": "---\ntitle: MuseumXTD\n---\n# Accueil\n\nVoir [[Idée secrète]].\n",
    "node_modules/pkg/README.md": "# A package\n\nréseaux\n",
    "Privé/Journal.md": "# Journal\n\nréseaux\n",
}
# What the other generator built (Eleventy-like), with the ids it gave the headings.
PAGES = {
    "Notes/Réseaux sociaux et musées. Aide à la décision/index.html":
        '<h1 id="Reseaux-sociaux-et-musees">Réseaux sociaux et musées</h1>'
        '<h2 id="A-retenir" tabindex="-1">A retenir</h2>',
    "Notes/Syntaxe & typologie/index.html": "<p>La typologie des notes.</p>",
    "a-propos/index.html": "<h1>À propos</h1>",
    "index.html": "<h1>Accueil</h1>",
    "css/main.css": "body { color: #333 }",
}


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A generator's project: the notes at its root, its built site in ``docs/``."""
    root = tmp_path / "project"
    write(root, NOTES)
    write(root, {".eleventyignore": "# not published\n./Privé/\n", ".eleventy.js": ""})
    write(root / "docs", PAGES)
    return root


def run(project: Path, **options):
    return add_search(load_settings(project / "docs", project, notes=project, **options))


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fragments(bundle: Path) -> list[dict]:
    index = json.loads((bundle / ".museumxtd-search").read_text())["index"]
    return read_fragments(bundle / index)


# --- what is written ---------------------------------------------------------------------

def test_only_the_bundle_folder_is_written(project):
    before = files_of(project / "docs")
    run(project)
    after = files_of(project / "docs")
    assert {k: v for k, v in after.items() if not k.startswith("mxsearch/")} == before
    assert {"mxsearch/mxsearch.js", "mxsearch/mxsearch-related.js", "mxsearch/mxsearch.css",
            "mxsearch/snippet.html", "mxsearch/.museumxtd-search"} <= set(after)
    assert not [p for p in project.parent.iterdir() if p.name != "project"]


def test_snippet_file_holds_the_lines_printed(project):
    summary = run(project)
    assert (project / "docs/mxsearch/snippet.html").read_text() == summary.snippet
    assert '<script src="/mxsearch/mxsearch.js" defer></script>' in summary.snippet
    assert '<link rel="stylesheet" href="/mxsearch/mxsearch.css">' in summary.snippet
    assert "<div data-mxsearch></div>" in summary.snippet


def test_a_site_under_a_path_gets_the_path_in_the_snippet(project):
    summary = run(project, base_url="https://example.org/garden/", bundle="assets/search")
    assert '<script src="/garden/assets/search/mxsearch.js" defer></script>' in summary.snippet
    script = (project / "docs/assets/search/mxsearch.js").read_text()
    assert '"root": "../../"' in script


def test_the_script_holds_the_engine_the_search_box_and_the_bundle_settings(project):
    summary = run(project, lang="en")
    script = (project / "docs/mxsearch/mxsearch.js").read_text()
    settings = json.loads(re.search(r"window\.MXSearchSettings = (\{.*\});", script).group(1))
    assert settings == {"index": summary.index + "/", "lang": "en", "root": "../",
                        "related": "mxsearch-related.js"}
    assert "createEngine" in script and "MXSearchUI" in script and "MXSnowball" in script
    # The related notes' list is a file of its own, fetched by the pages that show one.
    assert "MXSearchRelated" not in script
    assert "MXSearchRelated" in (project / "docs/mxsearch/mxsearch-related.js").read_text()


def test_the_search_box_speaks_the_language_of_most_notes_unless_told(project):
    run(project)
    script = (project / "docs/mxsearch/mxsearch.js").read_text()
    assert '"lang": "fr"' in script
    write(project, {f"Notes/English {n}.md": "# Visitors\n\nThe museum and its visitors "
                    "are at the heart of what we do, and this is how we work with them.\n"
                    for n in range(6)})
    write(project / "docs", {f"Notes/English {n}/index.html": "<h1>Visitors</h1>"
                             for n in range(6)})
    run(project)
    assert '"lang": "en"' in (project / "docs/mxsearch/mxsearch.js").read_text()
    run(project, lang="fr")
    assert '"lang": "fr"' in (project / "docs/mxsearch/mxsearch.js").read_text()


# --- which notes ---------------------------------------------------------------------------

def test_alias_redirects_of_a_hugo_site_are_not_taken_for_note_pages(project):
    # Hugo, lowercased paths and one redirect page per alias named like the alias.
    hugo = project / "docs"
    for page in list(hugo.rglob("index.html")):
        page.unlink()
    write(hugo, {
        "notes/syntaxe-typologie/index.html": "<p>La typologie.</p>",
        "notes/Syntaxe typologie/index.html":
            '<meta http-equiv="refresh" content="0; url=/notes/syntaxe-typologie/">'})
    summary = run(project)
    assert summary.pages["Notes/Syntaxe & typologie.md"] == "notes/syntaxe-typologie/index.html"


def test_notes_without_a_page_are_left_out_and_listed(project):
    summary = run(project)
    assert summary.matched == 4
    assert summary.left_out == [{
        "path": "Brouillon/Idée secrète.md",
        "reason": "no page (looked for Brouillon/Idée secrète/index.html, …)"}]
    paths = [f["path"] for f in fragments(project / "docs/mxsearch")]
    assert "Brouillon/Idée secrète.md" not in paths
    assert "matched 4 of 5 notes" in summary.line()


def test_drafts_are_not_even_link_titles_of_published_notes(project):
    run(project)
    index = json.loads((project / "docs/mxsearch/.museumxtd-search").read_text())["index"]
    vocabulary = read_data_file(project / "docs/mxsearch" / index, "vocabulary")
    assert "confidentiel" not in vocabulary["words"]
    assert "brouillon" not in vocabulary["words"]


def test_node_modules_the_output_and_eleventyignore_are_skipped(project):
    write(project / "docs", {"Privé/Journal/index.html": "<p>x</p>",
                             "node_modules/pkg/README/index.html": "<p>x</p>"})
    summary = run(project)
    assert summary.notes == 5  # not node_modules/, not Privé/ (.eleventyignore)
    assert not any(p.startswith(("node_modules/", "Privé/")) for p in summary.pages)


def test_only_the_built_site_is_skipped_not_every_folder_named_like_it(project):
    # The site is built into docs/ at the root; a garden's own docs/ deeper down, and
    # an ignore file's root-anchored /Modèles, leave the same names elsewhere alone.
    write(project, {"Projets/docs/Guide.md": "# Guide\n\nLe guide du projet.\n",
                    "Modèles/Fiche.md": "# Fiche\n\nUn modèle.\n",
                    "Notes/Modèles/Exemple.md": "# Exemple\n\nUn exemple.\n",
                    ".eleventyignore": "./Privé/\n/Modèles\n"})
    write(project / "docs", {"Projets/docs/Guide/index.html": "<h1>Guide</h1>",
                             "Notes/Modèles/Exemple/index.html": "<h1>Exemple</h1>"})
    summary = run(project)
    assert "Projets/docs/Guide.md" in summary.pages
    assert "Notes/Modèles/Exemple.md" in summary.pages
    assert not any(p.startswith(("docs/", "Modèles/")) for p in summary.pages)


def test_results_link_to_the_pages_and_their_own_anchors(project):
    run(project)
    by_path = {f["path"]: f for f in fragments(project / "docs/mxsearch")}
    reseaux = by_path["Notes/Réseaux sociaux et musées. Aide à la décision.md"]
    assert reseaux["url"] == ("Notes/R%C3%A9seaux%20sociaux%20et%20mus%C3%A9es.%20Aide%20%C3%A0"
                              "%20la%20d%C3%A9cision/index.html")
    assert [s[1] for s in reseaux["sections"]] == ["", "Reseaux-sociaux-et-musees", "A-retenir"]
    assert by_path["Notes/Syntaxe & typologie.md"]["url"] == \
        "Notes/Syntaxe%20%26%20typologie/index.html"
    assert by_path["Navigation/A propos.md"]["url"] == "a-propos/index.html"
    assert by_path["index.md"]["url"] == "index.html"


def test_no_matching_page_at_all_is_an_error(project, tmp_path):
    (tmp_path / "empty-site").mkdir()
    with pytest.raises(NoPageMatchedError, match="no note of"):
        add_search(load_settings(tmp_path / "empty-site", project, notes=project))


# --- refusing, idempotence, atomicity ------------------------------------------------------

def test_refuses_a_bundle_folder_it_did_not_write(project):
    before = files_of(project / "docs")
    with pytest.raises(BundleRefusedError, match="did not write"):
        run(project, bundle="Notes")
    assert files_of(project / "docs") == before


def test_refuses_a_foreign_file_put_into_its_bundle_folder(project):
    run(project)
    (project / "docs/mxsearch/notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BundleRefusedError, match=r"notes\.txt was not written by museumxtd"):
        run(project)
    assert (project / "docs/mxsearch/notes.txt").read_text() == "mine"


@pytest.mark.parametrize("bundle", ["..", "../outside", "/tmp/x", ".", ".hidden"])
def test_the_bundle_folder_must_be_inside_the_site(project, bundle):
    with pytest.raises(SiteSettingsError, match="inside the site"):
        run(project, bundle=bundle)


def test_a_second_run_on_the_same_notes_rewrites_nothing(project):
    first = run(project)
    before = files_of(project / "docs")
    second = run(project)
    assert second.index == first.index and not second.changed
    assert files_of(project / "docs") == before


def test_a_new_index_keeps_the_previous_one_for_pages_already_open(project):
    first = run(project).index
    write(project, {"Notes/Syntaxe & typologie.md": "# Syntaxe\n\nLa typologie, révisée.\n"})
    second = run(project).index
    bundle = project / "docs/mxsearch"
    assert second != first
    assert {p.name for p in bundle.glob("index-*")} == {first, second}
    assert f'"index": "{second}/"' in (bundle / "mxsearch.js").read_text()
    write(project, {"Notes/Syntaxe & typologie.md": "# Syntaxe\n\nEncore révisée.\n"})
    third = run(project).index
    assert {p.name for p in bundle.glob("index-*")} == {second, third}


def test_a_failed_run_leaves_the_live_bundle_whole(project, monkeypatch):
    run(project)
    before = files_of(project / "docs")
    write(project, {"Notes/Syntaxe & typologie.md": "# Syntaxe\n\nChangée.\n"})

    def dies(target, digest):
        (target / "manifest.js").write_text("{}", encoding="utf-8")
        raise OSError(28, "No space left on device")

    real = existing_site.write_bundle
    monkeypatch.setattr(existing_site, "write_bundle", lambda folder, files, *rest: real(
        folder, dataclasses.replace(files, write_index=dies), *rest))
    with pytest.raises(OSError, match="No space"):
        run(project)
    assert files_of(project / "docs") == before


def test_a_second_run_waits_for_the_one_writing_the_bundle(project):
    run(project)
    waited: list[str] = []
    with exclusive(project / "docs/mxsearch/.lock", "held by the test"):
        worker = threading.Thread(target=lambda: add_search(
            load_settings(project / "docs", project, notes=project), on_wait=waited.append))
        worker.start()
        worker.join(timeout=5)
        assert worker.is_alive() and waited == [str(os.getpid())]
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert not (project / "docs/mxsearch/.lock").exists()


def test_what_a_killed_run_left_is_cleaned_up_not_refused(project):
    run(project)
    (project / "docs/mxsearch/.tmp-99999").mkdir()
    (project / "docs/mxsearch/.tmp-99999/manifest.js").write_text("{", encoding="utf-8")
    (project / "docs/mxsearch/.tmp-99999-mxsearch.js").write_text("half", encoding="utf-8")
    run(project)
    assert not list((project / "docs/mxsearch").glob(".tmp-*"))


# --- settings ------------------------------------------------------------------------------

def test_settings_come_from_museumxtd_toml_and_flags_win(project):
    write(project, {"museumxtd.toml": '[site]\nnotes = "."\nbundle = "recherche"\n'
                                      'lang = "en"\nurl_pattern = "/{path}/"\n'
                                      'base_url = "/garden/"\n'})
    settings = load_settings(project / "docs", project)
    assert (settings.notes.resolve(), settings.bundle, settings.lang, settings.url_pattern,
            settings.base_url) == (project.resolve(), "recherche", "en", "/{path}/", "/garden/")
    flags = load_settings(project / "docs", project, bundle="mxs", lang="fr")
    assert (flags.bundle, flags.lang) == ("mxs", "fr")


def test_a_settings_file_elsewhere_lends_its_exclude(tmp_path, project):
    write(tmp_path, {"museumxtd.toml": 'exclude = ["Notes/Syntaxe*"]\n[site]\nnotes = "project"\n'})
    settings = load_settings(project / "docs", tmp_path)
    assert settings.exclude == ("Notes/Syntaxe*",)
    assert "Notes/Syntaxe & typologie.md" not in add_search(settings).pages


@pytest.mark.parametrize("toml, message", [
    ('[site]\nurl-pattern = "/{path}/"\n', "unknown key \\[site\\] url-pattern"),
    ('[site]\nlang = "de"\n', "lang must be fr or en"),
    ('[site]\nbundle = 3\n', "bundle must be a string"),
    ('[site\n', "museumxtd.toml"),
])
def test_bad_settings_name_the_file_and_the_key(project, toml, message):
    write(project, {"museumxtd.toml": toml})
    with pytest.raises(SiteSettingsError, match=message):
        load_settings(project / "docs", project)


# --- the command -----------------------------------------------------------------------------

@pytest.fixture
def invoke():
    runner = CliRunner()

    def go(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return go


def test_command_prints_left_out_notes_the_summary_and_the_snippet(invoke, project):
    result = invoke("export", "--notes", project, "--into", project / "docs")
    assert result.exit_code == 0, result.output
    assert "left out: Brouillon/Idée secrète.md: no page" in result.stderr
    assert "matched 4 of 5 notes to pages of" in result.stdout
    assert result.stdout.endswith((project / "docs/mxsearch/snippet.html").read_text())


def test_command_json_twin(invoke, project):
    result = invoke("export", "--notes", project, "--into", project / "docs", "--json")
    data = json.loads(result.stdout)
    assert data["matched"] == 4 and data["left_out"][0]["path"] == "Brouillon/Idée secrète.md"
    assert data["pages"]["index.md"] == "index.html"


def test_command_reads_the_settings_of_the_current_folder(invoke, project, monkeypatch):
    write(project, {"museumxtd.toml": '[site]\nnotes = "."\nbundle = "recherche"\n'})
    monkeypatch.chdir(project)
    result = invoke("export", "--into", "docs")
    assert result.exit_code == 0, result.output
    assert (project / "docs/recherche/mxsearch.js").is_file()


@pytest.mark.parametrize("arguments, code, message", [
    (["--into", "{site}", "--bundle", "Notes"], 1, "did not write"),
    (["--into", "{missing}"], 2, "no such folder (build the site first)"),
    (["--into", "{site}", "--url-pattern", "/{title}/"], 2, "unknown placeholder {title}"),
    (["--into", "{site}", "--out", "elsewhere"], 2, "--out is for our own site"),
    (["--bundle", "x"], 2, "--bundle goes with --into SITE"),
])
def test_command_errors_are_one_line(invoke, project, arguments, code, message):
    places = {"{site}": str(project / "docs"), "{missing}": str(project / "nope")}
    arguments = [places.get(argument, argument) for argument in arguments]
    result = invoke("export", "--notes", project, *arguments)
    assert result.exit_code == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_command_without_any_match_exits_1(invoke, project, tmp_path):
    (tmp_path / "other-site").mkdir()
    write(tmp_path / "other-site", {"index.html": "<p>x</p>"})
    result = invoke("export", "--notes", project / "Brouillon", "--into", tmp_path / "other-site")
    assert result.exit_code == 1
    assert "no note of" in result.stderr



# --- in the browser: a site served under a path, English labels -------------------------------

@pytest.mark.browser
def test_results_link_to_the_pages_of_a_site_served_under_a_path(browser, project, tmp_path):
    host = tmp_path / "host"
    site = host / "garden"
    site.parent.mkdir()
    (project / "docs").rename(site)
    summary = add_search(load_settings(site, project, notes=project, base_url="/garden/",
                                       lang="en"))
    write(site, {"search/index.html": "<!doctype html><meta charset=utf-8><title>s</title>"
                                      f"<body>{summary.snippet}</body>"})
    page = browser.new_page()
    with serve(host) as url:
        page.goto(url + "garden/search/?q=" + "r%C3%A9seaux")
        page.wait_for_selector("#search-results a[data-path]", timeout=10_000)
        assert page.inner_text("label[for=search-input]") == "Search the notes"
        link = page.locator("#search-results a[data-path]").first
        assert link.get_attribute("data-path") == \
            "Notes/Réseaux sociaux et musées. Aide à la décision.md"
        assert link.get_attribute("href") == (
            url + "garden/Notes/R%C3%A9seaux%20sociaux%20et%20mus%C3%A9es.%20Aide%20%C3%A0%20la"
            "%20d%C3%A9cision/#Reseaux-sociaux-et-musees")
        assert page.goto(link.get_attribute("href")).status == 200
    page.close()


@pytest.mark.browser
def test_a_page_swapped_in_place_gets_its_search_box_back(browser, project):
    # Quartz shows the next page without loading it (its default, enableSPA): it morphs
    # the body into the new page's, which takes our box and dialog away, then says "nav".
    summary = add_search(load_settings(project / "docs", project, notes=project))
    snippet = summary.snippet.replace("<div data-mxsearch></div>",
                                      '<div data-mxsearch="modal"></div>')
    write(project / "docs", {"page/index.html": "<!doctype html><meta charset=utf-8>"
                                                f"<title>p</title><body>{snippet}</body>"})
    page = browser.new_page()
    with serve(project / "docs") as url:
        page.goto(url + "page/")
        page.wait_for_selector("[data-mxsearch] button")
        page.evaluate("""() => {
            document.body.replaceChildren();  // what the morph leaves of our box
            const host = document.createElement("div");
            host.setAttribute("data-mxsearch", "modal");
            document.body.append(host);
            document.dispatchEvent(new CustomEvent("nav"));
        }""")
        page.keyboard.press("Control+k")
        assert page.locator("dialog").count() == 1  # the old one is gone, not reopened
        page.fill("dialog[open] input[type=search]", "réseaux")
        page.wait_for_selector("dialog[open] a[data-path]", timeout=10_000)
        assert page.locator("dialog[open] a[data-path]").first.get_attribute("data-path") == \
            "Notes/Réseaux sociaux et musées. Aide à la décision.md"
    page.close()


def test_the_python_api_adds_the_search_like_the_command(project):
    import museumxtd_search as mxs

    summary = mxs.Garden(project).export_into(project / "docs", lang="en")
    assert summary.matched == 4 and summary.to_json()["left_out"][0]["path"] == \
        "Brouillon/Idée secrète.md"


# --- attachments: PDFs and other files the search finds --------------------------------------

def add_attachments(project: Path) -> dict[str, bytes]:
    """Attachments of the notes (not in ``Docs/``: globs ignore case, and the output
    folder ``docs/`` is skipped): one the generator published at the same path, one it
    gathered in ``assets/``, one it published long ago (other bytes), one it never
    copied, and a Word file."""
    from office_files import docx_bytes
    from pdf_files import pdf_bytes

    files = {
        "Documents/Rapport annuel.pdf": pdf_bytes(["Le musée en 2023.",
                                              "L'inventaire photographique est achevé."]),
        "Documents/Brochure.pdf": pdf_bytes(["Brochure : visites guidées en famille."]),
        "Documents/Programme.pdf": pdf_bytes(["Programme du forum : ateliers de médiation."]),
        "Archives/Plan.pdf": pdf_bytes(["Plan de récolement décennal."]),
        "Documents/Compte rendu.docx": docx_bytes(["Compte rendu : restauration des cadres."]),
    }
    for relative, data in files.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_bytes(data)
    published = {"docs/Documents/Rapport annuel.pdf": files["Documents/Rapport annuel.pdf"],
                 "docs/assets/brochure.pdf": files["Documents/Brochure.pdf"],
                 "docs/Documents/Programme.pdf": pdf_bytes(["Ancien programme."])}
    for relative, data in published.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_bytes(data)
    return files


def test_attachments_are_searched_and_link_to_the_sites_copy_or_the_bundles(project):
    files = add_attachments(project)
    summary = run(project)
    assert summary.attachments == {
        "Archives/Plan.pdf": "mxsearch/files/Archives/Plan.pdf",
        "Documents/Brochure.pdf": "assets/brochure.pdf",  # the generator's copy, same bytes
        "Documents/Compte rendu.docx": "mxsearch/files/Documents/Compte rendu.docx",
        "Documents/Programme.pdf": "mxsearch/files/Documents/Programme.pdf",  # the site's is stale
        "Documents/Rapport annuel.pdf": "Documents/Rapport annuel.pdf",  # the same path
    }
    assert summary.copied == 3 and "5 attachments searchable (3 copied" in summary.line()
    assert summary.notes == 5 and summary.matched == 4  # attachments are not notes
    bundle = project / "docs/mxsearch"
    for inside in ("files/Archives/Plan.pdf", "files/Documents/Programme.pdf",
                   "files/Documents/Compte rendu.docx"):
        assert (bundle / inside).read_bytes() == files[inside.removeprefix("files/")]
    urls = {fragment["path"]: (fragment["url"], [s[1] for s in fragment["sections"]])
            for fragment in fragments(bundle)}
    assert urls["Documents/Rapport annuel.pdf"] == ("Documents/Rapport%20annuel.pdf",
                                               ["page=1", "page=2"])
    assert urls["Archives/Plan.pdf"][0] == "mxsearch/files/Archives/Plan.pdf"
    assert urls["Documents/Compte rendu.docx"] == \
        ("mxsearch/files/Documents/Compte%20rendu.docx", [""])


def test_copied_attachments_follow_the_notes_and_a_rerun_rewrites_nothing(project):
    add_attachments(project)
    run(project)
    before = files_of(project / "docs")
    assert not run(project).changed
    assert files_of(project / "docs") == before
    (project / "Archives/Plan.pdf").unlink()
    summary = run(project)
    assert summary.changed and "Archives/Plan.pdf" not in summary.attachments
    assert not (project / "docs/mxsearch/files/Archives").exists()
    assert (project / "docs/mxsearch/files/Documents/Programme.pdf").is_file()


def test_an_unreadable_attachment_is_one_warning_and_the_rest_is_searched(project):
    from pdf_files import BROKEN_PDF

    add_attachments(project)
    (project / "Documents/Cassé.pdf").write_bytes(BROKEN_PDF)
    summary = run(project)
    assert [w for w in summary.warnings if "Documents/Cassé.pdf" in w] == [
        next(w for w in summary.warnings if w.startswith("Documents/Cassé.pdf: PDF not indexed"))]
    assert "Documents/Cassé.pdf" not in summary.attachments and len(summary.attachments) == 5


@pytest.mark.browser
def test_a_pdf_result_of_the_bundle_opens_the_pdf_at_its_page(browser, project):
    add_attachments(project)
    summary = run(project)
    write(project / "docs", {"search/index.html": "<!doctype html><meta charset=utf-8>"
                                                  f"<title>s</title><body>{summary.snippet}"
                                                  "</body>"})
    page = browser.new_page()
    with serve(project / "docs") as url:
        for query, path, href in [
                ("inventaire photographique", "Documents/Rapport annuel.pdf",
                 url + "Documents/Rapport%20annuel.pdf#page=2"),
                ("récolement", "Archives/Plan.pdf",
                 url + "mxsearch/files/Archives/Plan.pdf#page=1"),
                ("restauration cadres", "Documents/Compte rendu.docx",
                 url + "mxsearch/files/Documents/Compte%20rendu.docx")]:
            page.goto(url + "search/?q=" + query)
            link = page.locator(f'#search-results a[data-path="{path}"]').first
            link.wait_for(timeout=10_000)
            assert link.get_attribute("href") == href, query
            response = page.request.get(href.split("#")[0])
            assert response.ok and response.body() == (project / path).read_bytes()
    page.close()
