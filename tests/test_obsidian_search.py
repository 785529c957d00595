"""Searching the way Obsidian users search (issue 17): every front matter property,
configurable title keys, and Obsidian's operators, each with its malformed forms."""

from __future__ import annotations

import datetime as dt

import pytest
from obsidian_garden import write_garden

from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.vault.properties import value_text
from museumxtd_search.vault.reading import parse_note, read_vault

BOOK = "Lectures/Le musée imaginaire.md"
ARTICLE = "Lectures/Numérisation.md"
EXPO = "Projets/Exposition virtuelle.md"
NETWORKS = "Notes/Musées et réseaux.md"
STRATEGY = "Notes/Digital strategy.md"
MUSEUM_NOTES = {BOOK, EXPO, NETWORKS}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("obsidian")
    notes = write_garden(folder / "notes")
    build_index(notes, folder / "index", full=True)
    with GardenSearcher(folder / "index") as opened:
        yield opened


def paths(searcher, query: str) -> set[str]:
    return {hit.path for hit in searcher.search(query, limit=50).results}


def warnings(searcher, query: str) -> list[str]:
    return searcher.search(query).warnings


# --- properties ----------------------------------------------------------------------


def test_a_note_made_only_of_properties_is_found_by_its_french_title_key(searcher):
    response = searcher.search("musée imaginaire")
    assert response.results[0].path == BOOK
    assert response.results[0].title == "Le musée imaginaire"


def test_a_note_made_only_of_properties_shows_them_as_its_excerpt(searcher):
    hit = searcher.search("malraux").results[0]
    assert hit.path == BOOK
    assert "des œuvres · auteur: André Malraux, Jean Dupont · année: 1947" in hit.snippet
    assert "titre:" not in hit.snippet  # the title is shown above the excerpt
    # the highlights point into the excerpt shown: the name, and the URL's word
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["Malraux", "malraux"]
    listed = searcher.search("[auteur]").results[0]  # no words: the excerpt's start
    assert listed.snippet.startswith("résumé: Une réflexion")


@pytest.mark.parametrize("query", ["malraux", "dupont", "1947", "livre", "example.org",
                                   "reproduction", "2023-05-02"])
def test_every_property_value_is_searchable_whatever_its_yaml_type(searcher, query):
    # a list, a string in a list, an integer, a string, a URL, a summary, a date
    assert BOOK in paths(searcher, query)


def test_property_values_as_text_for_every_yaml_type():
    assert value_text("  texte ") == "texte"
    assert value_text(1947) == "1947"
    assert value_text(4.5) == "4.5"
    assert value_text(True) == "true"
    assert value_text(dt.date(2023, 5, 2)) == "2023-05-02"
    assert value_text(dt.datetime(2021, 2, 3, 10, 0)) == "2021-02-03T10:00:00"
    assert value_text(["a", 2, None, ["b"]]) == "a\n2\nb"
    assert value_text(None) == "" and value_text({"a": 1}) == ""


