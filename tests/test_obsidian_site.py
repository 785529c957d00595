"""The exported site shows Obsidian notes as their authors see them.

The fixture garden ``tests/gardens/obsidian`` holds every construct once: callouts
(titled, folded, open), highlights, footnotes, task lists, a table, highlighted code,
a comment, a block id, links by every form (wikilink with heading or block, Markdown
path with and without ``.md``, percent-encoded, the old site's permalink), images and a
PDF referenced root-absolutely, embeds of a section, a block and a cycle, raw HTML
that notes use (``<br>``, ``<details>``, ``<img>``) and hostile HTML (``Pièges.md``),
and five dead references of five kinds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_support import serve
from click.testing import CliRunner

from museumxtd_search.cli import cli
from museumxtd_search.site.export import export_site
from museumxtd_search.vault.reading import read_vault

GARDEN = Path(__file__).parent / "gardens" / "obsidian"
SYNTAX = "notes/syntaxe-obsidian/index.html"
TRAPS = "notes/pieges/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("obsidian") / "site"
    export_site(GARDEN, out)
    return out


@pytest.fixture(scope="module")
def syntax_page(site) -> str:
    return (site / SYNTAX).read_text(encoding="utf-8")


def body_of(page: str) -> str:
    return page.split('<div class="note-body">', 1)[1].split("</article>", 1)[0]


# --- Obsidian syntax -------------------------------------------------------------------


def test_callout_renders_with_its_title(syntax_page):
    assert re.search(r'<div class="callout callout-warning">\s*<div class="callout-title">'
                     r"Attention aux oeuvres fragiles</div>", syntax_page)
    assert "Le texte du callout parle de <strong>conservation</strong>" in syntax_page
    assert "[!warning]" not in syntax_page


def test_folded_callout_is_closed_details_and_plus_is_open(syntax_page):
    assert re.search(r'<details class="callout callout-tip">\s*<summary class="callout-title">'
                     r"Astuce repliée</summary>", syntax_page)
    assert re.search(r'<details class="callout callout-question" open="">', syntax_page)


def test_highlight_footnote_and_task_list(syntax_page):
    assert "<mark>surligné</mark>" in syntax_page
    assert '<a class="footnote-ref" href="#fn:source">1</a>' in syntax_page
    assert '<li id="fn:source">' in syntax_page and "Rapport annuel, p. 12." in syntax_page
    assert '<input type="checkbox" disabled=""> inventorier' in syntax_page
    assert '<input type="checkbox" disabled="" checked=""> numériser' in syntax_page
    assert "==" not in body_of(syntax_page) and "[^source]" not in syntax_page


def test_table_and_code_highlighted_without_javascript(syntax_page):
    assert '<th style="text-align:left">Musée</th>' in syntax_page
    assert '<div class="highlight"><pre><span></span><code><span class="k">def</span>' \
        in syntax_page


def test_heading_anchors_match_what_wikilinks_with_headings_point_at(syntax_page, site):
    glossary = (site / "notes/glossaire/index.html").read_text(encoding="utf-8")
    for href, page in (("../../notes/glossaire/index.html#mediation-culturelle", glossary),
                       ("../../notes/glossaire/index.html#^definition-musee", glossary)):
        assert f'href="{href}"' in syntax_page
        assert f'id="{href.split("#")[1]}"' in page
    assert '<p id="^citation-mediation">Une citation à retenir sur la médiation.</p>' \
        in syntax_page


def test_comment_text_is_nowhere_in_the_sites_files(site):
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"budget confidentiel" not in data and b"1234 francs" not in data, path


def test_embed_shows_the_embedded_section_and_nothing_after_it(syntax_page):
    embeds = re.findall(r'<div class="note-embed">.*?</div></div>', syntax_page, re.DOTALL)
    section = next(e for e in embeds if "Glossaire › Médiation culturelle" in e)
    assert "La médiation culturelle relie les oeuvres et les publics." in section
    assert "Ateliers et visites commentées." in section  # its subsection comes along
    assert "Un musée est" not in section and "Texte qui ne doit pas" not in section


def test_block_embed_shows_only_the_block(syntax_page):
    block = syntax_page.split("Glossaire › ^definition-musee</a>", 1)[1].split("</div></div>")[0]
    assert "Un musée est une institution permanente au service de la société." in block
    assert "^definition-musee" not in block and "Médiation" not in block


def test_embed_cycles_stop_at_a_link(syntax_page):
    assert "Boucle B inclut A" in syntax_page
    assert '<a class="wikilink embed cycle" href="../../notes/boucle-a/index.html">' \
        in syntax_page


# --- raw HTML -------------------------------------------------------------------------


def test_raw_html_that_notes_use_is_kept(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Bienvenue.<br>Deuxième ligne" in home
    page = (site / SYNTAX).read_text(encoding="utf-8")
    assert "<details><summary>Plus de détails</summary>Le contenu des détails.</details>" in page
    assert '<img alt="Logo en HTML" src="../../assets/images/logo-musee.svg" width="80">' in page


def test_hostile_html_is_removed(site):
    traps = body_of((site / TRAPS).read_text(encoding="utf-8"))
    for removed in ("<script", "__noteScript", "onerror", "javascript:", "<style",
                    "display:none", "evil.example"):
        assert removed not in traps, removed
    assert "Texte normal avant les pièges." in traps and "Texte caché par un style" in traps
    assert '<iframe src="https://www.youtube.com/embed/abc"' in traps


def test_allow_html_still_trusts_everything(tmp_path):
    export_site(GARDEN, tmp_path / "raw", allow_html=True)
    traps = (tmp_path / "raw" / TRAPS).read_text(encoding="utf-8")
    assert "<script>window.__noteScript = 1</script>" in traps


# --- files and links ------------------------------------------------------------------


def test_every_referenced_file_is_copied_once_and_linked_relatively(site, syntax_page):
    copied = sorted(str(p.relative_to(site)) for p in (site / "assets").rglob("*")
                    if p.is_file())
    assert copied == ["assets/fichiers/rapport-2023.pdf", "assets/images/logo-musee.svg",
                      "assets/images/photo-salle.png"]
    assert '<img alt="Logo" src="../../assets/images/logo-musee.svg">' in syntax_page
    assert 'href="../../assets/fichiers/rapport-2023.pdf"' in syntax_page
    assert 'src="/images/Logo' not in syntax_page


@pytest.mark.parametrize("label", ["le glossaire", "sans extension", "encodé"])
def test_markdown_links_naming_a_note_by_path_reach_its_page(syntax_page, label):
    assert re.search(r'<a class="wikilink" href="\.\./\.\./notes/glossaire/index\.html'
                     rf'(#mediation-culturelle)?">{label}</a>', syntax_page)


def test_a_link_written_as_the_old_sites_address_reaches_the_note(syntax_page):
    assert '<a class="wikilink" href="../../navigation/a-propos/index.html#contact">' \
        'nous écrire</a>' in syntax_page


# --- dead references --------------------------------------------------------------------


def links_broken_json(notes: Path) -> dict:
    result = CliRunner().invoke(cli, ["links", "--notes", str(notes), "--broken", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_dead_references_are_reported_by_kind_file_and_line():
    dead = links_broken_json(GARDEN)["links"]
    assert [(d["kind"], d["source"], d["line"], d["target"]) for d in dead] == [
        ("wikilink", "Notes/Syntaxe Obsidian.md", 72, "Note inexistante"),
        ("embed", "Notes/Syntaxe Obsidian.md", 72, "Glossaire"),
        ("image", "Notes/Syntaxe Obsidian.md", 72, "/images/absente.png"),
        ("markdown", "Notes/Syntaxe Obsidian.md", 73, "/Navigation/Ailleurs/"),
        ("html", "Notes/Syntaxe Obsidian.md", 73, "/images/absente-html.png"),
    ]
    assert dead[1]["problem"] == "no section Section inexistante in Notes/Glossaire.md"


def test_links_broken_json_and_the_export_report_agree(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--notes", str(GARDEN), "--out",
                                      str(tmp_path / "site"), "--index", str(tmp_path / "i"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dead_references"] == links_broken_json(GARDEN)["links"]
    assert report["broken_links"] == 5


def test_export_names_each_dead_reference_on_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--notes", str(GARDEN), "--out",
                                      str(tmp_path / "site"), "--index", str(tmp_path / "i")])
    assert result.exit_code == 0
    assert "Notes/Syntaxe Obsidian.md:73: dead raw HTML /images/absente-html.png: " \
        "no such file\n" in result.stderr
    assert "5 dead references" in result.stdout


def test_links_strict_fails_on_a_dead_image(make_vault):
    garden = make_vault({"a.md": "![](/images/absente.png)\n"})
    result = CliRunner().invoke(cli, ["links", "--notes", str(garden), "--strict"])
    assert result.exit_code == 1
    assert "a.md:1: image /images/absente.png -> BROKEN" in result.stdout


# --- in a browser -------------------------------------------------------------------------


LISTS_NOTE = """Nos partenaires :
- Musée A
  - son annexe
