"""A Logseq graph is a garden too: its page properties are its front matter, its
namespaces name its pages, its bookkeeping is not text."""

from __future__ import annotations

import re

import pytest

from museumxtd_search.site.export import export_site
from museumxtd_search.vault.reading import read_vault

SPRINT = (
    "title:: Community/Query Learning Sprint\n"
    "alias:: sprint, [[Learning sprint]]\n"
    "tags:: community, [[queries made easy]], #docs\n"
    "type:: [[Feature]]\n"
    "\n"
    "- title:: Community/Query Learning Sprint\n"
    "- # About this sprint\n"
    "  id:: 64a1b2c3-0000-4000-8000-123456789abc\n"
    "  collapsed:: true\n"
    "\t- See ((64a1b2c3-0000-4000-8000-123456789abc)) and {{embed [[Feature]]}}, "
    "{{cloze secret}}.\n"
    "\t- Read [the rules](((64a1b2c3-0000-4000-8000-123456789abc))) first.\n"
    "\t- #+BEGIN_NOTE\n"
    "\t  A note inside.\n"
    "\t  #+END_NOTE\n"
    "\t- author:: Jane\n")


@pytest.fixture
def graph(make_vault):
    return make_vault({
        "logseq/config.edn": "{}",
        "pages/Community___Query Learning Sprint.md": SPRINT,
        "pages/Feature.md": "- A [[setting/theme]] and [[Community/Query Learning Sprint]].\n",
        "pages/setting___theme.md": "- Light or dark.\n",
        "journals/2023_09_12.md": "- Met the [[sprint]] team.\n",
    })


def test_page_properties_are_the_pages_front_matter(graph):
    note = read_vault(graph).note("pages/Community___Query Learning Sprint.md")
    assert note.title == "Community/Query Learning Sprint"
    assert note.aliases == ("sprint", "Learning sprint")
    assert note.tags == ("community", "queries made easy", "docs")
    assert [(p.name, p.text) for p in note.properties if p.role == "other"] == \
        [("type", "[[Feature]]")]
    assert note.markdown.startswith("- # About this sprint")  # the page shows no property
    assert [link.target for link in note.links][:1] == ["Feature"]  # a property's link


def test_bookkeeping_block_references_and_org_fences_are_not_text_macros_read_as_shown(graph):
    note = read_vault(graph).note("pages/Community___Query Learning Sprint.md")
    assert note.text == ("About this sprint\nSee  and Feature, secret.\nRead the rules first.\n"
                         "A note inside.\nauthor: Jane")
    # A heading in a block is read without its hashes; it is no section of the page.
    assert note.headings == () and note.title == "Community/Query Learning Sprint"


def test_namespaces_name_pages_and_links_reach_them(graph):
    vault = read_vault(graph)
    assert vault.note("pages/setting___theme.md").title == "setting/theme"
    feature = vault.note("pages/Feature.md")
    assert [r.target_path for r in vault.links.resolve_all(feature)] == [
        "pages/setting___theme.md", "pages/Community___Query Learning Sprint.md"]


def test_a_journal_is_dated_by_its_file_name_and_its_links_reach_aliases(graph):
    vault = read_vault(graph)
    journal = vault.note("journals/2023_09_12.md")
    assert journal.date == "2023-09-12"
    [resolved] = vault.links.resolve_all(journal)
    assert resolved.target_path == "pages/Community___Query Learning Sprint.md"


def test_the_page_shows_neither_properties_nor_bookkeeping(graph, tmp_path):
    summary = export_site(graph, tmp_path / "site")
    page = (tmp_path / "site/pages/community-query-learning-sprint/index.html").read_text("utf-8")
    body = page.split('<div class="note-body">', 1)[1]
    assert "title::" not in body and "id::" not in body and "collapsed::" not in body
    assert '<h1 id="about-this-sprint">About this sprint</h1>' in body
    assert not [r for r in summary.dead_references if "((" in str(r)]


def test_a_dataview_field_in_an_obsidian_note_reads_as_a_property(make_vault):
    [note] = read_vault(make_vault({"Livre.md": "auteur:: Marie Curie\n\n# Radioactivité\n"
                                                "Texte.\n"})).notes
    assert note.title == "Radioactivité"
    assert [(p.name, p.text) for p in note.properties] == [("auteur", "Marie Curie")]


