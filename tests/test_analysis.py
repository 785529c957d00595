"""The one text pipeline: what a word becomes before it is indexed or searched."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from museumxtd_search.analysis.pipeline import (
    HYPHENATED,
    hyphenated_words,
    indexed_terms,
    terms,
    tokens,
)
from museumxtd_search.analysis.query import parse_query
from museumxtd_search.text.folding import fold, normalize
from museumxtd_search.text.keys import key
from museumxtd_search.text.language import detect_language

REPO_ROOT = Path(__file__).resolve().parents[1]

# --- accents -------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "written"), [
    ("reseaux", "réseaux"),
    ("evaluation", "Évaluation"),
    ("musees", "musées"),
    ("oeuvres", "Œuvres"),
    ("strategie numerique", "Stratégie numérique"),
])
def test_accentless_word_has_the_same_terms_as_the_accented_word(typed, written):
    assert terms(typed) == terms(written)


def test_folding_strips_accents_and_ligatures():
    assert fold("œuvres évaluées à zürich") == "oeuvres evaluees a zurich"


def test_normalize_turns_typographic_apostrophes_into_ascii():
    assert normalize("l’évaluation l‘art lʼœuvre") == "l'évaluation l'art l'œuvre"


# --- elisions ------------------------------------------------------------------------


@pytest.mark.parametrize("elided", ["l'évaluation", "l’évaluation", "L’Évaluation",
                                    "d'évaluation", "qu'évaluation"])
def test_elided_article_is_split_off(elided):
    assert terms(elided) == terms("évaluation")


@pytest.mark.parametrize(("elided", "word"), [
    ("jusqu'Amsterdam", "Amsterdam"),
    ("jusqu’Amsterdam", "Amsterdam"),
    ("lorsqu'Internet", "Internet"),
    ("qu'évaluer", "évaluer"),
    ("puisqu'aucun", "aucun"),
])
def test_long_elisions_are_split_off(elided, word):
    assert terms(elided) == terms(word)


def test_a_word_with_an_apostrophe_that_is_not_an_elision_keeps_both_parts():
    assert terms("aujourd'hui") == ["aujourd", "hui"]


def test_token_offsets_point_at_the_word_after_the_elision():
    text = normalize("Voir l’évaluation")
    token = tokens(text)[-1]
    assert text[token.start:token.end] == "évaluation"
    assert token.surface == "évaluation"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_tokens_asked_by_initials_are_those_of_every_word_that_may_start_so(language):
    # An excerpt reads only the words its terms may start like, found by a regular
    # expression: every token of a term with those initials, and nothing else new.
    rng = random.Random(7)
    texts = [normalize(path.read_text(encoding="utf-8"))
             for path in sorted((REPO_ROOT / "notes").rglob("*.md"))[:40]]
    # Long texts (the expression is for texts of a note's length), and short ones.
    texts += [30 * "aujourd'hui l'évaluation _abc rock'n'roll d' x'y ab''cd l'_x qu'il'a 2020 ",
              30 * "ŒUVRE Œuvre ÉCOLE École Ǆemal İstanbul Ωmega Школа _été été' 'été a_b ",
              30 * "日本の美術館 l'évaluation des musées ", "l'évaluation", ""]
    texts += [" ".join("".join(rng.choice("ab'éÉ_ -xLœ") for _ in range(rng.randint(1, 14)))
                       for _ in range(150)) for _ in range(100)]
    for text in texts:
        for initials in (frozenset("e"), frozenset("lx"), frozenset("amsé"),
                         frozenset(rng.sample("abcdeloprstuvx0123ωш", 3))):
            every = tokens(text, language)
            kept = tokens(text, language, initials)
            wanted = [t for t in every if t.term[:1] in initials]
            assert [t for t in kept if t.term[:1] in initials] == wanted, (text[:60], initials)
            assert set(kept) <= set(every), (text[:60], initials)


# --- plural and singular -------------------------------------------------------------


@pytest.mark.parametrize(("plural", "singular"), [
    ("musées", "musée"),
    ("collections", "collection"),
    ("réseaux", "réseau"),
    ("publics", "public"),
    ("numérisations", "numérisation"),
])
def test_plural_and_singular_share_a_term(plural, singular):
    assert terms(plural) == terms(singular)


@pytest.mark.parametrize(("british", "american"), [
    ("digitisation", "digitization"), ("organisation", "organization"),
    ("décentralisation", "decentralization"), ("analyse", "analyze"), ("numérisé", "numerize"),
])
def test_ise_and_ize_spellings_share_a_term(british, american):
    # British and French write -is-, American -iz-: one word to a searcher.
    assert terms(british) == terms(american)


@pytest.mark.parametrize(("british", "american"), [
    ("organisation", "organization"), ("analysed", "analyzed"), ("realise", "realize")])
def test_in_english_notes_ise_and_ize_share_a_term_where_the_stemmer_keeps_the_ending(
        british, american):
    assert terms(british, "en") == terms(american, "en")


def test_words_the_stemmer_joined_stay_joined():
    # The rule reads stems, not words: "revise" and "revision" keep their shared term,
    # and a z in a short word is left alone.
    assert terms("revise", "en") == terms("revision", "en")
    assert terms("quiz") == ["quiz"] and terms("quiz", "en") == ["quiz"]


# --- stop words ----------------------------------------------------------------------


def test_french_stop_words_are_dropped():
    assert terms("le musée et les publics de la ville") == terms("musée publics ville")


def test_one_letter_words_are_dropped_but_numbers_kept():
    assert terms("a b c 2 3D") == ["2", "3d"]


def test_english_function_words_are_dropped_from_french_analysed_titles():
    assert terms("Digitization of Museum Collections") == terms("Digitization Museum Collections")


@pytest.mark.parametrize("acronym", ["AI", "IT", "US", "EU", "UN"])
def test_a_stop_word_of_two_capitals_is_an_acronym_and_kept(acronym):
    assert terms(f"l'{acronym} au musée") == [acronym.lower(), *terms("musée")]
    assert terms(acronym, "en") == [acronym.lower()]


def test_the_same_stop_words_not_in_capitals_are_dropped():
    assert terms("ai un eu Ai Un") == []
    assert terms("it us It Us", "en") == []


def test_a_query_of_only_stop_words_has_no_terms():
    assert terms("de la et les") == []
    assert terms("lorsqu'on jusqu'à") == []


# --- words written with a hyphen -----------------------------------------------------


@pytest.mark.parametrize(("text", "joined"), [
    ("l'envoi d'e-mails", [(1, "email")]),
    ("un week-end au musée", [(0, "weekend")]),
    ("l'Éco-conception", [(0, "ecoconcept")]),
    ("le COVID-19", [(0, "covid19")]),
])
def test_a_hyphenated_word_is_also_indexed_in_one_piece_where_its_first_part_stands(
        text, joined):
    assert indexed_terms(text).joined == joined


@pytest.mark.parametrize("text", ["pouvons-nous", "c'est-à-dire", "a-t-il", "2019-2020",
                                  "Saint-Jean-de-Luz", "la-la-la-la"])
def test_particles_pronouns_numbers_and_long_chains_are_not_joined(text):
    assert indexed_terms(text).joined == []


def test_the_index_reads_a_hyphenated_words_parts_as_every_pipeline_does():
    text = "L'e-mail d'Anne-Sophie, peut-être un audio-guide… x--y -z w-"
    indexed = indexed_terms(text)
    assert indexed.terms == terms(text)
    assert indexed.surfaces == [token.surface for token in tokens(normalize(text))]


@pytest.mark.parametrize("text", ["a''b-c", "l'e-mail", "x-y-z", "-a-b-", "a-", "é-è",
                                  "a'b'c-d", "ab'-cd", "a--b", "'a-b", "a'-b-c", "_a-b",
                                  "peut-être, c'est-à-dire : 2019-2020 et COVID-19"])
def test_hyphenated_words_are_found_from_the_hyphens_as_the_expression_finds_them(text):
    def found(matches):
        return [(match.start(), match.group()) for match in matches]

    assert found(hyphenated_words(text)) == found(HYPHENATED.finditer(text))


def test_hyphenated_words_of_the_bundled_garden_are_those_of_the_expression():
    for path in sorted((REPO_ROOT / "notes").rglob("*.md")):
        text = normalize(path.read_text(encoding="utf-8"))
        assert [m.span() for m in hyphenated_words(text)] == \
            [m.span() for m in HYPHENATED.finditer(text)], path


def test_a_query_searches_a_hyphenated_word_as_typed():
    assert terms("e-mail") == ["mail"]
    assert terms("audio-guide") == terms("audio guide")


# --- English pipeline ----------------------------------------------------------------


def test_english_pipeline_stems_digitization_and_digitizing_alike():
    assert terms("digitization", "en") == terms("digitizing", "en") == terms("digitized", "en")


def test_english_pipeline_drops_english_stop_words():
    assert terms("the history of the museum", "en") == terms("history museum", "en")


def test_english_pipeline_folds_accents_too():
    assert terms("Musée", "en") == terms("musee", "en")


# --- language detection --------------------------------------------------------------


ENGLISH_PARAGRAPH = (
    "Museums digitizing their collections run into the same handful of questions, "
    "whatever their size: what to digitize first, to what standard, how to describe it, "
    "where to store it and how to share it with the public."
)
FRENCH_PARAGRAPH = (
    "Les musées qui réussissent sur les réseaux sociaux publient rarement de la pure "
    "promotion. Ils racontent des histoires, posent des questions et montrent les gens "
    "qui travaillent derrière les vitrines."
)


def test_detect_language_recognises_english():
    assert detect_language(ENGLISH_PARAGRAPH) == "en"


def test_detect_language_recognises_french():
    assert detect_language(FRENCH_PARAGRAPH) == "fr"


def test_french_text_quoting_an_english_title_stays_french():
    text = FRENCH_PARAGRAPH + " Voir aussi « Digitization of Museum Collections »."
    assert detect_language(text) == "fr"


def test_short_or_empty_text_is_french_by_default():
    assert detect_language("") == "fr"
    assert detect_language("Open data") == "fr"


def test_english_possessives_and_contractions_count_for_english():
    meeting = ("Today's meeting: we didn't agree on the museum's loan policy. The "
               "registrar's view is that it's too risky, and the director's isn't clear yet. "
               "We'll revisit next week once the insurer's report is in.")
    assert detect_language(meeting) == "en"


def test_french_elisions_count_for_french():
    assert detect_language("L'évaluation d'un projet qu'on mène : c'est l'affaire "
                           "de tous, jusqu'à la fin.") == "fr"
    assert detect_language(FRENCH_PARAGRAPH + " It's the museum's own story, isn't it?") == "fr"


def test_a_short_english_note_is_english():
    assert detect_language("Met the registrar about loans. Children's programmes "
                           "discussed; follow up with the conservator.") == "en"


# --- exact-match keys ----------------------------------------------------------------


def test_key_ignores_case_accents_apostrophes_and_spacing():
    assert key("L’Évaluation  de projets") == key("l'evaluation de projets")


def test_key_keeps_stop_words_so_titles_stay_distinct():
    assert key("Réseaux sociaux et musées") == "reseaux_sociaux_et_musees"
    assert key("Le musée") != key("musée")


def test_key_ignores_punctuation():
    assert key("Réseaux sociaux et musées. Aide à la décision") == \
        key("reseaux sociaux et musees aide a la decision")


@pytest.mark.parametrize(("query", "searched", "ignored"), [
    ("but du projet", ["but", "projet"], ["du"]),
    ("le but", ["but"], ["le"]),
    ("what is open data", ["open", "data"], ["what", "is"]),
    ("how to digitize collections", ["digitize", "collections"], ["how", "to"]),
    ("the museum", ["museum"], ["the"]),
    ("Quels sont les outils", ["outils"], ["Quels", "sont", "les"]),
])
def test_stop_words_are_those_of_the_language_the_query_reads_as(query, searched, ignored):
    # "but" (French: aim) is an English stop word only: a French query searches it.
    parsed = parse_query(query)
    assert [clause.text for unit in parsed.units for clause in unit] == searched
    assert parsed.ignored == ignored


@pytest.mark.parametrize(("query", "searched", "ignored"), [
    ("comment intégrer un PDF ?", ["intégrer", "PDF"], ["comment", "un"]),
    ("Pourquoi numériser les collections", ["numériser", "collections"],
     ["Pourquoi", "les"]),
    ("quand et combien", ["quand", "combien"], ["et"]),  # nothing else to search
    ("comment", ["comment"], []),
    ("how to comment a note", ["comment", "note"], ["how", "to", "a"]),  # English
])
def test_french_question_words_ask_rather_than_search(query, searched, ignored):
    parsed = parse_query(query)
    assert [clause.text for unit in parsed.units for clause in unit] == searched
    assert parsed.ignored == ignored
