"""Related notes (``related``): the closest notes to one, each with true reasons.

A tiny garden written here holds each signal alone; the real MuseumXTD garden (skipped
when absent) proves every note gets results, never itself, and every reason is true.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

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
    assert "1 shared tag: numérique" in numerisation
    shared = next(r for r in numerisation if r.startswith("shared: "))
    assert "numérisation" in shared  # spelt as the note writes it, not a stem
    assert "2 shared tags: collections, numérique" in found["Notes/Photographie.md"]
    assert "links to it" in found["Notes/Bibliographie.md"]


def test_a_shared_acronym_is_named_in_capitals(make_vault, tmp_path):
    notes = make_vault({
        "Autriche.md": "# Partenaires\nArs Electronica (AT) et le musée Belvedere (AT).",
        "Vienne.md": "# Incubateur\nUn incubateur de musées, avec Ars Electronica (AT).",
        "Autre.md": "# Autre\nRien à voir.",
    })
    found = reasons_of(Garden(notes, index=tmp_path / "index").related("Vienne"))
    shared = next(r for r in found["Autriche.md"] if r.startswith("shared: "))
    assert "AT" in shared.removeprefix("shared: ").split(", ")


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
    assert set(data["results"][0]) == {"path", "title", "score", "reasons", "why"}
    # ``reasons`` stay English sentences for scripts; ``why`` is the same as data.
    photographie = next(r for r in data["results"] if r["path"] == "Notes/Photographie.md")
    assert "2 shared tags: collections, numérique" in photographie["reasons"]
    assert {"kind": "tags", "count": 2, "names": ["collections", "numérique"]} in \
        photographie["why"]
    assert len(photographie["why"]) == len(photographie["reasons"])


def test_reasons_read_in_french_and_in_english():
    from museumxtd_search.engine.related import REASON_PHRASES, Reason

    examples = [Reason("words", 2, ("numérisation", "inventaire")),
                Reason("tags", 3, ("a", "b", "c")), Reason("tags", 1, ("musée",)),
                Reason("links_to"), Reason("linked_from"),
                Reason("both_link_to", 1, ("Open data",)), Reason("both_link_to", 4),
                Reason("cited_with", 1, ("Bibliographie",)), Reason("cited_with", 2),
                Reason("same_folder")]
    assert {reason.kind for reason in examples} == set(REASON_PHRASES["en"]) == \
        set(REASON_PHRASES["fr"])
    assert [reason.text("fr") for reason in examples] == [
        "en commun : numérisation, inventaire", "3 tags en commun : a, b, c",
        "1 tag en commun : musée", "lien vers cette note", "lien depuis cette note",
        "liens communs vers « Open data »", "liens communs vers 4 notes",
        "citées ensemble par « Bibliographie »", "citées ensemble par 2 notes", "même dossier"]
    assert [reason.text("en") for reason in examples] == [
        "shared: numérisation, inventaire", "3 shared tags: a, b, c", "1 shared tag: musée",
        "links to it", "linked from it", "both link to « Open data »", "both link to 4 notes",
        "cited with it by « Bibliographie »", "cited with it by 2 notes", "same folder"]


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
        elif match := re.fullmatch(r"(\d+) shared tags?: (.+)", reason):
            names = match.group(2).split(", ")
            assert len(names) == int(match.group(1))
            for name in names:
                assert key(name) in {key(t) for t in mine.note.tags}
                assert key(name) in {key(t) for t in other.note.tags}
        elif reason.startswith("shared: "):
            words = reason.removeprefix("shared: ").split(", ")
            assert not any(word.isdigit() for word in words), reason  # numbers say nothing
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


# --- exported pages ------------------------------------------------------------------------

def related_anchors(html: str) -> list[tuple[str, str]]:
    """(href, data-path) of the links in a page's related-notes list."""
    block = re.search(r'<aside class="related".*?</aside>', html, re.S)
    return re.findall(r'<a href="([^"]+)" data-path="([^"]+)">', block.group()) if block else []


def test_every_exported_page_lists_its_related_notes_as_links_that_resolve(garden, tmp_path):
    from museumxtd_search.site.export import export_site

    out = tmp_path / "site"
    export_site(garden.notes, out)
    page = out / "notes/inventaire/index.html"
    anchors = related_anchors(page.read_text("utf-8"))
    expected = [near.path for near in garden.related("Inventaire").results]
    assert [path for _, path in anchors] == expected
    for href, _ in anchors:
        assert (page.parent / href).resolve().is_file(), href
    # A French note's page gives its reasons in French.
    assert "lien depuis cette note" in page.read_text("utf-8")
    assert "linked from it" not in page.read_text("utf-8")
    # A note kept out of search shows none and is in no list.
    assert not related_anchors((out / "notes/brouillon/index.html").read_text("utf-8"))
    for html in out.rglob("*.html"):
        assert "Notes/Brouillon.md" not in {p for _, p in related_anchors(html.read_text())}


