"""The one wikilink grammar and the one resolver (Obsidian's rules)."""

from __future__ import annotations

import pytest

from museumxtd_search.vault.links import find_links
from museumxtd_search.vault.notes import Link
from museumxtd_search.vault.reading import read_vault
from museumxtd_search.vault.references import garden_references
from museumxtd_search.vault.sections import find_section

# --- the grammar ---------------------------------------------------------------------


@pytest.mark.parametrize(("written", "expected"), [
    ("[[Note]]", Link("Note")),
    ("[[Note|label]]", Link("Note", label="label")),
    ("[[Note#Heading]]", Link("Note", heading="Heading")),
    ("[[Note#Heading|label]]", Link("Note", label="label", heading="Heading")),
    ("[[#Heading]]", Link("", heading="Heading")),
    ("![[image.png]]", Link("image.png", embed=True)),
    ("![[Note]]", Link("Note", embed=True)),
    (r"| cell | [[Note\|label]] |", Link("Note", label="label")),
    (r"| cell | [[Note#Heading\|label]] |", Link("Note", label="label", heading="Heading")),
    ("[[ Note espacée | libellé ]]", Link("Note espacée", label="libellé")),
], ids=["plain", "label", "heading", "heading+label", "same-note heading", "image embed",
        "note embed", "table escaped bar", "table heading+label", "spaces trimmed"])
def test_every_wikilink_form_is_parsed(written, expected):
    [link] = find_links(written)
    assert link == Link(expected.target, expected.label, expected.heading, expected.embed,
                        "wikilink", 1)


PROPERTY_LINKS_NOTE = """---
up: "[[Parent]]"
related:
  - "[[Autre note|autre]]"
  - "[[Absente]]"
# vu: "[[Commentée]]"
layout: "[[Gabarit]]"
aliases: [[alias]]
cover: "![[image.png]]"
sans: [[Sans guillemets]]
---
# Enfant
Texte [[Parent#Section]].
"""


def test_wikilinks_in_properties_are_links_with_their_line(make_vault):
    # Obsidian (1.4+) counts them: backlinks, graph. Not in comments, keys that steer a
    # tool, aliases or tags, nor embeds, nor unquoted (YAML's list in a list).
    vault = read_vault(make_vault({"Enfant.md": PROPERTY_LINKS_NOTE, "Parent.md": "# Parent",
                                   "Autre note.md": ""}))
    links = [(link.target, link.label, link.line) for link in vault.note("Enfant.md").links]
    assert links == [("Parent", None, 2), ("Autre note", "autre", 4), ("Absente", None, 5),
                     ("Parent", None, 13)]
    broken = [(r.link.target, r.link.line) for r in vault.links.resolve_all(vault.note("Enfant.md"))
              if r.broken]
    assert broken == [("Absente", 5)]


def test_a_note_linked_from_a_property_is_found_by_links_to(make_vault, tmp_path):
    import museumxtd_search as mxs

    garden = mxs.Garden(make_vault({"Enfant.md": PROPERTY_LINKS_NOTE, "Parent.md": "# Parent",
                                    "Voisin.md": "ornithorynque"}), tmp_path / "index")
    assert [hit.path for hit in garden.query("", links_to="Parent").results] == ["Enfant.md"]


def test_markdown_link_with_percent_encoded_path_and_fragment():
    [link] = find_links("[le guide](Guides/Comment%20%C3%A9valuer.md#Choisir%20des%20indicateurs)")
    assert (link.target, link.label, link.heading, link.kind) == (
        "Guides/Comment évaluer.md", "le guide", "Choisir des indicateurs", "markdown")


def test_markdown_link_in_angle_brackets_may_contain_spaces():
    [link] = find_links("[voir](<Notes/Open data.md>)")
    assert (link.target, link.label, link.kind) == ("Notes/Open data.md", "voir", "markdown")


def test_markdown_link_with_a_title_attribute():
    [link] = find_links('[voir](Notes/Open%20data.md "Données ouvertes")')
    assert link.target == "Notes/Open data.md"


@pytest.mark.parametrize("not_a_note_link", [
    "[site](https://example.org/page.md)",
    "[mail](mailto:jardin@example.org)",
    "[image](images/logo.png)",
    "![image](Notes/schema.md)",
    "[ancre](#section)",
])
def test_external_image_and_anchor_links_are_not_note_links(not_a_note_link):
    assert find_links(not_a_note_link) == []


