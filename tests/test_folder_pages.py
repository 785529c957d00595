"""The garden's folders on the exported site: a page for each, reached from the
breadcrumbs above every note, as a reader browses a vault by its folders."""

from __future__ import annotations

import re

from museumxtd_search.site.export import export_site
from museumxtd_search.site.folders import breadcrumbs, folder_pages, folder_urls


def test_a_folder_page_lists_its_notes_and_its_folders(make_vault, tmp_path):
    notes = make_vault({"Modules/Modules 5e/Fractions.md": "# Fractions\n",
                        "Modules/Modules 5e/Puissances.md": "# Puissances\n",
                        "Modules/Généraux/Nombre entier.md": "# Nombre entier\n",
                        "Modules/Présentation.md": "# Présentation\n"})
    export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/modules/index.html").read_text("utf-8")
    assert "<h1>Modules</h1>" in page
    assert re.findall(r'href="([^"]+)">([^<]+)/</a>', page) == [
        ("../modules/generaux/index.html", "Généraux"),
        ("../modules/modules-5e/index.html", "Modules 5e")]
    assert 'href="../modules/presentation/index.html" data-path="Modules/Présentation.md"' \
        in page
    fifth = (tmp_path / "site/modules/modules-5e/index.html").read_text("utf-8")
    assert re.findall(r'data-path="([^"]+)"', fifth) == [
        "Modules/Modules 5e/Fractions.md", "Modules/Modules 5e/Puissances.md"]


def test_the_breadcrumbs_above_a_note_lead_to_its_folders(make_vault, tmp_path):
    notes = make_vault({"Modules/Modules 5e/Fractions.md": "# Fractions\n"})
    export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/modules/modules-5e/fractions/index.html").read_text("utf-8")
    assert ('<li><a href="../../../modules/index.html">Modules</a></li>'
            '<li><a href="../../../modules/modules-5e/index.html">Modules 5e</a></li>') in page


def test_a_note_named_like_its_folder_is_the_folders_page(make_vault, tmp_path):
    notes = make_vault({"Projets.md": "# Projets\n\nLa liste commentée.\n",
                        "Projets/Refonte.md": "# Refonte\n"})
    export_site(notes, tmp_path / "site")
    assert "La liste commentée." in (tmp_path / "site/projets/index.html").read_text("utf-8")
    refonte = (tmp_path / "site/projets/refonte/index.html").read_text("utf-8")
    assert '<a href="../../projets/index.html">Projets</a>' in refonte


def test_folder_urls_follow_the_notes_urls_even_renamed_ones():
    urls = {"tags/x.md": "tags-notes/x/", "A/B/c.md": "a/b/c/", "A/d.md": "a/d/"}
    assert folder_urls(urls) == {"tags": "tags-notes/", "A/B": "a/b/", "A": "a/"}
    assert [(f.path, f.notes, f.folders) for f in folder_pages(urls, folder_urls(urls))] == [
        ("A", ("A/d.md",), ("A/B",)), ("A/B", ("A/B/c.md",), ()), ("tags", ("tags/x.md",), ())]
    assert [str(crumb) for crumb in breadcrumbs("A/B/c.md", folder_urls(urls))] == ["A", "B"]


def test_a_markdown_link_to_a_folder_leads_to_its_page_and_is_not_dead(make_vault, tmp_path):
    # The address the garden's own site gives a folder (``/Modules/``), or its path.
    notes = make_vault({
        "Accueil.md": "[tous](/Modules/) [5e](Modules/Modules%205e) [page](/modules/index.html)"
                      " [note](Modules/Présentation.md) [rien](/Absent/)\n",
        "Modules/Présentation.md": "# Présentation\n",
        # Read from the note's folder, as Obsidian reads it: ``../`` is ``Modules``.
        "Modules/Modules 5e/Fractions.md": "# Fractions\n\n[Les modules](../)\n"})
    summary = export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/accueil/index.html").read_text("utf-8")
    assert re.findall(r'<a class="wikilink" href="([^"]+)">', page) == [
        "../modules/index.html", "../modules/modules-5e/index.html",
        "../modules/index.html", "../modules/presentation/index.html"]
    fractions = (tmp_path / "site/modules/modules-5e/fractions/index.html").read_text("utf-8")
    assert 'href="../../../modules/index.html">Les modules</a>' in fractions
    assert [reference.link.target for reference in summary.dead_references] == ["/Absent/"]