def test_an_english_notes_page_gives_its_related_notes_in_english(make_vault, tmp_path):
    from museumxtd_search.site.export import export_site

    notes = make_vault({**GARDEN, "Notes/Digitization.md":
                        "---\nlang: en\ntags: [numérique]\n---\n# Digitization\n\nThe "
                        "digitization of the collections, see [[Numérisation]].\n"})
    out = tmp_path / "site"
    export_site(notes, out)
    html = (out / "notes/digitization/index.html").read_text("utf-8")
    related = html.split('<aside class="related"')[1]
    assert '<html lang="en">' in html and "Related notes" in related
    assert "linked from it" in related and "both link to « Numérisation »" in related
    french = (out / "notes/numerisation/index.html").read_text("utf-8").split(
        '<aside class="related"')[1]
    assert "Notes proches" in french and "lien vers cette note" in french


@pytest.mark.browser
def test_related_notes_on_a_page_open_their_notes_in_the_browser(garden, tmp_path, browser):
    from browser_support import serve

    from museumxtd_search.site.export import export_site

    export_site(garden.notes, tmp_path / "site")
    with serve(tmp_path / "site") as url:
        page = browser.new_page()
        page.goto(url + "notes/numerisation/index.html")
        links = page.locator("aside.related a")
        assert links.count() >= 3
        hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
        for href in hrefs:
            response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
            assert response.ok, href
        first = links.first.inner_text()
        links.first.click()
        page.wait_for_load_state()
        assert page.title().startswith(first)
        page.close()


# --- the drop-in bundle (export --into) ------------------------------------------------------

def built_site(make_vault) -> tuple:
    """A garden and the site another generator built from it (Eleventy's kept paths)."""
    notes = make_vault(GARDEN)
    pages = {path.removesuffix(".md") + "/index.html": f"<h1>{path}</h1>"
             for path in GARDEN}
    site = notes.parent / "host" / "garden"
    for relative, html in pages.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(html, encoding="utf-8")
    return notes, site


def test_the_bundle_carries_each_pages_related_notes(make_vault):
    from museumxtd_search.site.existing_site import add_search, load_settings

    notes, site = built_site(make_vault)
    summary = add_search(load_settings(site, notes, notes=notes))
    related = json.loads((site / "mxsearch" / summary.index / "related.json").read_text("utf-8"))
    mine = related["Notes/Inventaire/index.html"]
    expected = Garden(notes).related("Inventaire").results
    assert [item["title"] for item in mine] == [near.title for near in expected]
    # In the bundle's language (--lang, French by default), as its heading is.
    assert [item["reasons"] for item in mine] == [list(near.reasons_in("fr"))
                                                  for near in expected]
    assert any(reason.startswith(("lien ", "1 tag en commun")) for item in mine
               for reason in item["reasons"])
    english = add_search(load_settings(site, notes, notes=notes, lang="en"))
    related = json.loads((site / "mxsearch" / english.index / "related.json").read_text("utf-8"))
    assert [item["reasons"] for item in related["Notes/Inventaire/index.html"]] == \
        [list(near.reasons) for near in expected]
    for item in mine:
        assert (site / unquote(item["url"])).is_file(), item["url"]
    assert not any("Brouillon" in key or any("Brouillon" in i["url"] for i in items)
                   for key, items in related.items())


@pytest.mark.browser
def test_a_bundle_page_shows_its_related_notes_as_links_that_resolve(make_vault, browser):
    from browser_support import serve

    from museumxtd_search.site.existing_site import add_search, load_settings

    notes, site = built_site(make_vault)
    summary = add_search(load_settings(site, notes, notes=notes, base_url="/garden/"))
    page_file = site / "Notes/Numérisation/index.html"
    page_file.write_text("<!doctype html><meta charset=utf-8><title>Numérisation</title><body>"
                         f"{summary.snippet}<div data-mxsearch-related></div></body>", "utf-8")
    page = browser.new_page()
    with serve(site.parent) as url:
        page.goto(url + "garden/Notes/Num%C3%A9risation/")
        page.wait_for_selector("[data-mxsearch-related] a", timeout=10_000)
        links = page.locator("[data-mxsearch-related] a")
        titles = [near.title for near in Garden(notes).related("Numérisation").results]
        assert [links.nth(n).inner_text() for n in range(links.count())] == titles
        for n in range(links.count()):
            href = links.nth(n).get_attribute("href")
            assert href.startswith(url + "garden/Notes/")
            assert page.request.get(href).status == 200, href
    page.close()