def test_links_are_found_in_reading_order_with_line_numbers():
    links = find_links("Intro [[A]] puis [[B|b]]\n\nVoir [c](C.md)\n![[D]] et [[E]]", first_line=5)
    assert [(link.target, link.line) for link in links] == [
        ("A", 5), ("B", 5), ("C.md", 7), ("D", 8), ("E", 8)]


def test_wikilinks_and_markdown_links_on_one_line_keep_reading_order():
    links = find_links("Voir [c](C.md) puis [[D]]")
    assert [link.target for link in links] == ["C.md", "D"]


def test_link_line_numbers_count_the_front_matter(make_vault):
    vault = read_vault(make_vault({"a.md": "---\ntitle: A\n---\n# A\n\nvoir [[B]]", "B.md": "b"}))
    [link] = vault.note("a.md").links
    assert link.line == 6


def test_link_labels_are_the_words_a_reader_sees(make_vault):
    vault = read_vault(make_vault({
        "a.md": "[[Stratégie numérique|la stratégie]] et ![[logo.png]] et [[Open data#Licences]]",
    }))
    assert vault.note("a.md").text.split() == ["la", "stratégie", "et", "et", "Open", "data",
                                               "›", "Licences"]


def test_a_link_shown_as_code_is_read_as_written(make_vault):
    vault = read_vault(make_vault({"a.md": "Écrire `[[Note|libellé]]` donne [[Note|libellé]], "
                                           "`*pas*` *gras*."}))
    # (A pipe reads as a space everywhere: table cells are written with them.)
    assert vault.note("a.md").text == "Écrire [[Note libellé]] donne libellé, *pas* gras."
    assert [link.target for link in vault.note("a.md").links] == ["Note"]


def test_links_shown_as_code_or_hidden_in_a_comment_link_nowhere(make_vault):
    # Not in the links field, not a backlink on the site: a private link stays private.
    vault = read_vault(make_vault({
        "a.md": "`[[B]]`\n```\n[[B]] [b](B.md)\n```\n%% voir [[B]] %%\n[[C]] [`c`](C.md)\n",
        "B.md": "b", "C.md": "c"}))
    assert [(link.target, link.label, link.line) for link in vault.note("a.md").links] == \
        [("C", None, 6), ("C.md", "`c`", 6)]


def test_a_link_to_a_heading_inside_a_heading_reads_as_its_path(make_vault):
    vault = read_vault(make_vault({"a.md": "[[Synchro#Réglages#Dossiers exclus]]"}))
    assert vault.note("a.md").text == "Synchro › Réglages › Dossiers exclus"


NESTED = ("# Synchro\n## Historique\n### Dossiers exclus\nAncien texte.\n"
          "## Réglages\nIntro.\n### Dossiers exclus\nLe bon texte.\n## Fin\nAprès.\n")


def test_a_heading_inside_a_heading_is_looked_for_inside_it():
    assert find_section(NESTED, "Réglages#Dossiers exclus") == \
        "### Dossiers exclus\nLe bon texte."
    assert find_section(NESTED, "Dossiers exclus") == "### Dossiers exclus\nAncien texte."
    assert find_section(NESTED, "Fin#Dossiers exclus") is None


# --- the resolver --------------------------------------------------------------------


GARDEN = {
    "Notes/Stratégie numérique.md": "---\nalias: Stratégie digitale\n---\n# Stratégie numérique",
    "Archives/Vieilles notes/Stratégie numérique.md": "# Ancienne stratégie",
    "Notes/RGPD et données personnelles.md": "---\naliases: [RGPD, Protection des données]\n---\nx",
    "Notes/fiche-42.md": "---\ntitle: Inventaire et récolement\n---\nx",
    "Guides/Comment évaluer un projet numérique.md": "# Comment évaluer",
    "images/logo-musee.png": b"\x89PNG",
}


@pytest.fixture
def resolve(make_vault):
    """Resolve the first link of a note ``Folder/Source.md`` holding ``markdown``."""

    def resolve_one(markdown: str, source: str = "Guides/Source.md"):
        vault = read_vault(make_vault({**GARDEN, source: markdown}))
        note = vault.note(source)
        [resolved] = vault.links.resolve_all(note)
        return resolved

    return resolve_one


