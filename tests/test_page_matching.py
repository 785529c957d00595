"""Each note is matched to the page another generator built for it, or left out with
a reason; and results link to the anchors that page gave its headings."""

from __future__ import annotations

import unicodedata

import pytest

from museumxtd_search.site.built_pages import (
    heading_anchors,
    is_redirect,
    list_pages,
    section_anchors,
)
from museumxtd_search.site.page_matching import (
    UrlPattern,
    UrlPatternError,
    match_pages,
    page_files,
)
from museumxtd_search.vault.notes import Section


def pages_of(notes, pages, pattern=None):
    """{note path: page} and {note path: reason} for notes without front matter
    (``notes`` may map a path to its front matter)."""
    items = notes.items() if isinstance(notes, dict) else [(path, {}) for path in notes]
    matches = match_pages(items, pages, UrlPattern(pattern) if pattern else None)
    return ({m.path: m.page for m in matches.matched},
            {n.path: n.reason for n in matches.unmatched})


# --- Eleventy's default: the path kept --------------------------------------------------

def test_eleventy_keeps_the_path_with_spaces_accents_and_dots():
    note = "Notes/Réseaux sociaux et musées. Aide à la décision.md"
    page = "Notes/Réseaux sociaux et musées. Aide à la décision/index.html"
    assert pages_of([note], [page, "index.html"])[0] == {note: page}


def test_ampersand_and_trailing_dots_are_kept_when_the_generator_keeps_them():
    notes = ["Aide/Syntaxe & typologie.md", "Aide/Formulation pour parler....md"]
    pages = ["Aide/Syntaxe & typologie/index.html", "Aide/Formulation pour parler.../index.html"]
    matched, _ = pages_of(notes, pages)
    assert matched == dict(zip(notes, pages, strict=True))


def test_trailing_dots_dropped_by_the_generator_still_match():
    matched, _ = pages_of(["Brouillon/Journée immersive..md"],
                          ["Brouillon/Journée immersive/index.html"])
    assert matched == {"Brouillon/Journée immersive..md": "Brouillon/Journée immersive/index.html"}


def test_decomposed_accents_on_disk_match_composed_note_paths():
    page = unicodedata.normalize("NFD", "Notes/Évaluation finale/index.html")
    matched, _ = pages_of(["Notes/Évaluation finale.md"], [page])
    assert matched == {"Notes/Évaluation finale.md": page}


def test_stem_dot_html_pages_match():
    matched, _ = pages_of(["about.md", "Notes/Musées.md"], ["about.html", "Notes/Musées.html"])
    assert matched == {"about.md": "about.html", "Notes/Musées.md": "Notes/Musées.html"}


# --- index pages -------------------------------------------------------------------------

def test_index_notes_are_their_folders_index_page():
    notes = ["index.md", "Notes/index.md", "docs/_index.md"]
    matched, _ = pages_of(notes, ["index.html", "Notes/index.html", "docs/index.html"])
    assert matched == {"index.md": "index.html", "Notes/index.md": "Notes/index.html",
                       "docs/_index.md": "docs/index.html"}


def test_a_note_named_like_its_folder_is_the_folder_index_in_eleventy():
    matched, _ = pages_of(["tables/tables.md"], ["tables/index.html"])
    assert matched == {"tables/tables.md": "tables/index.html"}


def test_readme_has_its_own_page_in_eleventy_and_is_the_folder_index_in_mkdocs():
    assert pages_of(["README.md"], ["README/index.html", "index.html"])[0] == \
        {"README.md": "README/index.html"}
    assert pages_of(["guide/README.md"], ["guide/index.html"])[0] == \
        {"guide/README.md": "guide/index.html"}


def test_index_note_wins_the_folder_page_over_the_readme():
    matched, unmatched = pages_of(["guide/README.md", "guide/index.md"], ["guide/index.html"])
    assert matched == {"guide/index.md": "guide/index.html"}
    assert "guide/README.md" in unmatched


# --- slugified and lowercased paths ------------------------------------------------------

def test_slugified_lowercase_paths_match_by_their_words():
    notes = ["Notes/Réseaux sociaux et musées. Aide à la décision.md",
             "Notes/L'évaluation dans la culture.md", "Notes/Café & croissants.md"]
    pages = ["notes/reseaux-sociaux-et-musees-aide-a-la-decision/index.html",
             "notes/levaluation-dans-la-culture.html",  # Hugo drops the apostrophe
             "notes/cafe-and-croissants/index.html"]  # & read as "and"
    matched, _ = pages_of(notes, pages)
    assert matched == dict(zip(notes, pages, strict=True))


