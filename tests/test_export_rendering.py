"""Export rendering: the faster renderer writes what plain Python-Markdown writes, and
pages rendered by background workers are the pages one process would write.

The renderer skips inline patterns that cannot match a piece of text, sets heading ids
without the ``toc`` extension when the note lets it, and skips steps with nothing to do;
each case below is rendered both ways and must give the same HTML, including the notes
nested so deeply that both fall back to plain text. The workers must die with an
export that is killed, and an error in one of them must fail the export like any other
error, leaving the previous site in place.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import markdown
import pytest

import museumxtd_search.site.pages as pages
from museumxtd_search import parallel
from museumxtd_search.analysis.documents import analyze_note
from museumxtd_search.cli import describe
from museumxtd_search.site.export import export_site
from museumxtd_search.site.markdown_render import NoteRenderer, RenderContext, garden_extensions
from museumxtd_search.site.urls import asset_url, page_urls
from museumxtd_search.vault.reading import parse_note, read_vault
from museumxtd_search.vault.resolver import LinkTable

REPO_ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "duplicate headings": "# Titre\n\n## Titre\n\n## Titre\n\n### Titre 1\n\n## Intro_1\n",
    "markup in headings": "## *Emphase* et `code`\n\n## Voir [[Cible]]\n\n## **gras**\n",
    "entities and brackets in headings": ("## A &amp; B\n\n## A < B\n\n## 3 > 2\n\n"
                                          "## &eacute;t&eacute;\n"),
    "escapes": "## \\*échappé\\*\n\n\\[pas un lien\\] \\*pas\\* \\\\ \\`\n",
    "toc marker": "[TOC]\n\n# Un\n\n## Deux\n\ntexte\n",
    "toc marker in a table": "| [TOC] |\n|---|\n| x |\n\n## Après\n",
    "empty and setext headings": "#\n\nSetext\n======\n\nAutre\n-----\n\n## Fin ##\n",
    "long heading": "## " + "mot " * 40 + "\n\n## " + "mot " * 40 + "\n",
    "line breaks": "deux espaces  \nsuite\n\nfin de note  ",
    "tabs and carriage returns": "a\tb  \t\nc\r\nd  \r\ne\r\n\r\n## Titre\r\n",
    "control characters": "a\x02b\x03c [\x02[Cible]] *\x03*x**\n",
    "autolinks": "<https://exemple.org/a?b=c> <mail@exemple.org> <ftp://x>\n",
    "entities": "&eacute; &#233; &#xe9; &copy; & seul &amp;amp;\n",
    "code": "`code` ``co`de`` \\`pas\\` ```trois```\n\n    indenté *pas*\n",
    "fenced code": "```python\n[[pas]] *pas* <b>\n```\n\n~~~\n## pas un titre\n~~~\n",
    "links and references": ("[lien](https://x.org \"T\") [ref][1] [court] ![img](a.png) "
                             "![ref][1]\n\n[1]: https://y.org 'T'\n[court]: https://z.org\n"),
    "unsafe links": "[js](javascript:alert(1)) ![x](data:text/html,x) [ok](mailto:a@b.c)\n",
    "escaped pipes of links in a table": ("| a | b |\n|---|---|\n| [[Cible\\|libellé]] | "
                                          "![[a.png\\|100]] ![[a.png|20x10]] |\n"),
    "lists under paragraphs, nested by two spaces": ("Intro :\n- a\n  - b\n    - c\n- d\n"
                                                     "1. un\n2. deux\n\n> Texte\n> - x\n"),
    "bare urls, line breaks and strikes": ("a https://x.org/p?q=1 b www.y.org\nc ~~d~~ "
                                           "WWW.Z.ORG ftp.w.org mail@x.org\n"),
    "tags and headings without a space": ("#projet #musée\n\n##pas un titre\n\n"
                                          "# Titre #tag\n\nx #tag `#code` a#b\n"),
    "note links": ("[[Cible]] [[Cible|libellé]] [[Cible#Section]] [[Cible#Section|l]] "
                   "![[image.png]] ![[doc.pdf]] [[absente]] [[#Locale]] ![[Cible]] "
                   "[[Dossier/Autre]] [[Cible\\|x]]\n\n[md](Cible.md#Section) "
                   "[cassé](Absente.md) [rel](../Cible.md)\n"),
    "tables": "| a | b |\n|:--|--:|\n| [[Cible]] | *x* |\n| `|` | \\| |\n",
    "blocks right under a table": "| a | b |\n|---|---|\n| 1 | 2 |\n## Liens\n- x\n",
    "a link's pipe in a table": "| [[Cible|a]] | b |\n|---|---|\n| `|` | [[Cible|c]] |\n",
    "lists": "1. un\n2. deux\n   - sous *liste*\n   - [ ] tâche\n\n* a\n+ b\n- c\n",
    "quotes": "> citation **gras**\n> > imbriquée [[Cible]]\n>\n> ## Titre cité\n",
    "emphasis": "_souligné_ __gras__ ***les deux*** snake_case_word 2*3*4 * seul * **\n",
    "underscores only": "_souligné_ et __gras__, ___les deux___\n\n- _a_\n- b_c_\n",
    "stars only": "*penché* et **gras**\n\n> ***tout***\n",
    "raw html": "<div>bloc <b>x</b></div>\n\n<span onclick=x>inline</span> <!-- c -->\n",
    "horizontal rules": "a\n\n---\n\n***\n\n_ _ _\n",
    "callouts": ("> [!tip] Un *titre*\n> corps [[Cible]]\n\n> [!faq]- Replié\n> caché\n\n"
                 "> [!inconnu]\n> > [!note]+ imbriqué\n> > texte\n"),
    "highlights, footnotes, tasks": ("==surligné== et appel[^1]\n\n- [ ] à faire\n- [x] fait\n\n"
                                     "[^1]: La note.\n"),
    "comments and block ids": "avant %% privé %% après\n\nBloc. ^bloc-1\n\n%% jamais fermé\n",
    "percent signs shown as code": ("Un commentaire s'écrit `%%`.\n\n```\n%% montré\n```\n\n"
                                    "Suite %% privé %% visible.\n"),
    "highlighted code": ("```python\ndef f():\n    return '<b>'\n```\n\n"
                         "- liste\n\n    ```js\n    a\n    ```\n"),
    "html and files": ('<img src="/Notes/image.png" alt="i"><br>\n\n![x](/Notes/doc.pdf) '
                       "[page](/Notes/Cible/#Section)\n\n<script>x</script>\n"),
    "math": ("Soit $x_1 + x_2$, de 5 $ à 10 $, \\$ et `$code$`.\n\n$$\n\\frac{a}{b}\n$$\n\n"
             "$\\frac{a}{$ et $a*b*c$, coût : $$\\frac{a}{b}$$ fin\n\n"
             "$$\\begin{aligned}a&=b\\\\c&=d\\end{aligned}$$\n"),
    "everything": "",
}
CASES["everything"] = "\n\n".join(CASES.values())
OTHER_NOTES = {
    "Notes/Cible.md": "# Cible\n\n## Section\n\n### Sous-partie\n\nTexte de la sous-partie.\n",
    "Dossier/Autre.md": "Autre.\n",
}
ASSETS = ["Notes/image.png", "Notes/doc.pdf"]


def stock_render(context: RenderContext, allow_html: bool) -> tuple[str, bool]:
    """What a fresh Python-Markdown with the toc extension, and nothing skipped, gives."""
    md = markdown.Markdown(extensions=garden_extensions(context, allow_html),
                           output_format="html")
    try:
        return md.convert(context.note.markdown), False
    except RecursionError:
        return f'<pre class="unrendered">{html.escape(context.note.markdown)}</pre>', True


def garden(bodies: dict[str, str]):
    """Notes ``Notes/<name>.md`` with these bodies, beside the link targets."""
    files = {f"Notes/{name}.md": body for name, body in bodies.items()} | OTHER_NOTES
    notes = [parse_note(path, body.encode("utf-8"))[0] for path, body in files.items()]
    return notes[:len(bodies)], LinkTable.from_notes(notes, ASSETS), \
        page_urls(n.path for n in notes)


@pytest.mark.parametrize("allow_html", [False, True], ids=["escaped", "allow-html"])
def test_notes_render_exactly_as_plain_python_markdown(allow_html):
    notes, table, urls = garden(CASES)
    renderer = NoteRenderer(table, urls, asset_url, allow_html)  # one for all, as in export
    for name, note in zip(CASES, notes, strict=True):
        ours = renderer.render(note, "../../")
        expected = stock_render(RenderContext(note, table, urls, "../../", asset_url),
                                allow_html)
        assert (ours.html, ours.unrendered) == expected, name


def test_an_untitled_callout_reads_its_type_with_an_initial_capital():
    [note], table, urls = garden({"Encadrés": "> [!tip]\n> a\n\n> [!NOTE]\n> b\n\n"
                                              "> [!inconnu]-\n> c\n"})
    rendered = NoteRenderer(table, urls, asset_url).render(note, "../../").html
    assert re.findall(r'class="callout-title">([^<]*)<', rendered) == ["Tip", "Note", "Inconnu"]


def test_a_table_ends_where_another_block_starts_as_in_obsidian():
    # A real garden wrote 87 headings right under a table's last row: rows on our pages,
    # headings for the search, so links to them led to no anchor.
    [note], table, urls = garden({"Cartes": (
        "| Nom | URL |\n| --- | --- |\n| Sombre | `a` |\n#### Liens utiles\n- [[Cible]]\n"
        "> Une citation\n\n| a | b |\n|---|---|\n| 1 | 2 |\nsuite sans barre\n")})
    rendered = NoteRenderer(table, urls, asset_url).render(note, "../../").html
    assert [heading.anchor for heading in note.headings] == ["liens-utiles"]
    assert '<h4 id="liens-utiles">Liens utiles</h4>' in rendered
    assert re.findall(r"<(ul|blockquote|table)>", rendered) == [
        "table", "ul", "blockquote", "table"]
    # A line that starts no block is a row, as in Obsidian (and GitHub's Markdown).
    assert "<td>suite sans barre</td>" in rendered


def test_a_wikilinks_pipe_in_a_table_is_the_links_escaped_or_not():
    # Obsidian asks for ``\\|`` there; its own French help and Quartz gardens do not.
    [note], table, urls = garden({"Pile": (
        "| Couche | Outil |\n|---|---|\n| Backend | [[Cible|Rust]] / [[Cible\\|Wasm]] |\n"
        "| Code | `a|b` |\n")})
    rendered = NoteRenderer(table, urls, asset_url).render(note, "../../").html
    assert re.findall(r"<td>(.*?)</td>", rendered) == [
        "Backend", '<a class="wikilink" href="../../notes/cible/index.html">Rust</a> / '
                   '<a class="wikilink" href="../../notes/cible/index.html">Wasm</a>',
        "Code", "<code>a|b</code>"]


def test_a_link_to_a_heading_inside_a_heading_points_at_the_inner_one():
    [note], table, urls = garden({"Lien": "[[Cible#Section#Sous-partie]] "
                                          "![[Cible#Section#Sous-partie]]"})
    notes = {path: parse_note(path, body.encode())[0] for path, body in OTHER_NOTES.items()}
    rendered = NoteRenderer(table, urls, asset_url, notes=notes).render(note, "../../").html
    assert "index.html#sous-partie" in rendered
    assert "Cible › Section › Sous-partie" in rendered
    assert "Texte de la sous-partie." in rendered  # the embed found it


NESTINGS = {
    "emphasis": lambda depth: "*" * depth + "x" + "*" * depth + "\n",
    "mixed emphasis": lambda depth: "*a _b " * depth + "x" + "_ c* d" * depth + "\n",
}


@pytest.mark.parametrize("nesting", list(NESTINGS))
def test_deeply_nested_notes_fall_back_at_the_same_depth_as_plain_python_markdown(nesting):
    make = NESTINGS[nesting]

    def both(depth: int) -> tuple[tuple[str, bool], tuple[str, bool]]:
        [note], table, urls = garden({"Profonde": make(depth)})
        ours = NoteRenderer(table, urls, asset_url).render(note, "../")
        return (ours.html, ours.unrendered), stock_render(
            RenderContext(note, table, urls, "../", asset_url), False)

    low, high = 1, 2 * sys.getrecursionlimit()
    assert both(high)[1][1], "too shallow to fall back: raise the depth"
    while low < high:  # the first depth at which plain Python-Markdown falls back
        middle = (low + high) // 2
        if both(middle)[1][1]:
            high = middle
        else:
            low = middle + 1
    for depth in range(low - 3, low + 4):
        ours, expected = both(depth)
        assert ours == expected, depth


def test_an_export_given_the_analysed_notes_writes_the_same_site(tmp_path):
    vault = read_vault(REPO_ROOT / "notes")
    analyzed = [analyze_note(note, vault.links.resolve_all(note), vault.links)
                for note in vault.notes if note.searchable]
    export_site(vault.root, tmp_path / "read-here")
    export_site(vault.root, tmp_path / "given", vault=vault, analyzed=analyzed)
    assert snapshot(tmp_path / "given") == snapshot(tmp_path / "read-here")


def write_large_garden(root: Path, count: int) -> None:
    for number in range(count):
        folder = root / f"Dossier {number % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Note {number}.md").write_text(
            f"---\ntags: [t{number % 5}]\n---\n# Note {number}\n\n"
            f"Voir [[Note {(number * 7) % count}]] et [[Note {(number + 1) % count}#Suite]]"
            f" *vite*.\n\n## Suite\n\nFin &amp; "
            f"`code` {number}.\n", encoding="utf-8")


def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


needs_workers = pytest.mark.skipif(
    parallel.processes("render", parallel.FORK_FROM["render"]) == 1,
    reason="page workers need fork and two cores")


@needs_workers
def test_pages_are_the_same_whether_rendered_by_workers_or_one_process(tmp_path, monkeypatch):
    write_large_garden(tmp_path / "notes", parallel.FORK_FROM["render"] + 100)
    export_site(tmp_path / "notes", tmp_path / "by-workers")
    monkeypatch.setitem(parallel.FORK_FROM, "render", 10**9)
    export_site(tmp_path / "notes", tmp_path / "alone")
    assert snapshot(tmp_path / "by-workers") == snapshot(tmp_path / "alone")


@needs_workers
@pytest.mark.parametrize("where", ["a page worker", "this process"])
def test_an_error_while_pages_render_fails_the_export_and_keeps_the_previous_site(
        tmp_path, monkeypatch, where):
    notes, site = tmp_path / "notes", tmp_path / "site"
    write_large_garden(notes, parallel.FORK_FROM["render"] + 100)
    export_site(notes, site)
    before = snapshot(site)
    disk_full = OSError(28, "No space left on device")
    if where == "a page worker":
        real_write = pages._PageMaker.write

        def failing_write(self, indices):
            if indices.start == pages.CHUNK_SIZE * 3:
                raise disk_full
            return real_write(self, indices)

        monkeypatch.setattr(pages._PageMaker, "write", failing_write)
    else:
        import museumxtd_search.site.export as export

        def failing_index(*args, **kwargs):
            raise disk_full

        monkeypatch.setattr(export, "write_client_index", failing_index)
    with pytest.raises(OSError) as raised:
        export_site(notes, site, force=True)
    assert "No space left on device" in describe(raised.value)
    assert snapshot(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


def children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() \
            else []
        found |= {int(child) for child in children}
    return found


@needs_workers
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_a_killed_export_leaves_no_page_worker_running(tmp_path):
    notes, site = tmp_path / "notes", tmp_path / "site"
    write_large_garden(notes, 3000)
    process = subprocess.Popen(
        [sys.executable, "-m", "museumxtd_search", "export", "--notes", str(notes),
         "--out", str(site)], env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        if next(tmp_path.glob(f".site.tmp-{process.pid}-*/dossier-*/*/index.html"),
                None) is not None:
            workers = children_of(process.pid)  # note pages are being written
            if workers:
                break
        time.sleep(0.05)
    assert workers, "the export ended before its page workers could be seen"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [w for w in workers if running(w)]:
        time.sleep(0.1)
    assert [w for w in workers if running(w)] == [], "page workers outlived the export"


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in status.lower()


def test_every_inline_pattern_has_its_trigger_so_text_without_it_skips_it():
    # A pattern without a trigger is tried on every piece of text of every note: the
    # block references' pattern, added without one, made exports 8 % slower.
    from museumxtd_search.site.markdown_render import untriggered_patterns

    assert untriggered_patterns(NoteRenderer(LinkTable(), {}, asset_url).md) == []
