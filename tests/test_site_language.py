"""Our site speaks its garden's language: the words around the notes (menus, headings,
labels, dates) and the search box are English when most notes are English, French
otherwise, or as ``export --lang`` says. A note page still declares its own language."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from museumxtd_search.cli import cli
from museumxtd_search.site.export import export_site
from museumxtd_search.site.live import LiveSite

BUNDLED = Path(__file__).resolve().parent.parent / "notes"

ENGLISH = {
    "Visitors.md": ("---\ncreated: 2024-03-15\n---\n# Visitors\n\nThe museum and its "
                    "visitors are at the heart of what we do.\n\n## Who they are\n\nText.\n\n"
                    "## What they want\n\nText.\n\n## How we ask them\n\nText.\n\n"
                    "## What we learned\n\nText.\n"),
    "Collections.md": ("# Collections\n\nThe collections of the museum, and how the "
                       "visitors see them: [[Visitors]], [[Lost note]].\n\n"
                       "> [!tip]\n> Ask the visitors what they see.[^1]\n\n"
                       "[^1]: As the visitors are the museum's first critics.\n"),
    "Notes du musée.md": "# Notes du musée\n\nLes collections du musée et les visiteurs.\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def english_garden(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    return write(notes, ENGLISH)


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_an_english_garden_gets_an_english_site(english_garden, tmp_path):
    export_site(english_garden, tmp_path / "site")
    site = tmp_path / "site"
    home, visitors = page(site, ""), page(site, "visitors")
    assert '<html lang="en">' in home
    assert ">All notes</a>" in home and "offline search, in your browser" in home
    assert 'data-lang="en"' in home  # the search box's own labels
    assert 'data-label="Search 3 notes"' in page(site, "search")
    assert "<h1>All notes</h1>" in page(site, "all")
    assert "Created <time datetime=\"2024-03-15\">15 March 2024</time>" in visitors
    assert ">Contents</summary>" in visitors and ">Linked from</h2>" in visitors
    assert "Toutes les notes" not in home + visitors
    # The words the page adds inside a note too (an untitled callout reads its type,
    # Tip, in any language, as in Obsidian).
    collections = page(site, "collections")
    assert '<div class="callout-title">Tip</div>' in collections
    assert 'title="Missing note: Lost note"' in collections
    assert "Jump back to footnote 1 in the text" in collections
    # The French note's page declares its own language, in the English site's frame.
    french = page(site, "notes-du-musee")
    assert '<html lang="fr">' in french and ">All notes</a>" in french


def test_the_language_of_most_text_wins_over_many_notes_too_short_to_tell(tmp_path):
    # Five templates of a line (French: too short to tell) beside one English article.
    notes = tmp_path / "notes"
    notes.mkdir()
    write(notes, {f"Template {n}.md": "---\ntags: [template]\n---\n" for n in range(5)})
    write(notes, {"Visitors.md": ENGLISH["Visitors.md"]})
    export_site(notes, tmp_path / "site")
    assert '<html lang="en">' in page(tmp_path / "site", "")


def test_a_note_too_short_to_tell_speaks_its_sites_language(english_garden, tmp_path):
    # A reading list of links tells no language: in an English vault, its page is
    # English (it was French, the default, in kepano's vault of short notes).
    write(english_garden, {"Reading list.md": "# Reading list\n\n- [[Visitors]]\n"
                                              "- [[Collections]]\n"})
    export_site(english_garden, tmp_path / "site")
    reading = page(tmp_path / "site", "reading-list")
    assert '<html lang="en">' in reading
    # Only the notes that tell their language count for the site's.
    write(english_garden, {f"Liste {n}.md": "# Liste\n\n" + "[[Visitors]] " * 400
                           for n in range(5)})
    export_site(english_garden, tmp_path / "site2")
    assert '<html lang="en">' in page(tmp_path / "site2", "")


def test_a_french_garden_keeps_a_french_site(tmp_path):
    export_site(BUNDLED, tmp_path / "site")
    home = page(tmp_path / "site", "")
    assert '<html lang="fr">' in home and ">Toutes les notes</a>" in home
    assert 'data-lang="fr"' in home


def test_lang_chooses_the_sites_language(english_garden, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--notes", str(english_garden), "--out",
                                      str(tmp_path / "site"), "--index", str(tmp_path / "ix"),
                                      "--lang", "fr"])
    assert result.exit_code == 0, result.output
    visitors = page(tmp_path / "site", "visitors")
    assert ">Toutes les notes</a>" in visitors and 'data-lang="fr"' in visitors
    assert "Créée le <time datetime=\"2024-03-15\">15 mars 2024</time>" in visitors


def test_the_live_preview_follows_the_garden_into_the_other_language(english_garden,
                                                                      tmp_path):
    site = LiveSite(english_garden, tmp_path / "site")
    assert ">All notes</a>" in page(tmp_path / "site", "collections")
    (english_garden / "Visitors.md").write_text(
        "# Visiteurs\n\n" + "Les visiteurs du musée sont au cœur de ce que nous faisons. " * 8,
        encoding="utf-8")
    done = site.refresh()
    assert done is not None and done.full  # every page's words change
    assert ">Toutes les notes</a>" in page(tmp_path / "site", "collections")


@pytest.mark.parametrize(("folder", "title"), [
    ("Jardin-du-musée", "Jardin du musée"),  # a vault is named after its folder
    ("mon-jardin/content", "mon jardin"),  # Quartz
    ("mon-jardin/src/site/notes", "mon jardin"),  # the Digital Garden plugin
    ("home/notes", "notes"),  # never the home folder's (the user's) name
])
def test_a_site_is_named_after_its_garden_not_after_where_notes_are_kept(
        tmp_path, monkeypatch, folder, title):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    notes = tmp_path / folder
    notes.mkdir(parents=True)
    write(notes, {"Note.md": "# Note\n\nDu texte.\n"})
    export_site(notes, tmp_path / "site")
    assert f'<a class="site-name" href="../index.html">{title}</a>' in \
        (tmp_path / "site/note/index.html").read_text("utf-8")


def test_an_obsidian_vault_keeps_its_folders_name_whatever_it_is(tmp_path):
    notes = tmp_path / "jardin/notes"
    (notes / ".obsidian").mkdir(parents=True)
    write(notes, {"Note.md": "# Note\n\nDu texte.\n"})
    export_site(notes, tmp_path / "site")
    assert '<a class="site-name" href="../index.html">notes</a>' in \
        (tmp_path / "site/note/index.html").read_text("utf-8")