def test_hugo_keeps_accents_in_lowercase_paths():
    matched, _ = pages_of(["posts/Réseaux sociaux.md"], ["posts/réseaux-sociaux/index.html"])
    assert matched == {"posts/Réseaux sociaux.md": "posts/réseaux-sociaux/index.html"}


# --- front matter ------------------------------------------------------------------------

def test_permalink_names_the_page():
    notes = {"Navigation/A propos.md": {"permalink": "/a-propos/"},
             "feed.md": {"permalink": "/flux.html"},
             "Notes/x.md": {"url": "/articles/x/"},
             "Notes/y.md": {"dg-permalink": "mon-adresse"}}  # a Digital Garden vault's
    matched, _ = pages_of(notes, ["a-propos/index.html", "flux.html", "articles/x/index.html",
                                  "Notes/x/index.html", "mon-adresse/index.html",
                                  "Notes/y/index.html"])
    assert matched == {"Navigation/A propos.md": "a-propos/index.html", "feed.md": "flux.html",
                       "Notes/x.md": "articles/x/index.html",
                       "Notes/y.md": "mon-adresse/index.html"}


def test_a_slug_in_the_front_matter_names_the_page():
    # Hugo and Docusaurus: in the note's folder; Starlight, Docusaurus' "/…": from the root.
    notes = {"posts/2023-01-15 Premier billet.md": {"slug": "premier-billet"},
             "guides/Intro.md": {"slug": "/demarrer/introduction"},
             "docs/Guide.md": {"slug": "guides/intro"},
             "Notes/Réseaux.md": {"slug": "reseaux-sociaux"}}  # Eleventy ignores slug
    pages = ["posts/premier-billet/index.html", "demarrer/introduction/index.html",
             "guides/intro/index.html", "Notes/Réseaux/index.html", "docs/Guide/index.html"]
    matched, _ = pages_of(notes, pages)
    assert matched == {"posts/2023-01-15 Premier billet.md": "posts/premier-billet/index.html",
                       "guides/Intro.md": "demarrer/introduction/index.html",
                       "docs/Guide.md": "guides/intro/index.html",
                       "Notes/Réseaux.md": "Notes/Réseaux/index.html"}


def test_permalink_false_means_no_page_even_if_the_path_has_one():
    matched, unmatched = pages_of({"Notes/x.md": {"permalink": False}}, ["Notes/x/index.html"])
    assert matched == {}
    assert unmatched == {"Notes/x.md": "permalink: false"}


def test_a_permalink_without_its_page_leaves_the_note_out():
    _, unmatched = pages_of({"Notes/x.md": {"permalink": "/ailleurs/"}}, ["Notes/x/index.html"])
    assert unmatched == {"Notes/x.md": "no page at its permalink (ailleurs/index.html)"}


def test_a_templated_permalink_falls_back_to_the_conventions():
    notes = {"Notes/Mon titre.md": {"permalink": "{{ title | slugify }}/"}}
    assert pages_of(notes, ["mon-titre/index.html", "Notes/Mon titre/index.html"])[0] == \
        {"Notes/Mon titre.md": "Notes/Mon titre/index.html"}


def test_a_digital_garden_home_note_is_the_sites_root_whatever_its_permalink():
    # The Obsidian plugin's Eleventy template publishes the note tagged gardenEntry at /.
    notes = {"index.md": {"permalink": "/index/", "tags": ["gardenEntry"]},
             "Accueil.md": {"permalink": "/accueil/", "dg-home": True},
             "Notes/x.md": {"permalink": "/notes/x/", "tags": "gardenEntry-not"}}
    matched, unmatched = pages_of({k: v for k, v in notes.items() if k != "Accueil.md"},
                                  ["index.html", "notes/x/index.html"])
    assert matched == {"index.md": "index.html", "Notes/x.md": "notes/x/index.html"}
    assert pages_of({"Accueil.md": notes["Accueil.md"]}, ["index.html"])[0] == \
        {"Accueil.md": "index.html"}


# --- drafts and collisions -------------------------------------------------------------

def test_a_draft_the_generator_ignored_is_left_out_with_what_was_looked_for():
    matched, unmatched = pages_of(["Brouillon/Innovation.md", "Notes/Innovation.md"],
                                  ["Notes/Innovation/index.html"])
    assert matched == {"Notes/Innovation.md": "Notes/Innovation/index.html"}
    assert unmatched == {"Brouillon/Innovation.md":
                         "no page (looked for Brouillon/Innovation/index.html, …)"}


