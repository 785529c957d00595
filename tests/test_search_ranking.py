"""Searching the bundled garden: what a person types, and what should come first."""

from __future__ import annotations

import pytest

from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import search
from museumxtd_search.text.folding import fold
from museumxtd_search.text.keys import key

RESEAUX = "Notes/Réseaux sociaux et musées.md"
STRATEGIE = "Notes/Stratégie numérique.md"
EVALUER = "Guides/Comment évaluer un projet numérique.md"
DIGITIZATION = "Ressources/Digitization of Museum Collections.md"
REUNION = "Brouillon/Notes de réunion internes.md"


@pytest.fixture(scope="module")
def find(searcher):
    """Paths of every result of a query, best first."""

    def paths(query: str, **options) -> list[str]:
        return [hit.path for hit in searcher.search(query, limit=1000, **options).results]

    return paths


# --- French text: accents, elisions, plurals -----------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("reseaux sociaux", RESEAUX),
    ("strategie numerique", STRATEGIE),
    ("evaluer projet numerique", EVALUER),
])
def test_accentless_query_finds_accented_title(find, query, expected):
    assert find(query)[0] == expected


def test_accentless_and_accented_queries_find_the_same_notes(find):
    assert set(find("reseaux sociaux")) == set(find("réseaux sociaux"))


@pytest.mark.parametrize("query", ["l'évaluation", "l’évaluation", "L’Évaluation"])
def test_elided_query_finds_the_word_without_its_article(find, query):
    assert find(query)[0] == EVALUER
    assert find(query) == find("évaluation")


@pytest.mark.parametrize(("plural", "singular"), [("musées", "musée"),
                                                  ("collections", "collection")])
def test_plural_and_singular_queries_find_the_same_notes(find, plural, singular):
    assert set(find(plural)) == set(find(singular))
    assert find(plural)


# --- words written with a hyphen -----------------------------------------------------


@pytest.mark.parametrize(("joined", "hyphenated"), [("weekend", "week-end"),
                                                    ("ecoconception", "éco-conception"),
                                                    ("motscles", "mots-clés")])
def test_a_word_written_with_a_hyphen_is_found_written_in_one_piece(find, searcher, joined,
                                                                   hyphenated):
    assert searcher.search(joined).suggestion is None
    assert set(find(joined)) <= set(find(hyphenated))
    assert find(joined)


def test_email_and_e_mail_find_each_other_without_changing_any_other_score(make_vault,
                                                                          tmp_path):
    garden = make_vault({
        "lettre.md": "# Lettre\nLe musée envoie un e-mail à ses amis.",
        "courrier.md": "# Courrier\nLe musée envoie un mail à ses amis.",
        "envoi.md": "# Envoi\nL'envoi d'e-mails marketing aux visiteurs.",
        "infolettre.md": "# Infolettre\nUn email par mois aux abonnés.",
    })
    build_index(garden, tmp_path / "index")

    def hits(query: str) -> dict[str, float]:
        return {hit.path: hit.score for hit in search(tmp_path / "index", query).results}

    assert hits("email").keys() == {"lettre.md", "envoi.md", "infolettre.md"}
    # Typed with its hyphen, the word is searched as written and in one piece.
    assert hits("e-mail").keys() == {"lettre.md", "courrier.md", "envoi.md", "infolettre.md"}
    assert hits('"email marketing"').keys() == hits('"e-mail marketing"').keys() == {"envoi.md"}
    # Indexed as a synonym: the note is not made longer by it, so its other words score
    # as in a note without it.
    musee = hits("musée amis")
    assert musee["lettre.md"] == pytest.approx(musee["courrier.md"])


def test_an_acronym_that_is_also_a_stop_word_is_found(make_vault, tmp_path):
    garden = make_vault({
        "ia.md": "# Outils\nL'AI générative au musée, et le service IT qui l'héberge.",
        "avoir.md": "# Visite\nJ'ai visité le musée, il y a un an.",
    })
    build_index(garden, tmp_path / "index")
    assert [hit.path for hit in search(tmp_path / "index", "AI").results] == ["ia.md"]
    assert [hit.path for hit in search(tmp_path / "index", "IT").results] == ["ia.md"]
    assert search(tmp_path / "index", "un").results == []


