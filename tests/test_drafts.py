"""Drafts stay private: a note whose front matter says ``draft: true`` or
``publish: false`` (as Hugo, Jekyll, Quartz and Obsidian Publish read it) gets no page
on an exported site, no entry in its search, no place in its lists, and links to it
are dead there; the author's own index still finds it. The live preview follows. In a
vault published with the Digital Garden plugin (some notes say ``dg-publish: true``),
the notes not saying so are private too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from museumxtd_search.cli import cli
from museumxtd_search.site.export import export_site
from museumxtd_search.site.live import LiveSite

GARDEN = Path(__file__).parent / "gardens" / "obsidian"
DRAFT = """---
title: Projet confidentiel
draft: true
tags: [budget-secret]
---
# Projet confidentiel

Le budget zorglub de l'exposition, voir [[Glossaire]].
"""
UNPUBLISHED = "---\npublish: false\n---\nMot clé : xylophonique. Voir [[Boucle A]].\n"


@pytest.fixture
def garden(tmp_path) -> Path:
    notes = Path(shutil.copytree(GARDEN, tmp_path / "notes"))
    (notes / "Notes/Secret.md").write_text(DRAFT, encoding="utf-8")
    (notes / "Notes/Privé.md").write_text(UNPUBLISHED, encoding="utf-8")
    glossary = notes / "Notes/Glossaire.md"
    glossary.write_text(glossary.read_text("utf-8") + "\nVoir aussi [[Secret]].\n", "utf-8")
    return notes


def site_text(site: Path) -> str:
    """Every text file of the site, so a word anywhere in it is found."""
    return "\n".join(path.read_text("utf-8", errors="replace") for path in site.rglob("*")
                     if path.is_file() and path.suffix in {".html", ".js", ".json", ".txt"})


def test_an_export_leaves_drafts_out_of_pages_search_and_lists(garden, tmp_path):
    summary = export_site(garden, tmp_path / "site")
    assert summary.drafts == 2 and "2 drafts left out" in summary.line()
    assert not (tmp_path / "site/notes/secret").exists()
    assert not (tmp_path / "site/notes/prive").exists()
    text = site_text(tmp_path / "site")
    for word in ("zorglub", "xylophonique", "budget-secret"):
        assert word not in text
    # The published note's own words stay; its link to the draft leads nowhere.
    glossary = (tmp_path / "site/notes/glossaire/index.html").read_text("utf-8")
    assert 'class="wikilink broken"' in glossary and 'href="../secret/' not in glossary
    [dead] = [str(reference) for reference in summary.dead_references
              if reference.source == "Notes/Glossaire.md" and reference.target == "Secret"]
    assert dead.endswith("dead wikilink Secret: Notes/Secret.md is a draft, left out of the site")


def test_a_site_without_its_drafts_is_up_to_date_for_check(garden, tmp_path):
    export_site(garden, tmp_path / "site")
    result = CliRunner().invoke(cli, ["check", "--notes", str(garden), "--index",
                                      str(tmp_path / "index"), "--site", str(tmp_path / "site")])
    assert "site " in result.output and "is up to date" in result.output


def test_the_authors_own_index_still_finds_drafts(garden, tmp_path):
    runner = CliRunner()
    index = ["--notes", str(garden), "--index", str(tmp_path / "index")]
    assert runner.invoke(cli, ["index", *index]).exit_code == 0
    result = runner.invoke(cli, ["query", *index, "zorglub"])
    assert result.exit_code == 0 and "Projet confidentiel" in result.output


def test_a_note_marked_draft_false_or_publish_true_is_published(garden, tmp_path):
    (garden / "Notes/Secret.md").write_text(DRAFT.replace("draft: true", "draft: false"),
                                            "utf-8")
    (garden / "Notes/Privé.md").write_text(UNPUBLISHED.replace("false", "true"), "utf-8")
    summary = export_site(garden, tmp_path / "site")
    assert summary.drafts == 0
    assert (tmp_path / "site/notes/secret/index.html").is_file()
    assert "xylophonique" in site_text(tmp_path / "site")


def test_the_live_preview_leaves_drafts_out_and_follows_publishing(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    assert not (tmp_path / "site/notes/secret").exists()
    draft = garden / "Notes/Secret.md"
    draft.write_text(DRAFT.replace("zorglub", "zorglub révisé"), "utf-8")
    done = site.refresh()
    assert done is not None and not done.full and done.pages == 0  # nothing shows a draft
    assert "révisé" not in site_text(tmp_path / "site")
    draft.write_text(DRAFT.replace("draft: true\n", ""), "utf-8")  # published now
    done = site.refresh()
    assert done.full
    assert "zorglub" in (tmp_path / "site/notes/secret/index.html").read_text("utf-8")
    glossary = garden / "Notes/Glossaire.md"
    glossary.write_text("---\ndraft: yes\n---\n" + glossary.read_text("utf-8"), "utf-8")
    assert site.refresh().full
    assert not (tmp_path / "site/notes/glossaire").exists()


def test_export_drafts_publishes_them_too(garden, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--notes", str(garden), "--out",
                                      str(tmp_path / "site"), "--index", str(tmp_path / "ix"),
                                      "--drafts"])
    assert result.exit_code == 0, result.output
    assert "drafts left out" not in result.output
    assert "zorglub" in (tmp_path / "site/notes/secret/index.html").read_text("utf-8")
    assert "xylophonique" in site_text(tmp_path / "site")


def test_drafts_is_an_option_of_our_own_site_not_of_another_generators(garden, tmp_path):
    (tmp_path / "built").mkdir()
    result = CliRunner().invoke(cli, ["export", "--notes", str(garden), "--into",
                                      str(tmp_path / "built"), "--drafts"])
    assert result.exit_code == 2 and "--drafts" in result.output


def test_the_live_preview_shows_drafts_when_asked(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site", drafts=True)
    draft = garden / "Notes/Secret.md"
    assert "zorglub" in (tmp_path / "site/notes/secret/index.html").read_text("utf-8")
    draft.write_text(DRAFT.replace("zorglub", "zorglub révisé"), "utf-8")
    done = site.refresh()
    assert not done.full and done.pages >= 1
    assert "révisé" in (tmp_path / "site/notes/secret/index.html").read_text("utf-8")


def test_a_digital_garden_vault_publishes_its_chosen_notes_only(garden, tmp_path):
    # The Digital Garden plugin publishes the notes saying dg-publish: true, and no
    # other: in a vault where some say so, the others are private.
    glossary = garden / "Notes/Glossaire.md"
    glossary.write_text("---\ndg-publish: true\n---\n" + glossary.read_text("utf-8"), "utf-8")
    summary = export_site(garden, tmp_path / "site")
    pages = {path.parent.relative_to(tmp_path / "site").as_posix()
             for path in (tmp_path / "site/notes").rglob("index.html")}
    assert pages - {"notes"} == {"notes/glossaire"}  # and its folder's page
    assert summary.notes == 1 and summary.drafts > 1
    assert "xylophonique" not in site_text(tmp_path / "site")
    everything = export_site(garden, tmp_path / "all", drafts=True)
    assert everything.drafts == 0 and (tmp_path / "all/notes/secret/index.html").is_file()


def test_the_live_preview_follows_a_first_dg_publish(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    assert (tmp_path / "site/notes/glossaire").is_dir()
    boucle = next(garden.rglob("Boucle A.md"))
    boucle.write_text("---\ndg-publish: true\n---\n" + boucle.read_text("utf-8"), "utf-8")
    assert site.refresh().full  # every other note is private now
    assert not (tmp_path / "site/notes/glossaire").exists()