def test_two_notes_claiming_one_page_get_neither_and_say_so():
    matched, unmatched = pages_of(["Notes/Café.md", "Notes/cafe.md"], ["notes/cafe/index.html"])
    assert matched == {}
    assert unmatched["Notes/Café.md"] == \
        "shares the page notes/cafe/index.html with Notes/cafe.md"
    assert unmatched["Notes/cafe.md"] == \
        "shares the page notes/cafe/index.html with Notes/Café.md"


def test_an_exact_match_beats_a_slug_match_for_the_same_page():
    matched, unmatched = pages_of(["Notes/Café.md", "Notes/cafe!.md"], ["Notes/Café/index.html"])
    assert matched == {"Notes/Café.md": "Notes/Café/index.html"}
    assert "Notes/cafe!.md" in unmatched


def test_a_note_and_a_folder_index_writing_the_same_page_get_neither():
    _, unmatched = pages_of(["x.md", "x/index.md"], ["x/index.html"])
    assert set(unmatched) == {"x.md", "x/index.md"}


def test_several_candidate_pages_are_ambiguous():
    _, unmatched = pages_of(["Notes/Café.md"], ["notes/cafe.html", "notes/cafe/index.html"])
    assert unmatched["Notes/Café.md"].startswith("several pages could be its page:")


def test_redirects_a_generator_writes_for_aliases_are_no_note_s_page():
    # Hugo writes a redirect page for each alias, named like it: "Open Data" and
    # "opendata" of the note "open data" would make its slug ambiguous, and an alias
    # named exactly like another note would take that note's page.
    pages = ["open-data/index.html", "Open Data/index.html", "opendata/index.html",
             "mesh/index.html", "MeSH/index.html"]
    matches = match_pages([("open data.md", {}), ("MeSH.md", {})], pages,
                          is_redirect=lambda page: page not in {"open-data/index.html",
                                                                 "mesh/index.html"})
    assert {m.path: m.page for m in matches.matched} == {
        "open data.md": "open-data/index.html", "MeSH.md": "mesh/index.html"}


@pytest.mark.parametrize(("head", "redirect"), [
    # Hugo's alias page, as it writes it
    ('<!DOCTYPE html><html lang="fr"><head><title>https://x.org/mesh/</title>'
     '<link rel="canonical" href="https://x.org/mesh/"><meta charset="utf-8">'
     '<meta http-equiv="refresh" content="0; url=https://x.org/mesh/"></head></html>', True),
    ("<meta content='0;URL=/a/' http-equiv='Refresh'>", True),  # any order and case
    ('<meta http-equiv="refresh" content="300">', False),  # reloads itself: a page
    ('<meta charset="utf-8"><h1>Café</h1><p>refresh url=</p>', False),
])
def test_a_redirect_is_a_page_whose_head_sends_the_browser_elsewhere(tmp_path, head,
                                                                     redirect):
    (tmp_path / "index.html").write_text(head, encoding="utf-8")
    assert is_redirect(tmp_path, "index.html") is redirect
    assert is_redirect(tmp_path, "absent.html") is False


# --- --url-pattern -----------------------------------------------------------------------

def test_url_pattern_places_every_note():
    notes = ["Notes/Réseaux sociaux.md", "Guides/Évaluer.md"]
    pages = ["posts/reseaux-sociaux/index.html", "posts/evaluer/index.html"]
    matched, _ = pages_of(notes, pages, "/posts/{slug}/")
    assert matched == dict(zip(notes, pages, strict=True))


def test_url_pattern_placeholders():
    pattern = UrlPattern("/{folder}/{name}.html")
    assert pattern.url("Notes/Un & deux.md") == "/Notes/Un & deux.html"
    assert UrlPattern("/{slug_path}/").url("Notes/Un & deux.md") == "/notes/un-deux/"
    assert UrlPattern("/{path}/").pages("top.md") == ["top/index.html"]


def test_url_pattern_rejects_unknown_placeholders_and_patterns_without_any():
    with pytest.raises(UrlPatternError, match=r"unknown placeholder \{title\}"):
        UrlPattern("/{title}/")
    with pytest.raises(UrlPatternError, match="no placeholder"):
        UrlPattern("/posts/")


def test_page_files_never_leave_the_site():
    assert page_files("/a%20b/") == ["a b/index.html"]
    assert page_files("/a/b") == ["a/b.html", "a/b/index.html"]
    assert page_files("/../etc/passwd") == []
    assert page_files("/") == ["index.html"]


# --- the built pages -------------------------------------------------------------------