@pytest.mark.parametrize(("written", "target"), [
    ("[[Stratégie numérique]]", "Notes/Stratégie numérique.md"),
    ("[[strategie NUMERIQUE]]", "Notes/Stratégie numérique.md"),
    ("[[Stratégie digitale]]", "Notes/Stratégie numérique.md"),
    ("[[stratégie digitale|le plan]]", "Notes/Stratégie numérique.md"),
    ("[[RGPD]]", "Notes/RGPD et données personnelles.md"),
    ("[[protection des donnees]]", "Notes/RGPD et données personnelles.md"),
    ("[[Inventaire et récolement]]", "Notes/fiche-42.md"),
    ("[[fiche-42]]", "Notes/fiche-42.md"),
    ("[[Comment évaluer un projet numérique#Choisir des indicateurs|indicateurs]]",
     "Guides/Comment évaluer un projet numérique.md"),
    ("![[Stratégie numérique]]", "Notes/Stratégie numérique.md"),
    ("[[Archives/Vieilles notes/Stratégie numérique]]",
     "Archives/Vieilles notes/Stratégie numérique.md"),
    ("[[Vieilles notes/Stratégie numérique]]", "Archives/Vieilles notes/Stratégie numérique.md"),
], ids=["name", "case and accents", "alias", "alias+label", "short alias",
        "accentless alias", "title", "file name", "heading+label", "note embed",
        "full path", "path suffix"])
def test_link_resolves_by_name_title_alias_or_path(resolve, written, target):
    resolved = resolve(written)
    assert resolved.target_path == target
    assert resolved.is_note
    assert not resolved.broken


def test_same_name_in_two_folders_resolves_to_the_shortest_path(resolve):
    assert resolve("[[Stratégie numérique]]").target_path == "Notes/Stratégie numérique.md"


def test_equal_length_paths_tie_break_alphabetically(make_vault):
    vault = read_vault(make_vault({"b/Idée.md": "", "a/Idée.md": "", "x.md": "[[Idée]]"}))
    [resolved] = vault.links.resolve_all(vault.note("x.md"))
    assert resolved.target_path == "a/Idée.md"


def test_heading_only_link_resolves_to_the_note_itself(resolve):
    resolved = resolve("[[#Feuille de route]]")
    assert resolved.target_path == "Guides/Source.md"
    assert resolved.link.heading == "Feuille de route"


@pytest.mark.parametrize("written", [
    "[guide](Comment%20%C3%A9valuer%20un%20projet%20num%C3%A9rique.md)",
    "[guide](<Comment évaluer un projet numérique.md>)",
    "[guide](../Guides/Comment%20évaluer%20un%20projet%20numérique.md#Pourquoi)",
])
def test_markdown_link_resolves_relative_to_the_linking_note(resolve, written):
    assert resolve(written).target_path == "Guides/Comment évaluer un projet numérique.md"


def test_markdown_link_from_the_root_resolves(resolve):
    resolved = resolve("[guide](Guides/Comment%20évaluer%20un%20projet%20numérique.md)",
                       source="Racine.md")
    assert resolved.target_path == "Guides/Comment évaluer un projet numérique.md"


@pytest.mark.parametrize(("garden", "home"), [
    ({"index.md": "", "README.md": ""}, "index.md"),
    ({"README.md": "", "Notes/index.md": ""}, "README.md"),
    ({"Accueil.md": ""}, "Accueil.md"),
    ({"Notes/index.md": ""}, None),
], ids=["index first", "a sub-folder's index is no home", "Accueil", "no home"])
def test_the_site_root_names_the_gardens_home_note(make_vault, garden, home):
    # Quartz and Eleventy gardens write [back home](/): the page the site shows at its
    # root, which the garden's home note is; a garden without one links nowhere.
    vault = read_vault(make_vault({**garden, "Guides/a.md": "[accueil](/) [retour](../)"}))
    references = garden_references(vault.links, [vault.note("Guides/a.md")])
    assert [(r.target_path, r.dead) for r in references] == [(home, home is None)] * 2