# --- typos and prefixes --------------------------------------------------------------


def test_typo_is_corrected_to_real_accented_words(searcher):
    response = searcher.search("strategie numerque")
    assert "stratégie numérique" in (response.suggestion or "").lower()


def test_typo_query_still_finds_the_note_and_says_what_it_searched(searcher):
    response = searcher.search("strategie numerque")
    assert response.results[0].path == STRATEGIE
    assert response.suggestion is not None
    assert "numérique" in response.suggestion


@pytest.mark.parametrize(("typo", "suggestion"), [("numerque", "numérique"),
                                                  ("stratgie", "stratégie")])
def test_suggestion_uses_the_gardens_accented_spelling(searcher, typo, suggestion):
    assert searcher.search(typo).suggestion == suggestion


def test_query_equal_to_an_alias_is_not_corrected(searcher):
    response = searcher.search("Stratégie digitale")
    assert response.results[0].path == STRATEGIE
    assert response.suggestion is None


def test_correct_query_has_no_suggestion(searcher):
    assert searcher.search("réseaux sociaux").suggestion is None


def test_a_correction_keeps_the_first_letter_or_swaps_the_first_two(make_vault, tmp_path):
    garden = make_vault({
        "jeu.md": "# Le jeu vidéo au musée\nUn jeu pour les visiteurs, un projet.",
        **{f"deux {n}.md": f"# Note {n}\nDeux salles et deux vidéo." for n in range(4)},
    })
    build_index(garden, tmp_path / "index")
    assert search(tmp_path / "index", "jeux vidéo").suggestion == "jeu vidéo"  # not deux
    assert search(tmp_path / "index", "rpojet").suggestion == "projet"
    assert search(tmp_path / "index", "pjeu").suggestion is None


def test_short_words_are_never_corrected(searcher):
    assert searcher.search("xyz").suggestion is None


@pytest.mark.parametrize(("other_form", "written"), [("numérisations", "numérisation"),
                                                     ("médiations", "médiation")])
def test_a_form_the_garden_never_writes_is_searched_as_typed(find, searcher, other_form,
                                                             written):
    response = searcher.search(other_form)
    assert response.suggestion is None
    assert set(find(other_form)) == set(find(written)) != set()


def test_an_english_form_is_not_corrected_to_a_word_of_another_stem(make_vault, tmp_path):
    garden = make_vault({
        "studio.md": "# Studio\nThe history of photography in the museum and its studio.",
        "archive.md": "# Archive\nThe museum photographed every object of the archive.",
    })
    build_index(garden, tmp_path / "index")
    response = search(tmp_path / "index", "photographs")
    assert response.suggestion is None
    assert [hit.path for hit in response.results] == ["archive.md"]


def test_a_half_typed_last_word_is_still_a_prefix_even_when_it_is_a_stem(find, searcher):
    assert searcher.search("numéri").suggestion == "numéri*"
    assert set(find("numérisation")) <= set(find("numéri"))


def test_prefix_of_the_last_word_finds_the_whole_word(searcher):
    response = searcher.search("strat")
    assert response.results[0].path == STRATEGIE
    assert response.suggestion == "strat*"


def test_explicit_prefix_query(find):
    assert find("numéri*")[:1] and set(find("numérisation")) <= set(find("numéri*"))


# --- ranking -------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "path"), [
    ("Stratégie numérique", STRATEGIE),
    ("Open data", "Notes/Open data.md"),
    ("Droits d'auteur", "Notes/Droits d'auteur.md"),
    ("Digitization of Museum Collections", DIGITIZATION),
    ("Protection des données", "Notes/RGPD et données personnelles.md"),  # an alias
])
def test_exact_title_comes_first(find, title, path):
    assert find(title)[0] == path


def test_exact_title_with_a_french_stop_word_comes_first(find):
    assert find("Réseaux sociaux et musées")[0] == RESEAUX


def test_notes_with_all_words_come_before_notes_missing_one(find):
    podcast, newsletter = set(find("podcast")), set(find("newsletter"))
    ranked = find("podcast newsletter")
    words_matched = [(path in podcast) + (path in newsletter) for path in ranked]
    assert words_matched[0] == 2
    assert words_matched == sorted(words_matched, reverse=True)
    assert set(ranked) == podcast | newsletter