- Musée B
1. premier
2. second

En 2019, une année.
2020. Une autre

> [!note] Liste
> Les étapes :
> - une
> - deux

```
Intro
- pas une liste
```
"""


def rendered(make_vault, tmp_path, body: str) -> str:
    notes = make_vault({"Note.md": body})
    export_site(notes, tmp_path / "site")
    return body_of((tmp_path / "site/note/index.html").read_text("utf-8"))


def test_lists_start_under_a_paragraph_line_and_nest_by_two_spaces(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, LISTS_NOTE)
    assert "<p>Nos partenaires :</p>\n<ul>\n<li>Musée A<ul>\n<li>son annexe</li>" in body
    assert "<li>Musée B</li>\n</ul>\n<ol>\n<li>premier</li>\n<li>second</li>\n</ol>" in body
    assert "<p>En 2019, une année.<br>\n2020. Une autre</p>" in body  # only 1. may interrupt
    assert re.search(r"<p>Les étapes :</p>\s*<ul>\s*<li>une</li>\s*<li>deux</li>", body)
    assert "Intro\n- pas une liste" in body  # code is left as written


def test_an_items_blocks_indented_by_its_text_stay_in_that_item(make_vault, tmp_path):
    # Obsidian's help (Roam import): a capture three spaces under ``1.``, after a blank
    # line; Python-Markdown wants four, so the list ended there and ``2.`` began another.
    body = rendered(make_vault, tmp_path, (
        "1. Exporter :\n\n   Une capture.\n\n   Puis ceci.\n2. Choisir :\n   ```sh\n"
        "   git clone\n   ```\n3. Fin\n"))
    assert body.count("<ol>") == 1 and "start=" not in body
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", body,
                                                                 re.DOTALL)]
    assert len(items) == 3
    assert "Une capture." in items[0] and "Puis ceci." in items[0]
    assert "git clone" in items[1] and "Fin" in items[2]


@pytest.mark.parametrize("callout", [False, True])
def test_a_quote_indented_by_an_items_text_is_in_that_item(make_vault, tmp_path, callout):
    # Obsidian's own help (a tip quoted under a step), converted READMEs: the list ended
    # at the quote, and the next item began another list. In a callout, the quote's ">"
    # after the callout's was read as a deeper quote, which ended the list too.
    lines = ["1. Ouvrir :", "", "   > Astuce", "   >", "   > suite", "", "2. Fermer", "",
             "- A", "  - B", "    > cite B", "  - C", "- D"]
    if callout:
        lines = ["> [!tip] Étapes"] + [f"> {line}".rstrip() for line in lines]
    body = rendered(make_vault, tmp_path, "\n".join(lines) + "\n")
    assert body.count("<ol>") == 1 and body.count("<ul>") == 2 and "start=" not in body
    assert re.search(r"<li>\s*<p>Ouvrir :</p>\s*<blockquote>\s*<p>Astuce</p>\s*"
                     r"<p>suite</p>\s*</blockquote>\s*</li>\s*<li>\s*<p>Fermer", body)
    assert re.search(r"<li>B<blockquote>\s*<p>cite B</p>\s*</blockquote>\s*</li>\s*"
                     r"<li>C</li>\s*</ul>\s*</li>\s*<li>D</li>", body)


def test_code_fenced_right_under_a_line_of_text_is_a_block_of_its_own(make_vault, tmp_path):
    # CommonMark lets a fence interrupt a paragraph: the code was put in the paragraph
    # (a <div> in a <p>, with a line break before and after it), in 258 of 4,518 notes.
    body = rendered(make_vault, tmp_path, (
        "Voici le code :\n```bash\necho bonjour\n```\nSuite du texte.\n\n"
        "> cité :\n> ```py\n> x = 1\n> ```\n\n"
        "- une étape\n```sql\nSELECT 1;\n```\n![[plan.png]]\n- une autre liste\n"))
    assert re.search(r'<p>Voici le code :</p>\s*<div class="highlight"><pre>.*?</pre></div>\s*'
                     r"<p>Suite du texte.</p>", body, re.DOTALL)
    assert re.search(r'<blockquote>\s*<p>cité :</p>\s*<div class="highlight">.*?</div>\s*'
                     r"</blockquote>", body, re.DOTALL)
    # Not indented into the item, the code ends the list; another list starts after it.
    assert re.search(r"<ul>\s*<li>une étape</li>\s*</ul>\s*<div class=\"highlight\">.*?</div>"
                     r"\s*<p>.*?plan.*?</p>\s*<ul>\s*<li>une autre liste</li>", body, re.DOTALL)
    assert "<br>" not in body


def test_quotes_parted_by_a_blank_line_are_two_quotes(make_vault, tmp_path):
    # A reading note quoting passages one after another: Python-Markdown made them one
    # quote; Obsidian (CommonMark) draws one per passage. A ">" line keeps one quote.
    body = rendered(make_vault, tmp_path, (
        "> Premier passage.\n\n> Second passage.\n\n> Un.\n>\n> Toujours le même.\n"))
    assert re.findall(r"<blockquote>\s*((?:<p>.*?</p>\s*)+)</blockquote>", body) == [
        "<p>Premier passage.</p>\n", "<p>Second passage.</p>\n",
        "<p>Un.</p>\n<p>Toujours le même.</p>\n"]


def test_text_at_the_margin_after_code_in_an_item_leaves_the_list(make_vault, tmp_path):
    # Obsidian's help: a step's code, then "Note: …" at the margin, was in the step's
    # paragraph with the code; the next item right after code stays in the list.
    body = rendered(make_vault, tmp_path, (
        "1. Ouvrir :\n\n   ```bash\n   ls\n   ```\nNote : ceci.\n\n2. Lancer :\n"
        "\t```js\n\tx()\n\t```\n3. Fin\n"))
    assert re.search(r'<li>\s*<p>Ouvrir :</p>\s*<div class="highlight">.*?</div>\s*</li>\s*'
                     r"</ol>\s*<p>Note : ceci.</p>", body, re.DOTALL)
    assert re.search(r'<li>Lancer :.*?</div></li>\s*<li>Fin</li>', body, re.DOTALL)


def test_a_fence_never_closed_runs_to_the_end_of_the_note(make_vault, tmp_path):
    # As in CommonMark, and as the search reads it (``vault.code``): the fence and the
    # rest of the note were shown as text, "## pas un titre" as a heading.
    body = rendered(make_vault, tmp_path, "Texte :\n```ts\nlet a = 1;\n## pas un titre\n")
    assert re.search(r'<p>Texte :</p>\s*<div class="highlight"><pre>.*pas.*un.*titre.*</pre>',
                     body, re.DOTALL)
    assert "```" not in body and "<h2" not in body


def test_a_marker_alone_is_an_empty_item(make_vault, tmp_path):
    # Logseq ends many a page with an empty block: the page showed its "-", and under
    # an item, "-" made that item a heading.
    body = rendered(make_vault, tmp_path, (
        "- a\n- b\n-\n\nUn.\n\n- ## Usage\n\t- Rechercher\n\t-\n\nDeux.\n\n"
        "- c\n-\nTexte après\n\n4.\n   Installer\n5. Fin\n\nTitre\n-\n"))
    empty = r"<li>(?:<!-- -->)?</li>"  # the empty comment Python-Markdown is given
    assert re.search(rf"<ul>\s*<li>a</li>\s*<li>b</li>\s*{empty}\s*</ul>", body)
    assert re.search(rf"<li>Rechercher</li>\s*{empty}\s*</ul>", body)
    assert re.search(rf"<li>c</li>\s*{empty}\s*</ul>\s*<p>Texte après</p>", body)
    assert re.search(r'<ol start="4">\s*<li>Installer</li>\s*<li>Fin</li>', body)
    assert re.search(r"<h2[^>]*>Titre</h2>", body)  # under a paragraph: a heading's line
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", body) == ["Usage", "Titre"]
    assert "-</" not in body and "<br>" not in body


def test_an_item_less_indented_than_the_block_above_it_leaves_that_block(
        make_vault, tmp_path):
    # Python-Markdown reads a block that starts indented whole into the item above:
    # ``- D`` right under a nested item's paragraph was one more nested item.
    body = rendered(make_vault, tmp_path, "- A\n  - B\n\n    encore B\n  - C\n- D\n")
    assert re.search(r"<li>\s*<p>C</p>\s*</li>\s*</ul>\s*</li>\s*<li>\s*<p>D</p>", body)


def test_markdown_after_a_blank_line_in_raw_html_is_markdown(make_vault, tmp_path):
    # CommonMark ends a block-level tag's raw HTML at a blank line; Python-Markdown kept
    # everything up to </details> raw, so the list and the link showed as syntax.
    body = rendered(make_vault, tmp_path, (
        '<details>\n<summary>Sources</summary>\n\n- [[Note]], **à lire**\n\n</details>\n\n'
        '<div align="center">\n\n# Centré\n</div>\n\n<div>\n**brut**\n</div>\n\n'
        "```html\n<div>\n\n**code**\n</div>\n```\n"))
    assert re.search(r"<details>\s*<summary>Sources</summary>\s*<ul>\s*<li>"
                     r"<a [^>]*>Note</a>, <strong>à lire</strong></li>\s*</ul>\s*</details>",
                     body)
    assert re.search(r'<div align="center">\s*<h1 id="centre">Centré</h1>\s*</div>', body)
    assert "<div>\n**brut**\n</div>" in body  # no blank line: raw, as CommonMark says
    assert "**code**" in body and "[[" not in body


def test_a_line_holding_one_tag_starts_raw_html_without_paragraph_or_line_breaks(
        make_vault, tmp_path):
    # The MuseumXTD garden's partners: Python-Markdown read each <picture> as a
    # paragraph, a line break after every tag, where its Eleventy site shows logos.
    body = rendered(make_vault, tmp_path, (
        "Partenaires :\n\n<picture>\n<source srcset=\"logo.svg\" />\n"
        "<img alt=\"Logo\" src=\"logo.svg\"></picture>\n\nTexte\n<span>\nsuite</span>\n\n"
        "<!-- START doctoc -->\n<br>\n"))  # a comment on its line ends there
    assert re.search(r"<p>Partenaires :</p>\s*<picture>\s*<source[^>]*>\s*<img[^>]*>"
                     r"</picture>\s*<p>Texte", body)
    assert "<br>\n<picture>" not in body and "<p><picture>" not in body
    assert "<p>Texte<br>\n<span><br>\nsuite</span></p>" in body  # inside a paragraph: inline
    assert "<p><br></p>" not in body and re.search(r"\n<br>\s*</div>", body)


def test_every_item_of_a_loose_list_is_a_paragraph_and_a_tight_list_stays_tight(
        make_vault, tmp_path):
    # A blank line between two items makes the list loose (CommonMark, Eleventy's site):
    # Python-Markdown spaced only the two items beside it. A blank line inside a nested
    # item's code, or in its nested list, leaves the outer list tight.
    body = rendered(make_vault, tmp_path, (
        "- #### Ouverture\n- Accueil\n\n- #### Table ronde\n- Débat\n\n---\n\n"
        "- un\n- deux\n    ```\n    a\n\n    b\n    ```\n- trois\n"))
    loose, tight = body.split("<hr>")
    assert re.findall(r"<li>\s*<p>([^<]*)</p>", loose) == ["Accueil", "Débat"]
    assert loose.count("<h4") == 2
    assert re.findall(r"<li>(\w+)", tight) == ["un", "deux", "trois"]


def test_lists_numbered_with_a_parenthesis_and_lists_parted_by_another_bullet(
        make_vault, tmp_path):
    # Obsidian's help numbers a list ``1)``; the MuseumXTD footer alternates ``-`` and
    # ``+`` to make one list per column. Python-Markdown read the first as text and
    # joined the second into one list.
    body = rendered(make_vault, tmp_path, (
        "1) Ouvrir\n2) Fermer\n\nTexte\n\n- YouTube\n- GitHub\n\n+ Code et design\n"
        "+ HEIG-VD\n"))
    assert re.findall(r"<(ol|ul)>", body) == ["ol", "ul", "ul"]
    assert re.findall(r"<li>([^<]*)</li>", body) == [
        "Ouvrir", "Fermer", "YouTube", "GitHub", "Code et design", "HEIG-VD"]


def test_a_task_box_holding_any_character_but_a_space_is_done(make_vault, tmp_path):
    # Obsidian: "any other character is interpreted as a completed task" (- [/], - [-]).
    body = rendered(make_vault, tmp_path,
                    "- [/] en cours\n- [-] annulé\n- [ ] à faire\n- [ab] pas une tâche\n")
    assert re.findall(r"<li[^>]*>(<input[^>]*>)?\s*([^<]*)</li>", body) == [
        ('<input type="checkbox" disabled checked/>', "en cours"),
        ('<input type="checkbox" disabled checked/>', "annulé"),
        ('<input type="checkbox" disabled/>', "à faire"), ("", "[ab] pas une tâche")]


def test_code_fenced_on_an_items_line_is_code_in_that_item(make_vault, tmp_path):
    # Logseq writes every code block so (``- ```calc``), and converted notes do too:
    # its ``# comment`` lines were headings, the list after it code.
    body = rendered(make_vault, tmp_path, (
        "- Calculs\n- ```calc\n  # addition\n    6 * 7\n  ```\n- Suite\n"
        "\t- ```js\n\t  let a = 1;\n\t  ```\n\n1. Installer :\n2. ```sh\n   git clone\n   ```\n"
        "3. Fin\n"))
    code = re.findall(r'<li>\s*<div class="highlight"><pre>(?:<span></span>)?<code>(.*?)</code>',
                      body, re.DOTALL)
    assert [re.sub(r"<[^>]+>", "", block) for block in code] == [
        "# addition\n  6 * 7\n", "let a = 1;\n", "git clone\n"]
    assert "<h1" not in body
    assert re.search(r"<li>Suite<ul>\s*<li>", body)
    assert "<li>Fin</li>" in body


def test_code_fenced_in_a_callout_is_code_however_its_lines_space_the_quote_mark(
        make_vault, tmp_path):
    # Obsidian's own help writes both: ``>  ```md`` closed by ``> ````, ``> ```html``
    # closed by ``>````. Each quoted line's ``>`` and one space are the quote's mark.
    body = rendered(make_vault, tmp_path, (
        "> [!info]- Exemple\n>  ```md\n> > [!note]\n> > Lorem\n> ```\n\n"
        "> ```html\n> <svg></svg>\n>   retrait\n>```\n\nAprès [[Cible]] #tag\n"))
    code = [re.sub(r"<[^>]+>", "", block) for block in re.findall(
        r'<div class="highlight"><pre>(?:<span></span>)?<code>(.*?)</code>', body, re.DOTALL)]
    assert code == ["&gt; [!note]\n&gt; Lorem\n", "&lt;svg&gt;&lt;/svg&gt;\n  retrait\n"]
    assert "```" not in body
    assert '<a class="tag"' in body  # the rest of the note is read again


def test_code_quoted_in_a_list_item_stays_in_that_item(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path,
                    "1. Étape :\n\n    > ```\n    > code\n    >```\n\n2. Deux\n")
    assert re.search(r"<li>\s*<p>Étape :</p>\s*<blockquote>\s*<div class=\"highlight\">",
                     body)
    assert body.count("<blockquote>") == 1


def test_a_markdown_image_takes_the_size_its_alternative_text_gives(make_vault, tmp_path):
    # Obsidian's help: ``![Engelbart|100](https://…)`` is 100 pixels wide.
    body = rendered(make_vault, tmp_path, (
        "![Logo du musée|200](https://exemple.org/logo.png) "
        "![Plan|640x480](https://exemple.org/plan.png) ![a|b](https://exemple.org/c.png)\n"))
    assert '<img alt="Logo du musée" src="https://exemple.org/logo.png" width="200">' in body
    assert '<img alt="Plan" height="480" src="https://exemple.org/plan.png" width="640">' in body
    assert 'alt="a|b"' in body  # no size: the text as written


def test_line_breaks_bare_urls_and_strikethrough_show_as_in_obsidian(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, "Ligne un\nligne deux ~~barrée~~.\n\n"
                    "Voir https://museumxtd.ch/ressources ou écrire à info@exemple.ch.\n")
    assert "<p>Ligne un<br>\nligne deux <del>barrée</del>.</p>" in body
    assert ('<a href="https://museumxtd.ch/ressources">https://museumxtd.ch/ressources</a>'
            in body)
    assert "écrire à info@exemple.ch." in body  # an address stays text, as in Obsidian



def test_tags_in_the_text_link_to_their_page_and_need_no_heading_space(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, "#projet #musée\n\nVoir `#code` et "
                    "https://exemple.org/page#section, ##pas-un-titre.\n\n# Un titre\n")
    assert ('<p><a class="tag" href="../tags/projet/index.html">#projet</a> '
            '<a class="tag" href="../tags/musee/index.html">#musée</a></p>') in body
    assert "<code>#code</code>" in body and "page#section</a>" in body
    assert "##pas-un-titre" in body and '<h1 id="un-titre">Un titre</h1>' in body
    assert body.count('class="tag"') == 2


TABLE_NOTE = ("| Terme | Lien |\n|---|---|\n| glossaire | [[Glossaire\\|le glossaire]] |\n"
              "| vignette | ![[photo.png\\|100]] |\n\nEn grand : ![[photo.png|320x200]]\n")


def test_a_link_in_a_table_cell_escapes_its_pipe_as_obsidian_asks(make_vault, tmp_path):
    notes = make_vault({"Glossaire.md": "# Glossaire\n", "Tableau.md": TABLE_NOTE,
                        "photo.png": b"\x89PNG\r\n\x1a\n"})
    summary = export_site(notes, tmp_path / "site")
    assert summary.dead_references == []
    page = (tmp_path / "site/tableau/index.html").read_text("utf-8")
    assert '<a class="wikilink" href="../glossaire/index.html">le glossaire</a>' in page
    assert "broken" not in page and "klzzwxh" not in page


def test_an_image_embed_sized_as_obsidian_writes_it_gets_that_width(make_vault, tmp_path):
    notes = make_vault({"Tableau.md": TABLE_NOTE, "photo.png": b"\x89PNG\r\n\x1a\n"})
    export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/tableau/index.html").read_text("utf-8")
    assert re.search(r'<img alt="photo.png" loading="lazy" src="[^"]*photo.png" width="100">',
                     page)
    assert re.search(r'<img alt="photo.png" height="200" loading="lazy" src="[^"]*photo.png" '
                     r'width="320">', page)


def test_inline_footnotes_are_numbered_with_the_others_in_reading_order(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, "A[^b] B^[en ligne, voir [[Autre]]] C[^a] et "
                    "`code^[non]`.\n\n[^a]: premier\n[^b]: second\n")
    calls = re.findall(r'href="#fn:([^"]+)">(\d)</a>', body)
    assert calls == [("b", "1"), ("mx-inline-1", "2"), ("a", "3")]
    assert re.search(r'<li id="fn:mx-inline-1">\s*<p>en ligne, voir '
                     r'<span class="wikilink broken"[^>]*>Autre</span>', body)  # no such note
    assert "<code>code^[non]</code>" in body and "^[en ligne" not in body


def test_an_inline_footnote_reads_as_an_aside_where_it_is_written(make_vault):
    [note] = read_vault(make_vault({"Note.md": "Le musée^[fondé en [[1905]]] ouvre."})).notes
    assert note.text == "Le musée (fondé en 1905) ouvre."


def test_links_in_properties_show_at_the_top_and_make_backlinks(make_vault, tmp_path):
    notes = make_vault({"Enfant.md": '---\nup: "[[Parent]]"\nrelated: ["[[Absente]]"]\n---\nx',
                        "Parent.md": "# Parent\n"})
    summary = export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/enfant/index.html").read_text("utf-8")
    assert re.search(r'<dt>up</dt><dd><a class="wikilink" href="../parent/index.html">Parent'
                     r'</a></dd><dt>related</dt><dd><span class="wikilink broken"[^>]*>Absente'
                     r"</span></dd>", page)
    parent = (tmp_path / "site/parent/index.html").read_text("utf-8")
    assert '<li><a href="../enfant/index.html">Enfant</a></li>' in parent  # a backlink
    assert [(r.link.target, r.link.line) for r in summary.dead_references] == [("Absente", 3)]


def test_audio_and_video_embeds_play_even_in_a_note_holding_raw_html(make_vault, tmp_path):
    # A note with raw HTML is sanitised: the players the renderer writes must survive it.
    notes = make_vault({"Note.md": '<p align="center">Écoutez :</p>\n\n![[son.mp3]] '
                                   "![[film.mp4]]\n",
                        "son.mp3": b"ID3", "film.mp4": b"\x00\x00\x00\x18ftyp"})
    export_site(notes, tmp_path / "site")
    body = body_of((tmp_path / "site/note/index.html").read_text("utf-8"))
    assert '<p align="center">Écoutez :</p>' in body
    assert re.search(r'<audio controls="" src="[^"]*son.mp3"></audio>', body)
    assert re.search(r'<video controls="" src="[^"]*film.mp4"></video>', body)


MATH_NOTE = ("La moyenne $\\bar{x} = \\frac{1}{n}\\sum x_i$ se calcule ainsi :\n\n"
             "$$\n\\sigma^2 = \\frac{1}{n}\\sum_{i=1}^{n} (x_i - \\bar{x})^2\n$$\n\n"
             "Le billet coûte 5 $ et non $5 ; `$code$` reste du code ; $\\frac{a}{$ est faux.\n")


def test_math_is_drawn_as_mathml_and_dollars_of_prices_stay_text(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, MATH_NOTE)
    assert '<span class="math"><math display="inline"><mrow><mover><mrow><mi>x</mi>' in body
    assert '<div class="math math-display"><math display="block">' in body
    assert "<munderover><mo>∑</mo>" in body  # displayed: the bounds above and below
    assert "coûte 5 $ et non $5" in body
    assert "<code>$code$</code>" in body
    # TeX that cannot be read is shown as written, and the rest of the note renders.
    assert '<code class="math unrendered">\\frac{a}{</code> est faux.' in body


def test_displayed_math_inside_a_line_and_aligned_rows_show_as_in_obsidian(
        make_vault, tmp_path):
    # Obsidian displays $$…$$ wherever it is written; aligned, its most common
    # environment, lays out rows (latex2mathml knows it as align*).
    body = rendered(make_vault, tmp_path, "Coût : $$\\frac{a}{b}$$\n\n"
                    "$$\\begin{aligned}x &= 1 \\\\ y &= 2\\end{aligned}$$\n\n"
                    "$\\begin{inconnu}a & b\\end{inconnu}$\n")
    assert '<p>Coût : <span class="math math-display"><math display="block">' in body
    assert "$" not in body.split("<math")[0]
    assert body.count("<mtr>") == 2
    assert '<code class="math unrendered">\\begin{inconnu}a &amp; b' in body


def test_zettlrs_newline_is_a_line_break_and_an_unknown_command_shows_as_written(
        make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, "Avant\n\n$\\newline$\n\nAprès $\\inconnu{x}$.\n")
    assert "<p><br>\n</p>" in body
    assert '<code class="math unrendered">\\inconnu{x}</code>' in body


def test_markup_that_tex_writes_is_held_to_the_allow_list(make_vault, tmp_path):
    body = rendered(make_vault, tmp_path, "$\\href{javascript:alert(1)}{x}$ "
                    "$\\class{x}{y}\\style{position:fixed}{z}$")
    assert "javascript" not in body and "position" not in body and 'class="x"' not in body
    assert body.count("<math") == 2


def test_math_is_searched_and_shown_in_excerpts_as_a_reader_reads_it(make_vault):
    [note] = read_vault(make_vault({"Stats.md": MATH_NOTE + "\n> [!note]\n> $$\n> d \\neq 0\n> $$\n"
                                   })).notes
    assert "La moyenne x = 1/n ∑ x_i se calcule ainsi :" in note.text
    assert "σ^2 = 1/n ∑_(i = 1)^n (x_i − x)^2" in note.text
    assert "coûte 5 $ et non $5 ; $code$ reste du code" in note.text  # prices and code
    assert "\\frac{a}{ est faux" in note.text  # unreadable TeX: as the page shows it
    assert "d ≠ 0" in note.text  # a block of math in a callout
    read = note.text.replace("\\frac{a}{", "")
    assert not {"frac", "sum", "sigma", "bar", "neq"} & set(re.findall(r"\w+", read))


@pytest.mark.parametrize("line", [
    "Prix : 5 $ et $10, $x$ et $ y $.", "$a$$b$ et $$c$$ puis \\$d$ et $e\\$f$",
    "`$code$` et $x_1 * y_2$ et **$z$**", "Coût : $$\\frac{a}{b}$$ fin", "$5 and $10 $x$"])
def test_the_search_text_finds_math_where_the_page_draws_it(make_vault, tmp_path, line):
    from museumxtd_search.vault.markdown_text import _math_outside_code

    body = rendered(make_vault, tmp_path, line + "\n")
    drawn = body.count("<math") + body.count('class="math unrendered"')
    assert len(_math_outside_code(line)) == drawn


def test_an_embedded_obsidian_base_is_a_link_to_its_file(make_vault, tmp_path):
    notes = make_vault({"Livres.md": "![[Livres.base]]\n", "Bases/Livres.base": "views: []\n"})
    summary = export_site(notes, tmp_path / "site")
    assert summary.dead_references == []
    body = body_of((tmp_path / "site/livres/index.html").read_text("utf-8"))
    assert re.search(r'<a class="asset" href="[^"]*livres.base">Livres.base</a>', body)


def test_a_table_links_label_is_what_the_search_reads(make_vault):
    [note] = [n for n in read_vault(make_vault({"Tableau.md": TABLE_NOTE})).notes]
    assert "le glossaire" in note.text
    assert "Glossaire le glossaire" not in note.text and "100" not in note.text



@pytest.mark.browser
def test_in_a_browser_callouts_show_embeds_show_and_no_note_script_runs(page, site):
    with serve(site) as url:
        page.goto(url + SYNTAX)
        assert page.locator(".callout-warning .callout-title").is_visible()
        assert page.locator(".callout-warning .callout-content").inner_text() == \
            "Le texte du callout parle de conservation."
        assert not page.locator(".callout-tip .callout-content").is_visible()  # folded
        page.click(".callout-tip summary")
        assert page.locator(".callout-tip .callout-content").is_visible()
        assert page.locator(".note-embed").first.inner_text().count(
            "La médiation culturelle relie les oeuvres et les publics.") == 1
        assert page.locator("mark").first.inner_text() == "surligné"
        # MathML is drawn by the browser itself: a fraction stands taller than a line.
        fraction = page.locator(".math-display mfrac").first.bounding_box()
        assert fraction is not None and fraction["height"] > 25
        assert page.evaluate("document.querySelector('img[alt=Logo]').naturalWidth") == 10
        page.goto(url + TRAPS)
        page.mouse.move(100, 200)
        page.wait_for_timeout(100)
        assert page.evaluate("typeof window.__noteScript") == "undefined"
        assert page.locator("body").is_visible()
        assert page.errors == []


@pytest.mark.browser
def test_in_a_browser_the_site_works_from_disk(page, site):
    page.goto((site / SYNTAX).as_uri())
    assert page.evaluate("document.querySelector('img[alt=Logo]').naturalWidth") == 10
    page.click("text=nous écrire")
    page.wait_for_url(re.compile(r".*/navigation/a-propos/index\.html#contact$"))
    assert page.locator("#contact").is_visible()


# --- what a published page shows ------------------------------------------------------


def test_a_long_note_has_a_table_of_contents_whose_links_reach_its_headings(syntax_page):
    toc = syntax_page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert anchors == ["callouts", "mise-en-forme", "liens-et-fichiers", "inclusions",
                       "references-mortes"]
    body = body_of(syntax_page)
    assert all(f'id="{anchor}"' in body for anchor in anchors)


def test_a_short_note_has_no_table_of_contents(site):
    assert '<nav class="toc"' not in (site / "navigation/a-propos/index.html").read_text("utf-8")


def test_the_notes_date_is_shown(syntax_page):
    assert 'Publiée le <time datetime="2024-03-15">15 mars 2024</time>' in syntax_page


def test_dates_are_shown_under_any_name_a_garden_gives_them(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "Note.md").write_text("---\ndate created: 2022-01-02\nlast_modified_at: "
                                   "2023-05-06T10:00:00\n---\nTexte.\n", encoding="utf-8")
    export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/note/index.html").read_text("utf-8")
    assert 'Créée le <time datetime="2022-01-02">2 janvier 2022</time>' in page
    assert 'Mise à jour le <time datetime="2023-05-06">6 mai 2023</time>' in page


@pytest.mark.browser
def test_a_search_result_opens_its_page_with_the_words_highlighted(page, site):
    with serve(site) as url:
        page.goto(url + "search/index.html?q=" + "médiation culturelle")
        page.wait_for_selector("#search-results li > a[data-path]")
        page.locator("#search-results li > a[data-path='Notes/Glossaire.md']").click()
        page.wait_for_selector(".note-body mark")
        marked = page.locator(".note-body mark").all_inner_texts()
        assert {word.lower() for word in marked} >= {"médiation", "culturelle"}