def test_existing_image_embed_resolves_to_the_file(resolve):
    resolved = resolve("![[logo-musee.png]]")
    assert resolved.target_path == "images/logo-musee.png"
    assert resolved.is_note is False


def test_missing_image_embed_is_broken(resolve):
    resolved = resolve("![[Pasted image 20240312101500.png]]")
    assert resolved.broken
    assert resolved.is_note is False


def test_link_to_a_missing_note_is_kept_and_broken(resolve):
    resolved = resolve("[[Plan de transformation 2025|le plan]]")
    assert resolved.broken
    assert resolved.link.target == "Plan de transformation 2025"
    assert resolved.link.label == "le plan"


def test_broken_links_are_listed_with_their_source_and_line(make_vault):
    vault = read_vault(make_vault({
        "a.md": "---\ntitle: A\n---\n[[B]] et [[Nulle part]]\n\n![[absente.png]]",
        "B.md": "",
    }))
    broken = [(note.path, r.link.target, r.link.line) for note in vault.notes
              for r in vault.links.resolve_all(note) if r.broken]
    assert broken == [("a.md", "Nulle part", 4), ("a.md", "absente.png", 6)]


def test_urls_a_site_generator_builds_from_template_tags_are_not_checked(make_vault):
    # Jekyll and Eleventy gardens write {{ site.baseurl }}: only the build knows where
    # such a URL leads, so it is neither resolved nor reported dead.
    vault = read_vault(make_vault({"a.md": (
        '<a href="{{ site.baseurl }}/cats">chats</a> '
        '<img src="{{ \'/img/x.png\' | url }}"> [lien]({% link b.md %}) [[B]]'),
        "B.md": ""}))
    assert [r.link.target for r in vault.links.resolve_all(vault.note("a.md"))] == ["B"]


def test_a_file_of_any_extension_is_linked_by_its_name_as_in_obsidian(make_vault):
    # Obsidian Bases and Canvas files, embedded or linked by name from anywhere; a name
    # with a dot that a note answers is still that note, and no file makes no link.
    vault = read_vault(make_vault({
        "Livres.md": "![[Livres.base]] [[Plan.canvas]] [[M. Dupont]] [[v1.2]]",
        "Modèles/Bases/Livres.base": "views: []\n", "Plan.canvas": "{}",
        "Gens/M. Dupont.md": ""}))
    resolved = [(r.link.target, r.target_path, r.is_note)
                for r in vault.links.resolve_all(vault.note("Livres.md"))]
    assert resolved == [("Livres.base", "Modèles/Bases/Livres.base", False),
                        ("Plan.canvas", "Plan.canvas", False),
                        ("M. Dupont", "Gens/M. Dupont.md", True), ("v1.2", None, True)]


def test_site_name_shared_as_title_does_not_resolve_links(make_vault):
    vault = read_vault(make_vault({
        "Notes/Un.md": "---\ntitle: MuseumXTD\n---\nx",
        "Notes/Deux.md": "---\ntitle: MuseumXTD\n---\nx",
        "a.md": "[[MuseumXTD]]",
    }))
    [resolved] = vault.links.resolve_all(vault.note("a.md"))
    assert resolved.broken


def test_link_table_survives_a_json_round_trip(make_vault):
    from museumxtd_search.vault.resolver import LinkTable

    vault = read_vault(make_vault(GARDEN))
    table = LinkTable.from_json(vault.links.to_json())
    assert table.resolve_target("Stratégie digitale") == "Notes/Stratégie numérique.md"
    assert table.resolve_asset("logo-musee.png") == "images/logo-musee.png"


def test_bundled_garden_links_resolve_through_aliases(bundled_vault):
    note = bundled_vault.note("Notes/Réseaux sociaux et musées.md")
    targets = {r.link.target: r.target_path for r in bundled_vault.links.resolve_all(note)}
    assert targets["Stratégie digitale"] == "Notes/Stratégie numérique.md"
    assert targets["Social Media Metrics for Museums"] == \
        "Ressources/Social Media Metrics for Museums.md"


def test_bundled_garden_broken_links_are_known(bundled_vault):
    broken = {r.link.target for note in bundled_vault.notes
              for r in bundled_vault.links.resolve_all(note) if r.broken}
    assert "Plan de transformation 2025" in broken
    assert "SEO" not in broken  # an alias of Référencement