def test_search_boost_lifts_a_note(make_vault, tmp_path):
    garden = make_vault({
        "a.md": "# Alpha\nLa lettre d'information du musée.",
        "b.md": "---\nsearch_boost: 2\n---\n# Bravo\nLa lettre d'information du musée.",
    })
    build_index(garden, tmp_path / "index")
    first, second = search(tmp_path / "index", "lettre").results
    assert first.path == "b.md"
    assert first.score == pytest.approx(2 * second.score)


def test_equal_scores_keep_a_stable_order(make_vault, tmp_path):
    garden = make_vault({name: "Le même texte sur le récolement." for name in
                         ("c.md", "a.md", "b.md")})
    build_index(garden, tmp_path / "index")
    assert [h.path for h in search(tmp_path / "index", "récolement").results] == \
        ["a.md", "b.md", "c.md"]


# --- the query language --------------------------------------------------------------


def test_quoted_phrase_needs_the_words_in_order(find):
    assert find('"réseaux sociaux"')[0] == RESEAUX
    assert find('"sociaux réseaux"') == []
    assert find("sociaux réseaux")


def test_phrase_finds_fewer_notes_than_its_words(find):
    assert set(find('"feuille de route"')) <= set(find("feuille route"))
    assert STRATEGIE == find('"feuille de route"')[0]


def test_or_finds_notes_with_either_word(find):
    either = set(find("podcast OR newsletter"))
    assert either == set(find("podcast")) | set(find("newsletter"))
    assert "Notes/Podcasts de musée.md" in either and "Notes/Newsletters.md" in either


@pytest.mark.parametrize("query", ["réseaux NOT instagram", "réseaux -instagram"])
def test_not_and_minus_exclude_notes_with_the_word(find, query):
    remaining = find(query)
    assert RESEAUX not in remaining  # it talks about Instagram
    assert set(remaining) == set(find("réseaux")) - set(find("instagram"))
    assert remaining


def test_title_field_only_matches_titles(searcher, find):
    response = searcher.search("title:évaluer")
    assert [hit.path for hit in response.results] == [EVALUER]
    assert len(find("évaluer")) > 1
    assert all("numerique" in key(hit.title)
               for hit in searcher.search("title:numerique", limit=100).results)


def test_tag_filter_keeps_only_notes_with_the_tag(searcher):
    response = searcher.search("tag:guide", limit=100)
    assert response.total == 5
    assert all("guide" in hit.tags for hit in response.results)


def test_tag_option_and_tag_field_agree(find):
    assert find("réseaux", tags=("numérique",)) == find("tag:numérique réseaux")
    assert set(find("réseaux", tags=("numerique",))) < set(find("réseaux"))


def test_tag_filter_ignores_accents(find):
    assert find("", tags=("evaluation",)) == [EVALUER]


def test_links_to_by_title_lists_the_linking_notes(find):
    linking = set(find("", links_to="Stratégie numérique"))
    assert {"index.md", EVALUER, RESEAUX, "Notes/Gestion des collections.md"} <= linking
    assert STRATEGIE not in linking


def test_links_to_by_alias_is_the_same_as_by_title(find):
    assert find("", links_to="Stratégie digitale") == find("", links_to="Stratégie numérique")
    assert find("", links_to="strategie NUMERIQUE") == find("", links_to="Stratégie numérique")


def test_links_to_combines_with_words(find):
    assert find("réseaux", links_to="Stratégie digitale")[0] == RESEAUX


def test_links_to_an_unknown_note_warns(searcher):
    response = searcher.search("", links_to="Nulle part")
    assert response.results == []
    assert any("Nulle part" in warning for warning in response.warnings)


def test_unbalanced_quote_answers_with_a_warning(searcher):
    response = searcher.search('"réseaux sociaux')
    assert response.results[0].path == RESEAUX
    assert any("unbalanced quote" in warning for warning in response.warnings)


def test_unbalanced_parenthesis_answers_with_a_warning(searcher):
    response = searcher.search("(réseaux sociaux")
    assert response.results[0].path == RESEAUX
    assert any("parentheses" in warning for warning in response.warnings)