def test_a_summary_property_weighs_more_than_another_property(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("---\nrésumé: patrimoine immatériel\n---\nTexte.\n",
                                encoding="utf-8")
    (notes / "b.md").write_text("---\nsujet: patrimoine immatériel\n---\nTexte.\n",
                                encoding="utf-8")
    (notes / "c.md").write_text("Le patrimoine immatériel dans le texte.\n", encoding="utf-8")
    build_index(notes, tmp_path / "index", full=True)
    with GardenSearcher(tmp_path / "index") as opened:
        found = [hit.path for hit in opened.search("patrimoine immatériel").results]
    assert found.index("a.md") < found.index("c.md") < found.index("b.md")


@pytest.mark.parametrize(("written", "word"), [
    ("layout: layouts/post.njk", "njk"),
    ("bibliography: biblio/Obsidian.bib", "bib"),  # pandoc, as Zettlr writes it
    ("biblio_style: csl\\ieee.csl\nlink_citations: true", "ieee"),
])
def test_site_and_pandoc_control_keys_are_not_searched(tmp_path, written, word):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(f"---\n{written}\n---\nTexte.\n", encoding="utf-8")
    build_index(notes, tmp_path / "index", full=True)
    with GardenSearcher(tmp_path / "index") as opened:
        assert opened.search(word).total == 0
        assert opened.search("texte").total == 1


def test_title_keys_default_to_french_and_english_variants():
    for name in ("title", "titre", "name", "nom", "Titre"):
        note, _, _ = parse_note("x.md", f"---\n{name}: Mon titre\n---\nTexte\n".encode())
        assert note.title == "Mon titre", name


def test_title_keys_come_from_museumxtd_toml(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "museumxtd.toml").write_text('[search]\ntitle_keys = ["intitulé"]\n',
                                          encoding="utf-8")
    (notes / "a.md").write_text("---\nintitulé: Vrai titre\ntitle: Autre\n---\n",
                                encoding="utf-8")
    vault = read_vault(notes)
    assert vault.notes[0].title == "Vrai titre"
    assert not vault.warnings


def test_a_malformed_search_table_is_one_warning(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "museumxtd.toml").write_text("[search]\ntitle_keys = 3\n", encoding="utf-8")
    (notes / "a.md").write_text("---\ntitre: Titre\n---\n", encoding="utf-8")
    vault = read_vault(notes)
    assert vault.notes[0].title == "Titre"
    assert [w.message for w in vault.warnings] == [
        "'search.title_keys' must be a list of property names"]


def test_changing_title_keys_rebuilds_the_index_and_check_says_it_is_stale(tmp_path):
    from museumxtd_search.index.freshness import index_freshness

    notes, index = tmp_path / "notes", tmp_path / "index"
    notes.mkdir()
    (notes / "a.md").write_text("---\nintitulé: Vrai titre\ntitle: Autre\n---\nTexte\n",
                                encoding="utf-8")
    build_index(notes, index, full=True)
    assert index_freshness(notes, index).fresh
    (notes / "museumxtd.toml").write_text('[search]\ntitle_keys = ["intitulé"]\n',
                                          encoding="utf-8")
    stale = index_freshness(notes, index)
    assert not stale.fresh
    assert any("title_keys" in reason for reason in stale.reasons)
    summary = build_index(notes, index)  # no --full: the settings changed, so it is one
    assert summary.full
    assert index_freshness(notes, index).fresh
    assert build_index(notes, index).full is False  # and the next one is incremental
    with GardenSearcher(index) as opened:
        assert opened.search("vrai").results[0].title == "Vrai titre"


# --- operators -----------------------------------------------------------------------


def test_property_exists(searcher):
    assert paths(searcher, "[auteur]") == {BOOK}
    assert paths(searcher, "[type]") == {BOOK, ARTICLE}
    assert paths(searcher, "[vide]") == set()  # an empty value is no value


def test_property_value_any_yaml_type(searcher):
    assert paths(searcher, "[auteur:dupont]") == {BOOK}
    assert paths(searcher, '[auteur:"André Malraux"]') == {BOOK}
    assert paths(searcher, "[année:1947]") == {BOOK}
    assert paths(searcher, "[lu:true]") == {BOOK}
    assert paths(searcher, "[statut:en cours]") == {EXPO}
    assert paths(searcher, "[type:livres]") == {BOOK}  # analysed like the text
    assert paths(searcher, "[Type:LIVRE]") == {BOOK}  # keys and values ignore case
    assert paths(searcher, "[tags:lecture]") == {BOOK, ARTICLE}


def test_property_filters_combine_with_words_or_and_negation(searcher):
    assert paths(searcher, "[type:livre] [type:article]") == set()  # filters are all-of
    assert paths(searcher, "[type:livre] OR [type:article]") == {BOOK, ARTICLE}
    assert paths(searcher, "[type:article] collections") == {ARTICLE}
    assert BOOK not in paths(searcher, "musée -[auteur]")
    assert paths(searcher, "musée -[auteur]")
    assert paths(searcher, "[auteur] -[auteur:dupont]") == set()


def test_path_and_file(searcher):
    assert paths(searcher, "path:lectures") == {BOOK, ARTICLE}
    assert paths(searcher, 'path:"Notes"') == {NETWORKS, STRATEGY}
    assert paths(searcher, "path:projets musée") == {EXPO}
    assert paths(searcher, "file:numérisation") == {ARTICLE}
    assert paths(searcher, "file:lectures") == set()  # a folder is not the file name
    assert BOOK not in paths(searcher, "-path:lectures musée")


def test_nested_tags_match_their_parents(searcher):
    assert paths(searcher, "tag:projet") == {BOOK, ARTICLE, EXPO}
    assert paths(searcher, "tag:projet/musée") == {BOOK, EXPO}
    assert paths(searcher, "tag:#projet/musée/expo") == {EXPO}
    assert paths(searcher, "tag:musée") == set()  # a child alone is not a tag
    assert paths(searcher, "tag:projet -tag:lecture") == {EXPO}


def test_section_keeps_notes_with_one_section_holding_every_word(searcher):
    # "numérisation" and "3D" meet under "Coûts" in the article; in the exhibition
    # note, "numérisation" is under "Budget", and "3D" nowhere.
    assert paths(searcher, "section:(numérisation 3D)") == {ARTICLE}
    assert paths(searcher, "section:(numérisation budget)") == {EXPO}
    assert paths(searcher, "section:(scanner coûte)") == set()  # two different sections
    assert paths(searcher, "numérisation section:(budget)") == {EXPO}
    assert paths(searcher, 'section:"numérisation 3D"') == {ARTICLE}
    assert ARTICLE not in paths(searcher, "numérisation -section:(numérisation 3D)")
    assert searcher.search("section:(numérisation 3D)").results[0].section == "Coûts"


def test_content_searches_the_text_and_properties_not_the_names(searcher):
    # Obsidian's content: operator. The book's name holds "imaginaire"; the networks
    # note links to it by that name, in its text.
    assert paths(searcher, "imaginaire") == {BOOK, NETWORKS}
    assert paths(searcher, "title:imaginaire") == {BOOK}
    assert paths(searcher, "content:imaginaire") == {NETWORKS}
    assert paths(searcher, "content:malraux") == {BOOK}  # a property is content
    assert BOOK not in paths(searcher, "musée -content:malraux")


def test_line_and_block_read_as_section_other_obsidian_operators_as_words(searcher):
    for operator in ("line", "block"):
        assert paths(searcher, f"{operator}:(numérisation 3D)") == {ARTICLE}
    response = searcher.search("task:budget")
    assert {hit.path for hit in response.results} == paths(searcher, "budget") != set()
    assert response.warnings == [
        "task: not supported here: its words are searched in the whole note"]


def test_phrases_or_and_parentheses(searcher):
    assert paths(searcher, 'title:"musée imaginaire"') == {BOOK}
    assert searcher.search("(musée OR collections) 3D").results[0].path == ARTICLE


def test_a_group_joined_by_or_needs_all_its_words(searcher):
    # The article says numérisation but not budget: the group is not all there.
    assert paths(searcher, "(budget numérisation) OR réseaux") == {EXPO, NETWORKS}
    assert ARTICLE in paths(searcher, "budget numérisation OR réseaux")  # no group: soft


def test_a_group_alone_ranks_as_its_words_written_without_parentheses(searcher):
    grouped = searcher.search("(musée réseaux) sociaux", limit=50)
    plain = searcher.search("musée réseaux sociaux", limit=50)
    assert [(h.path, h.score) for h in grouped.results] == \
        [(h.path, h.score) for h in plain.results]
    assert grouped.total == plain.total and not grouped.warnings


def test_an_excluded_group_leaves_out_the_notes_it_matches(searcher):
    assert paths(searcher, "musée -(budget numérisation)") == {BOOK, NETWORKS}
    assert paths(searcher, "musée NOT (budget OR réseaux)") == {BOOK}
    assert STRATEGY in paths(searcher, "strategy -(musée OR réseaux)")


def test_groups_nest(searcher):
    query = "(réseaux OR (budget (numérisation OR visite))) -tag:lecture"
    assert paths(searcher, query) == {NETWORKS, EXPO}


@pytest.mark.parametrize(("query", "expected"), [
    ("tag:strategy OR path:projets", {STRATEGY, EXPO}),
    ("path:notes OR [statut:en cours]", {NETWORKS, STRATEGY, EXPO}),
    ("[type:livre] OR tag:strategy OR file:réseaux", {BOOK, STRATEGY, NETWORKS}),
    ("(tag:lecture OR path:projets) musée", {BOOK, EXPO}),
    ("musée (tag:lecture OR path:projets)", {BOOK, EXPO}),
])
def test_or_between_filters_keeps_the_notes_either_keeps(searcher, query, expected):
    assert paths(searcher, query) == expected


def test_or_between_a_filter_and_a_word_ranks_the_word_matches_first(searcher):
    response = searcher.search("tag:lecture OR réseaux")
    assert [hit.path for hit in response.results] == [NETWORKS, BOOK, ARTICLE]
    assert response.total == 3
    assert [hit.score for hit in response.results][1:] == [0.0, 0.0]  # by path, then


@pytest.mark.parametrize(("query", "warning"), [
    ("((musée", "unbalanced parentheses: a ( without ) closes at the end of the query"),
    ("musée ))", "unbalanced parentheses: a ) without ( was ignored"),
    ("() musée", "empty parentheses () were ignored"),
    ("(le) musée", "empty parentheses () were ignored"),
    ("(" * 12 + "musée" + ")" * 12,
     "parentheses nested deeper than 8: the inner ones are read as spaces"),
    ("(" * 10_000 + "musée", "parentheses nested deeper than 8: the inner ones are read as "
     "spaces"),
    ("musée -(-réseaux)", "a group with only excluded words cannot be joined by OR or "
     "excluded: ignored"),
    ("imaginaire OR (-réseaux) musée", "a group with only excluded words cannot be joined "
     "by OR or excluded: ignored"),
])
def test_malformed_parentheses_are_one_warning_and_the_rest_is_searched(searcher, query,
                                                                         warning):
    response = searcher.search(query)
    assert warning in response.warnings
    assert len(response.warnings) == len(set(response.warnings))
    assert response.results and MUSEUM_NOTES & {hit.path for hit in response.results}


@pytest.mark.parametrize(("query", "warning"), [
    ("[auteur", "[auteur: [ without ] is read as words"),
    ("[]", "[] names no property (write [auteur] or [auteur:Malraux]): ignored"),
    ("[:x]", "[:x] names no property (write [auteur] or [auteur:Malraux]): ignored"),
    ("path: musée", "path: needs words after it (as in path:musée): ignored"),
    ("file:", "file: needs words after it (as in file:musée): ignored"),
    ("tag:# musée", "tag: needs words after it (as in tag:musée): ignored"),
    ("[auteur:--] musée", "[auteur:--]: the value has no words: ignored"),
    ("section:() musée", "section: needs words after it (as in section:(musée numérique)): "
     "ignored"),
])
def test_a_malformed_operator_is_one_warning_and_the_rest_is_searched(searcher, query, warning):
    response = searcher.search(query)
    assert warning in response.warnings
    if "musée" in query or "3D" in query:
        assert response.total > 0


# --- dates, sorting, tags any-of, facets (the CLI) ------------------------------------


def cli_json(notes, index, *args: str) -> dict:
    import json as json_module

    from click.testing import CliRunner

    from museumxtd_search.cli import cli

    result = CliRunner().invoke(cli, ["query", "--notes", str(notes), "--index", str(index),
                                      "--json", *args])
    assert result.exit_code == 0, result.output
    return json_module.loads(result.stdout)


@pytest.fixture(scope="module")
def garden_with_facets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facets")
    notes = write_garden(folder / "notes", '[search]\nfacets = ["type", "année"]\n')
    return notes, folder / "index"


def test_a_note_date_is_its_front_matter_date_else_its_file_time(tmp_path):
    import os

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("---\ncreated: 2021-02-03T10:00:00\n---\nx\n", encoding="utf-8")
    (notes / "b.md").write_text("---\nupdated: '2020-01-05'\n---\nx\n", encoding="utf-8")
    (notes / "c.md").write_text("x\n", encoding="utf-8")
    os.utime(notes / "c.md", (1_600_000_000, 1_600_000_000))  # 2020-09-13 UTC
    dates = {note.path: note.date for note in read_vault(notes).notes}
    assert dates == {"a.md": "2021-02-03", "b.md": "2020-01-05", "c.md": "2020-09-13"}


@pytest.mark.parametrize(("written", "date"), [
    ("updated: 1636492098692", "2021-11-09"),  # Dendron: Unix time in milliseconds
    ("date: 1636492098", "2021-11-09"),  # Unix time in seconds
    ("date: 2024\ncreated: 2023-04-05", "2023-04-05"),  # a year alone is not a date
    ("date: 22-03-2022", "2022-03-22"),  # day first, as the French write it
    ("date: 03/04/2022", "2022-04-03"),  # ambiguous: day first
    ("date: 3.4.2022", "2022-04-03"),
    ("date: 12/31/2023", "2023-12-31"),  # only month first makes it a date
    ("date: 2021-27-04", "2021-04-27"),  # day and month swapped: one reading is a date
    ("date: 31-02-2022\ncreated: 2021-01-02", "2021-01-02"),  # no such day
    ("date: 22-03-20221\ncreated: 2021-01-02", "2021-01-02"),
])
def test_a_front_matter_date_may_be_a_unix_time_or_day_first(tmp_path, written, date):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(f"---\n{written}\n---\nx\n", encoding="utf-8")
    assert read_vault(notes).notes[0].date == date


@pytest.mark.parametrize(("written", "date"), [
    ("created_at: 2024-04-30 17:04", "2024-04-30"),
    ("date created: 2022-01-02\ndate modified: 2023-05-06", "2022-01-02"),  # Obsidian Linter
    ("dateCreated: 2022-01-02", "2022-01-02"),
    ("lastmod: 2021-07-08", "2021-07-08"),  # Hugo
    ("pubDate: 2020-03-04\ncreated: 2019-01-01", "2020-03-04"),  # published comes first
    ("last_modified_at: 2021-07-08\nCreated-On: 2021-01-02", "2021-01-02"),
    ("Créé le: 12/03/2023", "2023-03-12"),
    ("mis à jour: 2023-03-12", "2023-03-12"),
    ("clipped: 2023-11-18\nsource: https://example.org", "2023-11-18"),  # a web clipping
    ("date_limite: 2030-01-01", "2020-09-13"),  # a deadline is not the note's date
])
def test_a_date_key_is_known_by_what_it_dates_however_a_garden_spells_it(tmp_path, written, date):
    import os

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(f"---\n{written}\n---\nx\n", encoding="utf-8")
    os.utime(notes / "a.md", (1_600_000_000, 1_600_000_000))  # 2020-09-13 UTC
    assert read_vault(notes).notes[0].date == date


@pytest.mark.parametrize(("name", "date"), [
    ("2023-09-12.md", "2023-09-12"),  # a daily note
    ("2023-09-12 Réunion.md", "2023-09-12"),
    ("2023-09-12-mon-billet.md", "2023-09-12"),  # Jekyll's posts
    ("202309121530 Idée.md", "2023-09-12"),  # a Zettelkasten id
    ("20230912.md", "2023-09-12"),
    ("2023_09_12.md", "2023-09-12"),  # Logseq's journal
    ("2023-09_12 Mélange.md", "2020-09-13"),
    ("2023-13-45 Pas une date.md", "2020-09-13"),
    ("1234567 Numéro.md", "2020-09-13"),
    ("2023 Bilan.md", "2020-09-13"),
])
def test_a_note_without_a_front_matter_date_is_dated_by_its_file_name(tmp_path, name, date):
    import os

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / name).write_text("x\n", encoding="utf-8")
    os.utime(notes / name, (1_600_000_000, 1_600_000_000))  # 2020-09-13 UTC
    assert read_vault(notes).notes[0].date == date