def test_listing_pages_skips_the_bundle_and_hidden_folders(tmp_path):
    for name in ["index.html", "Notes/A/index.html", "mxsearch/snippet.html",
                 ".git/x.html", "css/main.css", "old.htm"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert list_pages(tmp_path, skip=["mxsearch"]) == ["Notes/A/index.html", "index.html",
                                                       "old.htm"]


def test_sections_link_to_the_anchors_the_page_gave_its_headings():
    page = ('<h3 id="Reseaux-sociaux-et-musees.-Aide-a-la-decision" tabindex="-1">'
            '<a href="https://x">Réseaux sociaux et musées. Aide à la décision</a></h3>'
            '<h2 id="A-retenir">A retenir</h2><h2>Sans id</h2>'
            "<h2 id='A-retenir-2'>A retenir</h2>")
    headings = heading_anchors(page)
    assert headings == [("Réseaux sociaux et musées. Aide à la décision",
                         "Reseaux-sociaux-et-musees.-Aide-a-la-decision"),
                        ("A retenir", "A-retenir"), ("A retenir", "A-retenir-2")]
    sections = [Section("", "", 0),
                Section("Réseaux sociaux et musées. Aide à la décision", "reseaux", 0),
                Section("À retenir", "a-retenir", 10), Section("Sans id", "sans-id", 20),
                Section("À retenir", "a-retenir-2", 30)]
    assert section_anchors(sections, headings) == [
        "", "Reseaux-sociaux-et-musees.-Aide-a-la-decision", "A-retenir", "", "A-retenir-2"]


# --- Jekyll's posts: published under their date ----------------------------------------

def test_a_jekyll_post_is_the_page_under_its_date_and_categories():
    notes = {"_posts/2023-01-15-Musée virtuel.md": {},
             "blog/_posts/2023-02-01-bilan.md": {"date": "2023-02-02 10:00:00 +0100"},
             "_posts/2023-03-01-long-titre-de-fichier.md": {"slug": "court"},
             "_posts/2023-04-01-sans-date.md": {},
             "_posts/2023-05-01-absent.md": {}}
    pages = ["actu/2023/01/15/musee-virtuel.html", "blog/2023/02/02/bilan/index.html",
             "2023/03/01/court.html", "blog/sans-date/index.html", "index.html"]
    matched, unmatched = pages_of(notes, pages)
    assert matched == {"_posts/2023-01-15-Musée virtuel.md": pages[0],
                       "blog/_posts/2023-02-01-bilan.md": pages[1],
                       "_posts/2023-03-01-long-titre-de-fichier.md": pages[2],
                       "_posts/2023-04-01-sans-date.md": pages[3]}
    assert unmatched == {"_posts/2023-05-01-absent.md":
                         "no page (looked for …/2023/05/01/absent.html, …)"}


def test_an_unpublished_post_never_takes_a_tags_page_or_a_page_named_like_it():
    notes = {"_posts/2023-01-15-musees.md": {}, "_posts/2023-01-16-atelier.md":
             {"published": False}}
    matched, unmatched = pages_of(notes, ["tags/musees/index.html", "atelier/index.html"])
    assert matched == {}
    assert set(unmatched) == set(notes)


def test_a_dated_note_outside_posts_keeps_its_path_and_a_title_on_two_pages_is_ambiguous():
    matched, unmatched = pages_of(["Journal/2023-01-15-réunion.md", "_posts/2023-01-16-note.md"],
                                  ["Journal/2023-01-15-réunion/index.html",
                                   "a/note.html", "b/note/index.html"])
    assert matched == {"Journal/2023-01-15-réunion.md": "Journal/2023-01-15-réunion/index.html"}
    assert unmatched["_posts/2023-01-16-note.md"].startswith("several pages could be its page:")


def test_a_jekyll_collection_published_by_name_finds_each_notes_page():
    # The digital garden template: ``_notes`` with ``permalink: /:slug``; another
    # collection keeps Jekyll's default, ``/:collection/:path/``.
    notes = {"_notes/Your first note.md": {}, "_notes/Jardin/Autre note.md": {},
             "_docs/Guide.md": {}, "_notes/Brouillon.md": {"published": False},
             "_includes/pied.md": {}}
    pages = ["your-first-note.html", "autre-note/index.html", "docs/guide/index.html",
             "tags/brouillon/index.html", "brouillon.html", "pied.html", "index.html"]
    matched, unmatched = pages_of(notes, pages)
    assert matched == {"_notes/Your first note.md": "your-first-note.html",
                       "_notes/Jardin/Autre note.md": "autre-note/index.html",
                       "_docs/Guide.md": "docs/guide/index.html"}
    assert set(unmatched) == {"_notes/Brouillon.md", "_includes/pied.md"}