def test_code_that_writes_double_colons_is_text(make_vault):
    [note] = read_vault(make_vault({"C++.md": "std::vector est un tableau.\n"})).notes
    assert note.properties == () and note.text == "std::vector est un tableau."


def test_macros_are_drawn_as_logseq_draws_them_or_shown_as_code(make_vault, tmp_path):
    notes = make_vault({"Feature.md": "Ce que fait la fonction.\n",
                        "Page.md": "- {{embed [[Feature]]}}\n- {{youtube https://example.org/v}}\n"
                                   "- {{query (task TODO)}} et `{{ site.url }}` en code\n"})
    export_site(notes, tmp_path / "site")
    body = (tmp_path / "site/page/index.html").read_text("utf-8").split('"note-body"', 1)[1]
    assert "Ce que fait la fonction." in body  # the page embedded
    assert '<a href="https://example.org/v">https://example.org/v</a>' in body
    assert "<code>{{query (task TODO)}}</code>" in body
    assert "<code>{{ site.url }}</code> en code" in body  # code is left as written


def test_a_block_reference_links_to_its_block_and_shows_its_text(make_vault, tmp_path):
    # Logseq shows ((64a1…)) as the block's text, a link to it; the page showed the id.
    notes = make_vault({
        "logseq/config.edn": "{}",
        "pages/Zotero.md": "- Réglages\n\t- Saisir la **clé** d'API\n"
                           "\t  id:: 61024ec1-fd51-4b84-905e-8443a9204ae9\n\t\t- détail\n"
                           "- # Questions\n  id:: 61110543-a71f-458d-b42e-b78a4d22f0c0\n",
        "pages/Aide.md": "- Voir ((61024ec1-fd51-4b84-905e-8443a9204ae9)), [la FAQ](((61110543-"
                         "a71f-458d-b42e-b78a4d22f0c0))) et ((00000000-0000-4000-8000-"
                         "000000000000)).\n- {{embed ((61024ec1-fd51-4b84-905e-8443a9204ae9))}}\n"})
    export_site(notes, tmp_path / "site")
    zotero = (tmp_path / "site/pages/zotero/index.html").read_text("utf-8")
    assert '<li id="^61024ec1-fd51-4b84-905e-8443a9204ae9">Saisir la <strong>clé</strong>' \
        in zotero
    aide = (tmp_path / "site/pages/aide/index.html").read_text("utf-8")
    block = "../../pages/zotero/index.html#^61024ec1-fd51-4b84-905e-8443a9204ae9"
    assert aide.count(f'<a class="wikilink" href="{block}">Saisir la clé d\'API</a>') == 2
    assert '<a class="wikilink" href="../../pages/zotero/index.html#questions">la FAQ</a>' \
        in aide
    assert re.search(r'<span class="wikilink broken"[^>]*>\(\(00000000-[^<]*\)\)</span>', aide)
    assert "{{embed" not in aide and "<code>" not in aide


def test_blocks_under_a_heading_at_the_margin_are_its_outline(make_vault, tmp_path):
    # Logseq's own docs write "## Usage" at the margin, then its blocks indented by a
    # tab: Logseq shows them as the heading's children, CommonMark as indented code.
    garden = make_vault({"logseq/config.edn": "{}", "pages/Glossary.md": (
        "type:: [[Feature]]\n\n## Basic terms\n\t- [[term/graph]]\n\t\t- a [[term/block]]\n"
        "\t- ```js\n\t  ## not a heading\n\t  ```\n## Links\n\t- [[page reference]]\n")})
    export_site(garden, tmp_path / "site")
    page = (tmp_path / "site/pages/glossary/index.html").read_text("utf-8")
    body = page.split('"note-body"', 1)[1].split("</article>", 1)[0]
    assert re.search(r'<h2 id="basic-terms">Basic terms</h2>\s*<ul>\s*<li><[^>]*>graph</span>'
                     r"<ul>\s*<li>a <[^>]*>block</span></li>", body)
    assert re.search(r'<h2 id="links">Links</h2>\s*<ul>\s*<li><[^>]*>page reference</', body)
    assert "[[" not in body and '<div class="highlight">' in body  # the code stays code
    assert body.count("<h2") == 2