@pytest.mark.parametrize("query", ["", "NOT", "-", '""', "tag:", "title:"])
def test_queries_without_words_answer_nothing_without_failing(searcher, query):
    assert searcher.search(query).results == []


# --- notes kept out of search --------------------------------------------------------


def test_search_false_note_is_never_found(searcher, find):
    assert find("confidentialissime") == []
    assert REUNION not in find("réunion internes")
    assert REUNION not in find("", links_to="Stratégie numérique")
    assert find("", tags=("interne",)) == []


def test_search_false_note_words_are_not_suggested(searcher):
    assert searcher.search("confidentialisime").suggestion is None


def test_excluded_templates_are_never_found(find):
    assert not any(path.startswith("Modèles/") for path in find("titre"))


# --- what a result shows -------------------------------------------------------------


def test_result_reports_the_section_where_the_word_is(searcher):
    hit = searcher.search("engagement").results[0]
    assert hit.path == RESEAUX
    assert hit.section == "Mesurer l’engagement"
    assert hit.anchor == "mesurer-l-engagement"


def test_snippet_highlights_the_matched_words(searcher):
    hit = searcher.search("engagement").results[0]
    marked = [hit.snippet[start:end] for start, end in hit.highlights]
    assert marked and all(word.lower() == "engagement" for word in marked)


@pytest.mark.parametrize(("query", "written"), [("weekend", "week-end"),
                                               ("ecoconception", "éco-conception")])
def test_snippet_highlights_the_hyphenated_word_a_query_wrote_in_one_piece(searcher, query,
                                                                          written):
    hit = searcher.search(query).results[0]
    marked = [hit.snippet[start:end].lower() for start, end in hit.highlights]
    assert written in marked
    assert all(fold(word.replace("-", "")) == query for word in marked)


def test_result_title_is_the_display_title_not_the_site_name(searcher):
    hit = searcher.search("archivage").results[0]
    assert (hit.path, hit.title) == ("Notes/Archivage numérique.md", "Archivage numérique")


def test_result_paths_are_relative_with_forward_slashes(searcher, bundled_notes):
    for hit in searcher.search("musée", limit=100).results:
        assert not hit.path.startswith("/") and "\\" not in hit.path
        assert (bundled_notes / hit.path).is_file()


# --- English notes -------------------------------------------------------------------


def test_english_query_finds_the_english_note_first(find):
    assert find("digitization collections")[0] == DIGITIZATION


def test_english_word_forms_find_the_english_note(find):
    assert DIGITIZATION in find("digitizing")
    assert DIGITIZATION in find("digitized")


def test_english_snippet_highlights_english_word_forms(searcher):
    hit = next(h for h in searcher.search("digitizing", limit=100).results
               if h.path == DIGITIZATION)
    assert hit.highlights


# --- filters without words: listings -------------------------------------------------


def test_a_tag_alone_lists_its_notes_by_title_then_path_the_same_every_time(
        make_vault, tmp_path):
    from museumxtd_search.index.searcher import GardenSearcher

    notes = make_vault({
        "b/Zèbre.md": "#liste zèbre",
        "c/Même.md": "#liste",
        "a/Même.md": "#liste",
        "Castor.md": "#liste castor",
        "Autre.md": "#autre",
    })
    build_index(notes, tmp_path / "index")
    searcher = GardenSearcher(tmp_path / "index")
    listed = ["Castor.md", "a/Même.md", "c/Même.md", "b/Zèbre.md"]
    for _ in range(2):  # the second listing reads titles kept by the searcher
        response = searcher.search("tag:liste", limit=10)
        assert [hit.path for hit in response.results] == listed
        assert response.total == 4
    # Cut inside a tie: the tie is broken by path, as the full listing orders it.
    assert [hit.path for hit in searcher.search("tag:liste", limit=2).results] == listed[:2]
    searcher.close()

    (notes / "Aardvark.md").write_text("#liste", encoding="utf-8")
    build_index(notes, tmp_path / "index")
    with_new = GardenSearcher(tmp_path / "index")
    assert [hit.path for hit in with_new.search("tag:liste", limit=2).results] == [
        "Aardvark.md", "Castor.md"]
    with_new.close()
