"""Reading notes: front matter, titles, tags, and every way a file can be broken.

A bad file is a warning naming the file and line, never an exception: the note is
still read and still indexed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import search
from museumxtd_search.vault.front_matter import body_of, decode
from museumxtd_search.vault.reading import parse_note, read_vault


@pytest.fixture
def read_one(make_vault):
    """Write one note (default ``Dossier/Note.md``) and read the garden: (note, warnings)."""

    def read(content: str | bytes, path: str = "Dossier/Note.md"):
        vault = read_vault(make_vault({path: content}))
        [note] = vault.notes
        return note, list(vault.warnings)

    return read


def assert_still_indexed(garden, tmp_path, word: str, path: str = "Dossier/Note.md") -> None:
    build_index(garden, tmp_path / "index")
    assert [hit.path for hit in search(tmp_path / "index", word).results] == [path]


# --- title, aliases, tags ------------------------------------------------------------


def test_front_matter_title_and_tag_list_are_read(read_one):
    note, warnings = read_one("---\ntitle: Stratégie numérique\ntags: [stratégie, numérique]\n"
                              "---\n# Autre titre\ntexte")
    assert note.title == "Stratégie numérique"
    assert note.tags == ("stratégie", "numérique")
    assert warnings == []


def test_tags_as_a_yaml_block_list(read_one):
    note, _ = read_one("---\ntags:\n  - droit\n  - propriété intellectuelle\n---\ntexte")
    assert note.tags == ("droit", "propriété intellectuelle")


def test_space_separated_tag_string_is_split_into_tags(read_one):
    note, _ = read_one("---\ntags: ressource forum francais\n---\ntexte")
    assert note.tags == ("ressource", "forum", "francais")


def test_comma_separated_tag_string_keeps_multi_word_tags(read_one):
    note, _ = read_one("---\ntags: site web, communication\n---\ntexte")
    assert note.tags == ("site web", "communication")


def test_pandoc_keywords_are_tags_as_zettlr_reads_them(read_one):
    note, _ = read_one("---\ntitle: Inventaire\nkeywords:\n  - récolement\n"
                       "  - gestion des collections\ntags: [musée]\n---\ntexte")
    assert note.tags == ("musée", "récolement", "gestion des collections")
    assert [name for name, _, _ in note.properties] == ["title"]


@pytest.mark.parametrize("empty", ["tags:", "tags: []", 'tags: ""', "tags: ~"])
def test_empty_tags_mean_no_tags(read_one, empty):
    note, warnings = read_one(f"---\n{empty}\n---\ntexte")
    assert note.tags == ()
    assert warnings == []


def test_duplicate_tags_differing_only_in_accents_or_case_are_kept_once(read_one):
    note, _ = read_one("---\ntags: [Musée, musee, MUSÉE, patrimoine]\n---\ntexte")
    assert note.tags == ("Musée", "patrimoine")


def test_alias_and_aliases_are_both_read(read_one):
    note, _ = read_one("---\nalias: Stratégie digitale\naliases: [Plan numérique]\n---\ntexte")
    assert set(note.aliases) == {"Stratégie digitale", "Plan numérique"}


def test_a_single_alias_string_is_one_alias(read_one):
    note, _ = read_one("---\nalias: Stratégie digitale\n---\ntexte")
    assert note.aliases == ("Stratégie digitale",)


def test_switches_site_paths_and_generators_menu_places_are_not_words_of_the_note(read_one):
    # Hugo, Jekyll and Docusaurus front matter: ``true``, ``png`` or ``3`` found them all.
    note, _ = read_one(
        "---\ntitle: Billet\ntoc: true\ncomments: false\nimage: /img/couverture.png\n"
        "redirect_from:\n  - /ancien/billet/\nslug: mon-billet\nweight: 3\nnav_order: 2\n"
        "sidebar_position: 4\nauteur: Malraux\nsource: https://example.org/billet\n---\ntexte")
    assert [(p.name, p.text) for p in note.properties] == [
        ("title", "Billet"), ("auteur", "Malraux"), ("source", "https://example.org/billet")]


def test_a_switch_is_still_a_filter(make_vault, tmp_path):
    garden = make_vault({"a.md": "---\nlu: true\n---\nUn livre.\n",
                         "b.md": "---\nlu: false\n---\nUn livre.\n"})
    build_index(garden, tmp_path / "index")
    assert [hit.path for hit in search(tmp_path / "index", "livre [lu:true]").results] == ["a.md"]
    assert search(tmp_path / "index", "true").results == []


def test_hugo_aliases_are_old_addresses_not_names(read_one):
    # Hugo writes a redirect for each alias: the note's old URLs, not other names of it.
    note, _ = read_one("---\naliases:\n  - /posts/ancienne-adresse/\n"
                       "  - https://example.org/2019/billet.html\n  - Plan numérique\n"
                       "---\ntexte")
    assert note.aliases == ("Plan numérique",)


def test_nested_eleventy_navigation_is_ignored_and_not_used_as_title(read_one):
    note, warnings = read_one(
        "---\nlayout: layouts/post.njk\neleventyNavigation:\n  key: strategie\n"
        "  title: Titre du fil d'Ariane\n  parent: accueil\n  order: 1\n---\n"
        "# Stratégie numérique\ntexte")
    assert note.title == "Stratégie numérique"
    assert note.front_matter["eleventyNavigation"]["key"] == "strategie"
    assert warnings == []


def test_note_without_front_matter_is_titled_by_its_first_heading(read_one):
    note, warnings = read_one("Intro avant le titre\n\n# Podcasts de musée\n\n## Formats\ntexte")
    assert note.title == "Podcasts de musée"
    assert note.tags == ()
    assert warnings == []


def test_note_without_front_matter_or_heading_is_titled_by_its_file_name(read_one):
    note, _ = read_one("Juste du texte.\n\n## Un sous-titre seulement", path="Notes/Open data.md")
    assert note.title == "Open data"
    assert note.name == "Open data"


def test_numeric_title_is_read_as_text(read_one):
    note, _ = read_one("---\ntitle: 2024\n---\ntexte")
    assert note.title == "2024"


def test_language_from_front_matter(read_one):
    note, _ = read_one("---\nlang: en\n---\nCourt texte en français.")
    assert note.language == "en"


@pytest.mark.parametrize(("declared", "language"), [
    ("fr-CA", "fr"), ("Français", "fr"), ("english", "en"), ("en_GB", "en"), ("EN", "en")])
def test_language_declared_as_a_tag_or_a_name(read_one, declared, language):
    text = "Court texte." if language == "en" else "The museum and the public, in short."
    note, _ = read_one(f"---\nlanguage: {declared}\n---\n{text}")
    assert note.language == language
    assert not [p for p in note.properties if p[0] == "language"]


@pytest.mark.parametrize("declared", ["rust", "[rust, webassembly]", "javascript"])
def test_a_programming_language_property_is_searched_not_obeyed(read_one, declared):
    # Code gardens file snippets under language: rust; that is what the note is about.
    note, _ = read_one(f"---\nlanguage: {declared}\n---\nLe code de la note, en bref.")
    assert note.language == "fr"
    assert [p[1].split() for p in note.properties if p[0] == "language"] == [
        declared.strip("[]").replace(",", "").split()]


def test_language_detected_when_not_declared(read_one):
    note, _ = read_one("The museum and the public: what they want, how they use it and why "
                       "it is the job of the museum to be there for them with the right "
                       "tools at the right time.")
    assert note.language == "en"


# --- the site's name is not a note's title -------------------------------------------


def test_title_shared_by_several_notes_falls_back_to_heading_or_file_name(make_vault):
    vault = read_vault(make_vault({
        "Notes/Archivage numérique.md": "---\ntitle: MuseumXTD\n---\n# Archivage numérique\nx",
        "Notes/Gestion.md": "---\ntitle: MuseumXTD\n---\nPas de titre ici.",
        "Notes/Inventaire.md": "---\ntitle: MuseumXTD\n---\n## Seulement un sous-titre\nx",
        "Notes/Podcasts.md": "---\ntitle: Podcasts de musée\n---\n# Podcasts\nx",
    }))
    titles = {note.path: note.title for note in vault.notes}
    assert titles == {
        "Notes/Archivage numérique.md": "Archivage numérique",
        "Notes/Gestion.md": "Gestion",
        "Notes/Inventaire.md": "Inventaire",
        "Notes/Podcasts.md": "Podcasts de musée",
    }


def test_title_used_by_one_note_only_is_kept(read_one):
    note, _ = read_one("---\ntitle: MuseumXTD\n---\n# Autre chose\nx")
    assert note.title == "MuseumXTD"


def test_bundled_notes_never_show_the_site_name_as_a_title(bundled_vault):
    shared = [note.path for note in bundled_vault.notes if note.title == "MuseumXTD"]
    assert shared == []
    assert bundled_vault.note("index.md").title == "Bienvenue dans le jardin numérique"
    assert bundled_vault.note("Notes/Archivage numérique.md").title == "Archivage numérique"


# --- inline tags, search: false, search_boost ----------------------------------------


def test_inline_hashtags_become_tags(read_one):
    note, _ = read_one("---\ntags: [podcast]\n---\n# Titre\n"
                       "Texte #audio et #projet/en-cours, pas#ceci, ni #123, ni C#.\n"
                       "Lien https://example.org/page#ancre\n"
                       "```\n#pas_un_tag dans du code\n```\n")
    assert note.tags == ("podcast", "audio", "projet/en-cours")


# Obsidian's help writes CSS in callouts (``> ```css`` … ``border-color: #ff0000;``):
# that colour was a tag of the note, shown on its page and in every result.
CODE_IN_CALLOUTS_AND_LISTS = (
    "> [!example] CSS\n> Avant.\n> ```css\n> # pas un titre\n"
    "> .rouge { color: #ff0000; }\n> ```\n> Après.\n\n"
    "1. Installer :\n    ```bash\n    # commentaire\n    pip install #outil\n    ```\n"
    "2. Fin #vrai\n")


def test_code_fenced_in_a_callout_or_a_list_item_is_code(read_one):
    note, _ = read_one(CODE_IN_CALLOUTS_AND_LISTS)
    assert note.tags == ("vrai",)
    assert [heading.text for heading in note.headings] == []
    # Still searchable, as written, without the quote's marks or the fences' languages.
    assert note.text.split("\n") == [
        "CSS", "Avant.", "# pas un titre", ".rouge { color: #ff0000; }", "Après.",
        "Installer :", "# commentaire", "pip install #outil", "Fin #vrai"]


def test_three_backticks_closed_on_their_line_are_a_code_span_not_a_fence(read_one):
    # Logseq's docs write ```:custom-css-url "…"``` on an item's line: read as an opening
    # fence, it made the rest of the note code, its headings, links and tags lost.
    note, _ = read_one(
        "- Ajouter :\n- ```:css-url \"#ff0000\"```\n- ## Liens\n- [[Thèmes]] #vrai\n")
    assert note.tags == ("vrai",)
    assert [link.target for link in note.links] == ["Thèmes"]
    assert "\nLiens\n" in note.text


def test_a_tasks_box_is_no_word_whatever_it_holds(read_one):
    note, _ = read_one("- [x] fait\n- [/] en cours\n- [?] question\n")
    assert note.text == "fait\nen cours\nquestion"


def test_an_images_size_is_no_word_of_the_note(read_one):
    note, _ = read_one("Le ![logo du musée|200](https://exemple.org/logo.png) et "
                       "![plan|640x480](plan.png).\n")
    assert note.text == "Le logo du musée et plan."


def test_a_hashtag_shown_as_code_is_not_a_tag(read_one):
    note, _ = read_one("Un mot-clé s'écrit `#livre`; une page de PDF, ``#page=3``. #vrai\n")
    assert note.tags == ("vrai",)
    assert "#livre" in note.text  # the code is still searchable text


@pytest.mark.parametrize(("markdown", "text"), [
    ("> [!info]+ Prise en charge d'Android\n> L'application.\n\n> [!tip]-\n> Astuce.\n",
     "Prise en charge d'Android\nL'application.\nAstuce."),
    ("Des _nœuds_ et (_liens_), __gras__, un nom_de_fichier.\n",
     "Des nœuds et (liens), gras, un nom_de_fichier."),
    ("Voir [les orphelins][orphans] et [Foam][][^1].\n\n"
     "[orphans]: ../outils/orphans.md 'Notes orphelines'\n"
     "[Foam]: https://foambubble.github.io\n[^1]: Une vraie note.\n",
     "Voir les orphelins et Foam.\nUne vraie note."),
    ("Publié sur <https://notes.exemple.org/jardin>, écrire à <nom.prenom@musee.fr>.\n"
     "[Ici]() et <b>gras</b>, a < b > c.\n",
     "Publié sur notes.exemple.org, écrire à nom.prenom@musee.fr.\nIci et  gras , a < b > c."),
    ("## Séries\n\n{ .block-language-dataview}\n{: #ancre .classe}\nEnsemble {1, 2}.\n",
     "Séries\nEnsemble {1, 2}."),
], ids=["a callout's marker, not its title", "underscore emphasis, not snake_case",
        "reference links' definitions and footnote marks",
        "autolinks show their address, an empty link its label",
        "an attribute list alone on its line"])
def test_markup_the_page_does_not_show_is_not_searched_text(read_one, markdown, text):
    note, _ = read_one(markdown)
    assert note.text == text


def test_keys_obsidian_reads_are_read_whatever_their_case(read_one):
    # Obsidian reads Tags: and Aliases: as its tags and aliases; so do we.
    note, _ = read_one("---\nTags: [musée, expo]\nAliases: [Truc]\nLang: en\nDraft: true\n"
                       "Search_Boost: 2\n---\nTexte.\n")
    assert (note.tags, note.aliases, note.language, note.published, note.boost) == \
        (("musée", "expo"), ("Truc",), "en", False, 2.0)
    assert note.properties == ()
    # The lowercase key wins over another casing of it.
    assert read_one("---\nTags: [a]\ntags: [b]\n---\nx\n")[0].tags == ("b",)


@pytest.mark.parametrize("written", ["tags: [#projet, #musée]", "tags: #projet #musée",
                                     "tags:\n  - #projet\n  - musée"])
def test_tags_written_with_their_hash_in_front_matter_are_tags(read_one, written):
    # To YAML a "#" starts a comment (the tags vanished) or an error (so did the title).
    note, warnings = read_one(f"---\ntitle: Expo\n{written}\n---\nTexte")
    assert (note.title, note.tags, warnings) == ("Expo", ("projet", "musée"), [])


def test_a_yaml_comment_after_a_space_is_still_a_comment(read_one):
    note, _ = read_one("---\n# notes de travail\ntitle: Expo # provisoire\n"
                       "couleur: #c0ffee\n---\nTexte")
    assert note.title == "Expo"
    assert note.front_matter["couleur"] == "#c0ffee"


def test_inline_tag_repeating_a_front_matter_tag_is_not_doubled(read_one):
    note, _ = read_one("---\ntags: [réseaux sociaux]\n---\nTexte #réseaux-sociaux")
    assert note.tags == ("réseaux sociaux",)


@pytest.mark.parametrize("value", ["false", "no", "off", '"false"', "non"])
def test_search_false_marks_the_note_unsearchable(read_one, value):
    note, _ = read_one(f"---\nsearch: {value}\n---\ntexte")
    assert note.searchable is False


def test_notes_are_searchable_by_default(read_one):
    note, _ = read_one("---\ntitle: X\n---\ntexte")
    assert note.searchable is True
    assert note.boost == 1.0


def test_search_boost_is_read(read_one):
    note, _ = read_one("---\nsearch_boost: 2\n---\ntexte")
    assert note.boost == 2.0


# Gardens written for another generator keep notes out of its search in its words:
# those notes stay out of ours.
@pytest.mark.parametrize("front_matter", [
    "search: false",
    "search:\n  exclude: true",  # Material for MkDocs
    "search_exclude: true",  # Just the Docs (Jekyll)
    "pagefind: false",  # Starlight (Astro), whose search is Pagefind
    "searchHidden: true",  # Hugo's PaperMod theme
])
def test_a_note_kept_out_of_the_search_in_any_generators_words_is_not_searchable(
        read_one, front_matter):
    note, _ = read_one(f"---\ntitle: X\n{front_matter}\n---\ntexte")
    assert note.searchable is False
    assert [p.name for p in note.properties] == ["title"]  # a switch is no words


@pytest.mark.parametrize("front_matter", [
    "search:\n  exclude: false\n  boost: 2", "search_exclude: false", "pagefind: true",
    "searchHidden: false"])
def test_the_same_switches_saying_otherwise_keep_the_note_searchable(read_one, front_matter):
    note, _ = read_one(f"---\ntitle: X\n{front_matter}\n---\ntexte")
    assert note.searchable is True


def test_material_for_mkdocs_search_boost_is_read(read_one):
    note, _ = read_one("---\nsearch:\n  boost: 2\n---\ntexte")
    assert note.boost == 2.0 and note.searchable is True


@pytest.mark.parametrize("value", ["abc", "0", "-1", "[1, 2]"])
def test_invalid_search_boost_is_ignored(read_one, value):
    note, _ = read_one(f"---\nsearch_boost: {value}\n---\ntexte")
    assert note.boost == 1.0


# --- broken front matter: one warning, the note is still read and indexed ------------


def test_malformed_yaml_gives_one_warning_with_file_and_line(read_one):
    note, warnings = read_one(
        "---\ntitle: Bon titre\nlayout: a: b\ntags: x\n---\n# Vrai titre\nornithorynque")
    [warning] = warnings
    assert warning.path == "Dossier/Note.md"
    assert warning.line == 3
    assert str(warning).startswith("Dossier/Note.md:3: malformed front matter")
    assert note.title == "Vrai titre"
    assert "ornithorynque" in note.text


@pytest.mark.parametrize("date", ["2021-27-04", "2022-02-30"])
def test_a_date_with_no_such_day_is_text_and_the_rest_of_the_front_matter_stays(read_one,
                                                                               date):
    note, warnings = read_one(f"---\ntitle: Bon titre\ndate: {date}\ntags: [musée]\n---\nx")
    assert warnings == []
    assert (note.title, note.tags, note.front_matter["date"]) == ("Bon titre", ("musée",), date)


def test_template_placeholders_in_front_matter_are_text_not_an_error(read_one):
    # Obsidian's Templates plugin fills {{date}} and {{title}} when it makes a note; to
    # YAML they were a mapping in a mapping, and every template lost its front matter.
    note, warnings = read_one("---\ncreated: {{date}}\nday: {{date:YYYY-MM-DD}}\n"
                              "aliases:\n  - {{title}}\ntags: [modèle]\n---\nx")
    assert warnings == []
    assert note.tags == ("modèle",)
    assert (note.front_matter["created"], note.front_matter["day"]) == (
        "{{date}}", "{{date:YYYY-MM-DD}}")


def test_note_with_malformed_yaml_is_still_indexed(make_vault, tmp_path):
    garden = make_vault({"Dossier/Note.md": "---\ntitle: [pas fermé\n---\nornithorynque"})
    assert_still_indexed(garden, tmp_path, "ornithorynque")


def test_tab_indented_yaml_is_a_warning_not_an_exception(read_one):
    note, warnings = read_one("---\ntitle: A\neleventyNavigation:\n\tkey: k\n---\ntexte")
    assert len(warnings) == 1
    assert "malformed front matter" in warnings[0].message
    assert note.text == "texte"


@pytest.mark.parametrize("yaml_text", ["- une\n- liste", "une simple phrase", "42"])
def test_front_matter_that_is_not_a_mapping_is_a_warning(read_one, yaml_text):
    note, warnings = read_one(f"---\n{yaml_text}\n---\n# Titre\ntexte")
    [warning] = warnings
    assert warning.line == 2
    assert "not a mapping" in warning.message
    assert note.title == "Titre"


def test_unterminated_front_matter_is_read_as_body_with_a_warning(read_one):
    note, warnings = read_one("---\ntitle: Jamais fermé\n\nLe texte continue ornithorynque")
    [warning] = warnings
    assert (warning.path, warning.line) == ("Dossier/Note.md", 1)
    assert "never closes" in warning.message
    assert note.title == "Note"
    assert "ornithorynque" in note.text


def test_toml_front_matter_as_hugo_writes_it_is_read(read_one):
    note, warnings = read_one('+++\ntitle = "Gestion des collections"\ntags = ["inventaire", '
                              '"récolement"]\ndate = 2024-03-02\ndraft = true\n+++\n\n'
                              "Le récolement décennal.\n")
    assert warnings == []
    assert (note.title, note.tags, note.date) == ("Gestion des collections",
                                                  ("inventaire", "récolement"), "2024-03-02")
    assert not note.published
    assert note.text.strip() == "Le récolement décennal." and note.body_line == 7


def test_malformed_toml_front_matter_is_a_warning_on_its_line(read_one):
    note, warnings = read_one('+++\ntitle = "Cassé"\nauteur = Malraux\n+++\nTexte ornithorynque\n')
    [warning] = warnings
    assert (warning.path, warning.line) == ("Dossier/Note.md", 3)
    assert warning.message.startswith("malformed front matter")
    assert note.title == "Note" and "ornithorynque" in note.text


def test_toml_front_matter_nested_too_deeply_is_a_warning(read_one):
    note, warnings = read_one("+++\na = " + "[" * 50_000 + "\n+++\nTexte ornithorynque\n")
    [warning] = warnings
    assert warning.message == "malformed front matter: nested too deeply"
    assert "ornithorynque" in note.text


def test_unterminated_toml_front_matter_is_read_as_body_with_a_warning(read_one):
    note, warnings = read_one('+++\ntitle = "Jamais fermé"\nLe texte continue ornithorynque')
    [warning] = warnings
    assert warning.line == 1 and "starts with +++ but never closes" in warning.message
    assert "ornithorynque" in note.text


def test_front_matter_may_close_with_three_dots(read_one):
    note, warnings = read_one("---\ntitle: Fermé par des points\n...\ntexte")
    assert note.title == "Fermé par des points"
    assert warnings == []


def test_empty_front_matter_is_fine(read_one):
    note, warnings = read_one("---\n---\n# Titre\ntexte")
    assert note.title == "Titre"
    assert warnings == []


# --- bytes, encodings, line endings --------------------------------------------------


def test_utf8_bom_is_ignored(read_one):
    note, warnings = read_one(b"\xef\xbb\xbf---\ntitle: Crowdsourcing\n---\ntexte")
    assert note.title == "Crowdsourcing"
    assert warnings == []


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["CRLF", "lone CR"])
def test_windows_and_old_mac_line_endings_are_read(read_one, newline):
    lines = [b"---", b"title: Fins de ligne", b"tags: [a, b]", b"---", b"# Titre",
             b"ligne un", b"## Section", b"ligne deux"]
    note, warnings = read_one(newline.join(lines))
    assert note.title == "Fins de ligne"
    assert note.tags == ("a", "b")
    assert [h.text for h in note.headings] == ["Titre", "Section"]
    assert "\r" not in note.text and "\r" not in note.markdown
    assert note.headings[1].line == 7
    assert warnings == []


def test_non_utf8_bytes_are_a_warning_and_the_note_is_still_read(read_one):
    note, warnings = read_one("---\ntitle: Café\n---\nDéjà vu à l'été".encode("cp1252"))
    [warning] = warnings
    assert warning.path == "Dossier/Note.md"
    assert warning.line == 2
    assert "not valid UTF-8" in warning.message
    assert note.title == "Café"
    assert note.text == "Déjà vu à l'été"


def test_note_with_non_utf8_bytes_is_still_indexed(make_vault, tmp_path):
    garden = make_vault({"Dossier/Note.md": "Le récolement décennal".encode("cp1252")})
    assert_still_indexed(garden, tmp_path, "récolement")


def test_nul_bytes_are_removed_with_a_warning(read_one):
    note, warnings = read_one(b"---\ntitle: Nul\n---\nornitho\x00rynque")
    [warning] = warnings
    assert (warning.line, warning.message) == (4, "NUL bytes removed")
    assert note.text == "ornithorynque"


@pytest.mark.parametrize("content", [b"", b"   \n\n  \n"], ids=["empty", "blank"])
def test_empty_file_is_a_note_with_a_warning(read_one, content):
    note, warnings = read_one(content)
    assert note.title == "Note"
    assert note.text == ""
    assert [w.message for w in warnings] == ["empty note"]


def test_one_bad_note_does_not_stop_the_others(make_vault):
    vault = read_vault(make_vault({
        "a.md": b"---\ntitle: [\n---\nx",
        "b.md": b"\xff\xfe\x00garbage",
        "c.md": b"",
        "d.md": "---\ntitle: Saine\n---\ntexte",
    }))
    assert [note.path for note in vault.notes] == ["a.md", "b.md", "c.md", "d.md"]
    assert {w.path for w in vault.warnings} == {"a.md", "b.md", "c.md"}
    assert vault.note("d.md").title == "Saine"


# --- which files are notes -----------------------------------------------------------


def test_hidden_files_config_and_excluded_folders_are_not_notes(make_vault):
    garden = make_vault({
        "museumxtd.toml": 'exclude = ["Modèles/**"]\n',
        "Modèles/Modèle de fiche.md": "# {{titre}}",
        ".obsidian/workspace.md": "x",
        ".cachée.md": "x",
        "Notes/Vraie note.md": "x",
        "images/logo.png": b"\x89PNG",
    })
    vault = read_vault(garden)
    assert [note.path for note in vault.notes] == ["Notes/Vraie note.md"]
    assert vault.assets == ("images/logo.png",)


def test_exclude_argument_leaves_out_a_folder(make_vault):
    garden = make_vault({"Brouillon/a.md": "x", "Notes/b.md": "x"})
    assert [n.path for n in read_vault(garden, exclude=["Brouillon"]).notes] == ["Notes/b.md"]


def test_a_name_excludes_it_at_any_depth_and_a_leading_slash_only_at_the_root(make_vault):
    garden = make_vault({"docs/a.md": "x", "Projets/docs/b.md": "x", "Notes/c.md": "x"})
    assert [n.path for n in read_vault(garden, exclude=["docs"]).notes] == ["Notes/c.md"]
    assert [n.path for n in read_vault(garden, exclude=["/docs"]).notes] == \
        ["Notes/c.md", "Projets/docs/b.md"]


def test_bundled_config_excludes_templates(bundled_vault):
    assert not any(note.path.startswith("Modèles/") for note in bundled_vault.notes)
    assert bundled_vault.note("Notes/Newsletters.md").boost == 2.0
    assert bundled_vault.note("Brouillon/Notes de réunion internes.md").searchable is False


def test_missing_notes_folder_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="notes folder not found"):
        read_vault(tmp_path / "absent")


@pytest.mark.parametrize("data", [
    b"", b"  \n\n", b"plain body\n", b"---\ntitle: T\n---\nbody\n", b"---\ntitle: T\n---",
    b"---\ntitle: T\n---\n", b"---\ntitle: T\n...\nbody", b"---\r\ntitle: T\r\n---\r\nA\r\nB",
    b"\xef\xbb\xbf---\ntitle: T\n---\n\nbody", b"---\ntitle: [unclosed\n---\nbody\n",
    b"---\nnever closes\n", b"---\n---\n\n\nbody\n\n", b"\rold\rmac\r", b"caf\xe9 cp1252",
    b"---\ntitle: T\n---\nnul\x00byte",
])
def test_a_notes_body_is_its_decoded_text_from_its_body_line_on(data):
    # An index snapshot keeps the body's line, not the body (index/snapshot.py).
    note, _, _ = parse_note("n.md", data)
    assert body_of(decode(data, "n.md")[0], note.body_line) == note.markdown


def test_every_real_and_bundled_notes_body_is_found_from_its_body_line(corpus_dir):
    folders = [corpus_dir, Path(__file__).resolve().parents[1] / "notes"]
    for path in (p for folder in folders for p in sorted(folder.rglob("*.md"))):
        data = path.read_bytes()
        note, _, _ = parse_note(path.name, data)
        assert body_of(decode(data, path.name)[0], note.body_line) == note.markdown, path


# --- the Digital Garden plugin's notes ------------------------------------------------


def test_a_digital_garden_notes_own_properties_are_read_from_where_the_plugin_nests_them(
        read_one):
    # The plugin writes its keys on top and the author's front matter under
    # dg-note-properties, as one line of JSON.
    note, warnings = read_one(
        '---\n{"dg-publish":true,"permalink":"/modules/fractions/","title":"Fractions",'
        '"tags":["fraction"],"dg-note-properties":{"title":"Les fractions",'
        '"description":"Introduction aux fractions.","theme":"Nombres et calcul",'
        '"niveaux":["5e"]}}\n---\nTexte.\n')
    assert warnings == []
    assert note.title == "Fractions"  # the plugin's key, on top, wins
    assert [(p.name, p.text, p.role) for p in note.properties] == [
        ("title", "Fractions", "title"), ("description", "Introduction aux fractions.", "summary"),
        ("theme", "Nombres et calcul", "other"), ("niveaux", "5e", "other")]


def test_the_digital_garden_plugins_settings_are_not_searched_and_dg_publish_false_is_a_draft(
        read_one):
    note, _ = read_one("---\ndg-publish: false\ndg-home: true\ndg-path: Notes/x.md\n"
                       "dg-pinned: true\ndgPassFrontmatter: true\ndgShowBacklinks: false\n"
                       "dgfip: Impôts\nsujet: Musées\n---\nTexte.\n")
    assert [p.name for p in note.properties] == ["dgfip", "sujet"]
    assert not note.published
    assert read_one("---\ndg-publish: true\n---\nTexte.\n")[0].published


@pytest.mark.parametrize(("written", "searched"), [
    ("nanoid: l61yoayi1ffh", False), ("id: qf3a0gn6dyq5wg2jv6lbnuj", False),
    ("uuid: 64a1b2c3-0000-4000-8000-123456789abc", False),
    ("id: 202301011200", True), ("id: Linux Desktop", True), ("id: expo-2024", True),
    ("code: l61yoayi1ffh", True)])
def test_a_generated_identifier_is_no_word_of_the_note(read_one, written, searched):
    note, _ = read_one(f"---\n{written}\n---\nTexte.\n")
    assert bool(note.properties) == searched