def test_a_note_date_is_its_last_commit_in_git(tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("needs git")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("x\n", encoding="utf-8")
    env = {"GIT_AUTHOR_DATE": "2019-04-05T12:00:00Z", "GIT_COMMITTER_DATE": "2019-04-05T12:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PATH": os_path()}
    for command in (["init", "-q"], ["add", "a.md"], ["commit", "-qm", "a"]):
        subprocess.run(["git", "-C", str(notes), *command], check=True, env=env)
    assert read_vault(notes).notes[0].date == "2019-04-05"


def os_path() -> str:
    import os

    return os.environ.get("PATH", "")


def test_results_carry_their_date_and_sort_by_date_newest_first(garden_with_facets):
    notes, index = garden_with_facets
    by_relevance = cli_json(notes, index, "numérisation")
    assert {hit["path"]: hit["date"] for hit in by_relevance["results"]}[ARTICLE] == "2021-02-03"
    by_date = cli_json(notes, index, "--sort", "date", "numérisation")
    # the English note (found through "digitization") is dated by its file: today
    assert [hit["path"] for hit in by_date["results"]] == [STRATEGY, EXPO, ARTICLE]
    assert by_date["total"] == by_relevance["total"]
    listed = cli_json(notes, index, "--sort", "date", "tag:lecture")
    assert [hit["date"] for hit in listed["results"]] == ["2023-05-02", "2021-02-03"]


def test_several_tags_all_of_or_any_of(garden_with_facets):
    notes, index = garden_with_facets
    all_of = cli_json(notes, index, "--tag", "lecture", "--tag", "strategy")
    assert all_of["total"] == 0
    any_of = cli_json(notes, index, "--tag", "lecture", "--tag", "strategy", "--any-tag")
    assert {hit["path"] for hit in any_of["results"]} == {BOOK, ARTICLE, STRATEGY}


def test_facets_count_tags_and_declared_properties_over_all_results(garden_with_facets):
    notes, index = garden_with_facets
    answer = cli_json(notes, index, "--facets", "--limit", "1", "tag:projet")
    assert answer["total"] == 3 and len(answer["results"]) == 1
    assert list(answer["facets"]) == ["tags", "type", "année"]
    assert answer["facets"]["tags"][:3] == [["projet", 3], ["lecture", 2], ["projet/musée", 2]]
    assert answer["facets"]["type"] == [["article", 1], ["livre", 1]]
    assert answer["facets"]["année"] == [["1947", 1], ["2021", 1]]
    assert "facets" not in cli_json(notes, index, "musée")


# --- several sections per note --------------------------------------------------------


def test_a_result_shows_its_three_best_sections_best_first(searcher):
    hit = searcher.search("numérisation 3D").results[0]
    assert hit.path == ARTICLE
    assert [part["section"] for part in hit.sections] == [
        "Coûts", "Numérisation des collections", "Méthodes"]
    best = hit.sections[0]
    assert (best["section"], best["anchor"], best["snippet"], best["highlights"]) == \
        (hit.section, hit.anchor, hit.snippet, hit.highlights)
    for part in hit.sections:
        assert part["highlights"] and all(
            part["snippet"][start:end].lower() in ("numérisation", "3d", "digitization")
            for start, end in part["highlights"])


def test_a_note_without_text_has_one_section_its_properties(searcher):
    hit = searcher.search("malraux").results[0]
    assert hit.path == BOOK and len(hit.sections) == 1
    assert hit.sections[0]["snippet"] == hit.snippet and hit.sections[0]["highlights"]


# --- across languages, from the garden's own pairs --------------------------------------


def test_a_french_word_finds_the_english_notes_when_the_garden_pairs_them(searcher):
    # The article writes "numérisation (digitization)"; the English note only says
    # "digitization", the exhibition note only "numérisation".
    assert STRATEGY in paths(searcher, "numérisation")
    assert EXPO in paths(searcher, "digitization")


def test_pairs_need_a_french_word_and_an_english_one(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("Le public (visiteurs) du musée.\n", encoding="utf-8")
    (notes / "b.md").write_text("Les visiteurs aiment le musée.\n", encoding="utf-8")
    (notes / "c.md").write_text("Le public est là. Notes (French).\n", encoding="utf-8")
    build_index(notes, tmp_path / "index", full=True)
    with GardenSearcher(tmp_path / "index") as opened:
        # two French words: no pair; "notes (French)" is a qualifier, not a translation
        assert {hit.path for hit in opened.search("visiteurs").results} == {"a.md", "b.md"}
        assert {hit.path for hit in opened.search("french").results} == {"c.md"}


# --- the vault's own "Excluded files" (.obsidian/app.json) ----------------------------


def excluded_garden(root):
    notes = root / "notes"
    for name, text in {
        "Projets/Exposition.md": "# Exposition\n\nLe commissariat de l'exposition. "
                                 "Voir [[Gabarit de projet]].\n",
        "Modèles/Gabarit de projet.md": "# Gabarit de projet\n\nCommissariat : {{titre}}\n",
        "Archive 2020.md": "# Archive 2020\n\nUn ancien commissariat.\n",
        "Notes/Réunion.brouillon.md": "# Réunion\n\nLe commissariat en discussion.\n",
    }.items():
        (notes / name).parent.mkdir(parents=True, exist_ok=True)
        (notes / name).write_text(text, encoding="utf-8")
    (notes / ".obsidian").mkdir()
    (notes / ".obsidian/app.json").write_text(
        '{"userIgnoreFilters": ["Modèles/", "Archive", "/\\\\.brouillon\\\\.md$/", "/[/"]}',
        encoding="utf-8")
    return notes


def test_obsidians_excluded_files_are_not_searched_but_keep_their_page(tmp_path):
    from museumxtd_search.site.export import export_site

    notes = excluded_garden(tmp_path)
    build_index(notes, tmp_path / "index", full=True)
    with GardenSearcher(tmp_path / "index") as searcher:
        assert paths(searcher, "commissariat") == {"Projets/Exposition.md"}
    summary = export_site(notes, tmp_path / "site")
    assert summary.searchable == 1 and summary.broken_links == 0
    assert (tmp_path / "site/modeles/gabarit-de-projet/index.html").is_file()


def test_changing_the_excluded_files_rebuilds_the_index(tmp_path):
    from museumxtd_search.index.freshness import index_freshness

    notes = excluded_garden(tmp_path)
    build_index(notes, tmp_path / "index", full=True)
    (notes / ".obsidian/app.json").write_text('{"userIgnoreFilters": []}', encoding="utf-8")
    assert "Obsidian's excluded files" in " ".join(
        index_freshness(notes, tmp_path / "index").reasons)
    build_index(notes, tmp_path / "index")
    with GardenSearcher(tmp_path / "index") as searcher:
        assert len(paths(searcher, "commissariat")) == 4


def test_the_live_preview_follows_a_change_of_the_excluded_files(tmp_path):
    from museumxtd_search.site.live import LiveSite

    notes = excluded_garden(tmp_path)
    site = LiveSite(notes, tmp_path / "site")
    assert set(site.analyses) == {"Projets/Exposition.md"}
    assert site.refresh() is None  # nothing changed
    (notes / ".obsidian/app.json").write_text('{"userIgnoreFilters": ["Modèles/"]}',
                                              encoding="utf-8")
    done = site.refresh()
    assert done is not None and done.full and done.changed == [".obsidian/app.json"]
    assert "Modèles/Gabarit de projet.md" not in site.analyses
    assert len(site.analyses) == 3
