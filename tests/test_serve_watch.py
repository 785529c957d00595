"""``serve --watch``: a saved note changes its page (and the pages that show it) while the
server runs, open pages reload, and a broken note is a warning, not a stop."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from museumxtd_search.site.live import LiveSite
from museumxtd_search.site.search_files import parse_data_file, read_data_file, read_fragments
from museumxtd_search.site.serve import preview_server

GARDEN = Path(__file__).parent / "gardens" / "obsidian"
GLOSSARY = "Notes/Glossaire.md"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.fixture
def garden(tmp_path) -> Path:
    return Path(shutil.copytree(GARDEN, tmp_path / "notes"))


def test_saving_a_note_rewrites_its_page_and_the_pages_embedding_it(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    edit(garden / GLOSSARY, "relie les oeuvres et les publics",
         "relie les oeuvres et les visiteurs")
    done = site.refresh()
    assert done is not None and not done.full
    assert done.changed == [GLOSSARY]
    glossary = (tmp_path / "site/notes/glossaire/index.html").read_text(encoding="utf-8")
    embedding = (tmp_path / "site/notes/syntaxe-obsidian/index.html").read_text("utf-8")
    assert "relie les oeuvres et les visiteurs" in glossary
    assert "relie les oeuvres et les visiteurs" in embedding
    assert done.pages == 2
    fragments = read_fragments(tmp_path / "site/search")
    assert any("les visiteurs" in fragment["text"] for fragment in fragments)
    assert site.refresh() is None  # nothing changed since


def test_the_site_after_live_updates_is_the_site_an_export_writes(garden, tmp_path):
    from museumxtd_search.site.export import export_site

    site = LiveSite(garden, tmp_path / "live")
    edit(garden / GLOSSARY, "Ateliers et visites", "Ateliers, **jeux** et visites")
    edit(garden / "Notes/Boucle A.md", "Boucle A inclut B", "Boucle A [[Glossaire]] inclut B")
    site.refresh()
    export_site(garden, tmp_path / "fresh")

    def files(root: Path) -> dict[str, object]:
        # A search data file's data, whether packed (export) or plain (a live rewrite).
        return {str(p.relative_to(root)): parse_data_file(p.read_bytes())
                if p.parent.name in ("search", "fragments") and p.suffix == ".js"
                else p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".museumxtd-site"}

    assert files(tmp_path / "live") == files(tmp_path / "fresh")
    # A link added in a property: the target's backlinks change as for one in the text.
    loop = garden / "Notes/Boucle B.md"
    loop.write_text('---\nup: "[[Glossaire]]"\n---\n' + loop.read_text("utf-8"), "utf-8")
    site.refresh()
    export_site(garden, tmp_path / "fresh")
    assert files(tmp_path / "live") == files(tmp_path / "fresh")
    assert "Boucle B</a></li>" in (tmp_path / "live/notes/glossaire/index.html").read_text("utf-8")
    live_manifest = (tmp_path / "live/search/manifest.js").read_bytes()
    assert live_manifest.startswith(b'MXSearchData("manifest",{')  # rewritten, not packed
    assert (tmp_path / "fresh/search/manifest.js").read_bytes() != live_manifest


def test_the_first_save_of_a_note_on_a_new_day_redates_it_in_place(garden, tmp_path):
    # A note without a front matter date is dated by its file: saving it today gives it
    # today's date, in notes.js, without building the whole client index again.
    from museumxtd_search.site.export import export_site

    long_ago = time.mktime((2020, 1, 2, 12, 0, 0, 0, 0, -1))
    for note in garden.rglob("*.md"):
        os.utime(note, (long_ago, long_ago))
    site = LiveSite(garden, tmp_path / "live")
    search = site.search
    edit(garden / GLOSSARY, "Ateliers et visites", "Ateliers, jeux et visites")
    done = site.refresh()
    assert done is not None and not done.full and site.search is search  # in place
    export_site(garden, tmp_path / "fresh")
    live = read_data_file(tmp_path / "live/search", "notes")
    assert live == read_data_file(tmp_path / "fresh/search", "notes")
    doc = [f["path"] for f in read_fragments(tmp_path / "live/search")].index(GLOSSARY)
    assert live["dates"][doc] != "2020-01-02" and live["dates"].count("2020-01-02") >= 5


def test_a_broken_note_is_a_warning_and_the_preview_goes_on(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    (garden / GLOSSARY).write_bytes(b"---\ntitle: [oops\n---\n\xff Glossaire ![](/absent.png)\n")
    done = site.refresh()
    assert any("Notes/Glossaire.md:2: malformed front matter" in p for p in done.problems)
    assert any("dead image /absent.png" in p for p in site.problems)
    edit(garden / "Notes/Boucle A.md", "Boucle A inclut", "Boucle A, encore, inclut")
    assert site.refresh() is not None
    assert "Boucle A, encore" in (tmp_path / "site/notes/boucle-a/index.html").read_text("utf-8")


def test_a_new_note_exports_the_site_again(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    (garden / "Notes/Nouvelle.md").write_text("# Nouvelle\n\nVoir [[Glossaire]].\n", "utf-8")
    done = site.refresh()
    assert done.full
    assert "Nouvelle" in (tmp_path / "site/notes/glossaire/index.html").read_text("utf-8")


def test_pages_served_live_carry_the_reload_script_and_exported_files_do_not(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    with preview_server(tmp_path / "site", live=site) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        assert "/__live__/reload.js" in get(base + "notes/glossaire/index.html")
        assert "/__live__/reload.js" in get(base)
        state = json.loads(get(base + "__live__/state"))
        version = state["version"]
        edit(garden / GLOSSARY, "Introduction du glossaire.", "Introduction revue.")
        wait_for(lambda: json.loads(get(base + "__live__/state"))["version"] > version)
        assert "Introduction revue." in get(base + "notes/glossaire/index.html")
    for page in (tmp_path / "site").rglob("*.html"):
        assert "__live__" not in page.read_text("utf-8")


def test_leaving_the_preview_waits_for_the_refresh_in_progress(garden, tmp_path):
    site = LiveSite(garden, tmp_path / "site")
    started, finished = [], []
    refresh = site.refresh

    def slow_refresh():
        started.append(True)
        time.sleep(0.5)
        done = refresh()
        finished.append(True)
        return done

    site.refresh = slow_refresh
    with preview_server(tmp_path / "site", live=site, interval=0.01):
        wait_for(lambda: started)
    assert finished, "a refresh was still reading the notes after the preview stopped"
    count = len(started)
    time.sleep(0.1)
    assert len(started) == count  # and no refresh starts afterwards


@pytest.mark.browser
def test_an_open_page_reloads_when_its_note_is_saved(garden, tmp_path, browser):
    site = LiveSite(garden, tmp_path / "site")
    with preview_server(tmp_path / "site", live=site) as server:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/notes/glossaire/index.html")
        page.wait_for_function("document.querySelector('.note-body').innerText"
                               ".includes('Introduction du glossaire.')")
        page.wait_for_timeout(400)  # the page has read the version once
        edit(garden / GLOSSARY, "Introduction du glossaire.", "Introduction écrite à chaud.")
        page.wait_for_function("document.querySelector('.note-body') && document"
                               ".querySelector('.note-body').innerText"
                               ".includes('Introduction écrite à chaud.')", timeout=10_000)
        (garden / GLOSSARY).write_bytes(b"---\ntags: [oops\n---\nCass\xe9e.\n")
        page.wait_for_function("((document.getElementById('mxs-live-problems') || {})"
                               ".innerText || '').includes('Notes/Glossaire.md:2: malformed front "
                               "matter')", timeout=10_000)
        # The last good page stays (the problem's own reload may still be under way).
        page.wait_for_selector(".note-body", state="visible", timeout=10_000)
        page.close()


def test_the_serve_watch_command_previews_and_follows_the_notes(garden, tmp_path):
    from conftest import module_env

    process = subprocess.Popen(
        [sys.executable, "-m", "museumxtd_search", "serve", "--watch", "--notes", str(garden),
         "--out", str(tmp_path / "site"), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=module_env())
    try:
        line = ""
        while "serving" not in line:
            line = process.stderr.readline()
            assert line, "serve --watch ended early"
        base = line.split(" on ", 1)[1].split()[0]
        assert "Introduction du glossaire." in get(base + "notes/glossaire/index.html")
        edit(garden / GLOSSARY, "Introduction du glossaire.", "Introduction par la commande.")
        wait_for(lambda: "Introduction par la commande." in
                 get(base + "notes/glossaire/index.html"))
        assert "Notes/Glossaire.md changed" in process.stderr.readline()
    finally:
        process.send_signal(signal.SIGINT)
        # Reading the rest of stderr keeps the process from blocking on a full pipe;
        # a watcher in the middle of a refresh on a loaded machine (load 4 on 2
        # cores, where 10 s ran out twice) may take a while to let go.
        process.communicate(timeout=60)