@pytest.mark.browser
def test_a_page_shown_without_loading_gets_its_own_related_notes(make_vault, browser):
    # Quartz's navigation: the address changes, the body is morphed into the next page's
    # (our list taken away, its empty element in place), then it says "nav".
    from browser_support import serve

    from museumxtd_search.site.existing_site import add_search, load_settings

    notes, site = built_site(make_vault)
    summary = add_search(load_settings(site, notes, notes=notes))
    (site / "Notes/Numérisation/index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Numérisation</title><body>"
        f"{summary.snippet}<div data-mxsearch-related></div></body>", "utf-8")
    page = browser.new_page()
    with serve(site) as url:
        page.goto(url + "Notes/Num%C3%A9risation/")
        page.wait_for_selector("[data-mxsearch-related] a", timeout=10_000)
        page.evaluate("""() => {
            history.pushState(null, "", "../Inventaire/");
            document.querySelector("[data-mxsearch-related]").replaceChildren();
            document.dispatchEvent(new CustomEvent("nav"));
        }""")
        page.wait_for_selector("[data-mxsearch-related] a", timeout=10_000)
        links = page.locator("[data-mxsearch-related] a")
        titles = [near.title for near in Garden(notes).related("Inventaire").results]
        assert [links.nth(n).inner_text() for n in range(links.count())] == titles
        assert page.locator("[data-mxsearch-related] h2").count() == 1
    page.close()


@pytest.mark.browser
def test_a_page_without_related_notes_does_not_fetch_their_script(make_vault, browser):
    from browser_support import serve

    from museumxtd_search.site.existing_site import add_search, load_settings

    notes, site = built_site(make_vault)
    summary = add_search(load_settings(site, notes, notes=notes))
    (site / "search.html").write_text("<!doctype html><meta charset=utf-8><title>s</title>"
                                      f"<body>{summary.snippet}</body>", "utf-8")
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    with serve(site) as url:
        page.goto(url + "search.html")
        page.fill("[data-mxsearch] input", "inventaire")
        page.wait_for_selector(".mxsearch-results a", timeout=10_000)
    assert any(u.endswith("/mxsearch/mxsearch.js") for u in fetched)
    assert not any("mxsearch-related" in u or u.endswith("related.json") for u in fetched)
    page.close()


def analyses_of(root) -> dict:
    vault = read_vault(root)
    return {note.path: analyze_note(note, vault.links.resolve_all(note), vault.links)
            for note in vault.notes if note.searchable}


def test_an_edit_put_in_place_answers_as_a_model_built_again(make_vault):
    # The edit keeps the note's set of words (so the words' rarity is the same):
    # the model updated in place must then answer exactly as one built from scratch.
    root = make_vault(GARDEN)
    model = RelatedNotes(analyses_of(root).values())
    make_vault({"Notes/Inventaire.md": GARDEN["Notes/Inventaire.md"]
                + "Numérisation, inventaire, récolement.\nVoir [[Photographie|inventaire]].\n"})
    edited = analyses_of(root)
    model.replace(edited["Notes/Inventaire.md"])
    rebuilt = RelatedNotes(edited.values())
    for path, item in edited.items():
        assert model.related(item, limit=10) == rebuilt.related(item, limit=10), path
    assert "Notes/Photographie.md" in model.neighbours("Notes/Inventaire.md")


@pytest.mark.parametrize("exact_up_to", [500, 0], ids=["every list", "nearest lists"])
def test_the_live_preview_rewrites_the_related_lists_an_edit_changes(make_vault, tmp_path,
                                                                     monkeypatch, exact_up_to):
    from museumxtd_search.site import live
    from museumxtd_search.site.live import LiveSite
    monkeypatch.setattr(live, "EXACT_RELATED_UP_TO", exact_up_to)
    root = make_vault(GARDEN)
    site = LiveSite(root, tmp_path / "site")
    page = tmp_path / "site" / site.urls["Notes/Cuisine.md"] / "index.html"
    assert "lien depuis cette note" not in \
        page.read_text(encoding="utf-8").split("Notes proches")[-1]
    make_vault({"Notes/Cuisine.md": "# Cuisine\n\nUne recette de tarte aux pommes, "
                                    "photographiée : [[Photographie]].\n"})
    done = site.refresh()
    assert done is not None and not done.full
    related = page.read_text(encoding="utf-8").split("Notes proches")[-1]
    assert "Photographie" in related and "lien depuis cette note" in related
    other = tmp_path / "site" / site.urls["Notes/Photographie.md"] / "index.html"
    listed = other.read_text(encoding="utf-8").split("Notes proches")[-1]
    assert re.search(r">Cuisine</a> <span class=\"related-reasons\">[^<]*lien vers cette note",
                     listed)
