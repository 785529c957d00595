"""Building the index: incremental by default, atomic always, one writer at a time."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from museumxtd_search.engine.storage import schema
from museumxtd_search.engine.storage import segments as storage_segments
from museumxtd_search.index import freshness as freshness_module
from museumxtd_search.index import generations, lock, side_files
from museumxtd_search.index.build import build_index
from museumxtd_search.index.freshness import stale_files
from museumxtd_search.index.searcher import NoIndexError, search

GARDEN = {
    "Notes/Réseaux sociaux.md": (
        "---\ntitle: Réseaux sociaux\ntags: [communication]\n---\n"
        "# Réseaux sociaux\nInstagram et Mastodon pour les musées.\n"),
    "Notes/Stratégie numérique.md": (
        "---\nalias: Stratégie digitale\n---\n# Stratégie numérique\n"
        "La feuille de route du musée. Voir [[Réseaux sociaux]].\n"),
    "Notes/Archivage.md": "# Archivage\nTrois copies, deux supports : la règle ornithorynque.\n",
    "Guides/Plan.md": "# Plan\nÀ relier au [[Futur programme]] dès sa rédaction.\n",
    "Brouillon/Secret.md": "---\nsearch: false\n---\nconfidentialissime\n",
}
SEARCHABLE = 4


@pytest.fixture
def garden(make_vault) -> Path:
    return make_vault(GARDEN)


@pytest.fixture
def index_dir(tmp_path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def built(garden, index_dir) -> Path:
    """The garden, indexed once."""
    build_index(garden, index_dir)
    return index_dir


def paths_found(index_dir: Path, query: str, **options) -> list[str]:
    return [hit.path for hit in search(index_dir, query, limit=100, **options).results]


def generation_names(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))


def crash_after(monkeypatch, documents: int, error: BaseException) -> None:
    """Make the build raise ``error`` when it writes document number ``documents + 1``."""
    real_document = schema.document
    written = 0

    def document(analyzed):
        nonlocal written
        written += 1
        if written > documents:
            raise error
        return real_document(analyzed)

    monkeypatch.setattr(schema, "document", document)


# --- first build and incremental updates ---------------------------------------------


def test_first_build_adds_every_searchable_note(garden, index_dir):
    summary = build_index(garden, index_dir)
    assert (summary.full, summary.notes, summary.added) == (True, SEARCHABLE, SEARCHABLE)
    assert (summary.updated, summary.removed, summary.unchanged) == (0, 0, 0)
    assert paths_found(index_dir, "ornithorynque") == ["Notes/Archivage.md"]


def test_notes_another_generator_keeps_out_of_its_search_stay_out(make_vault, index_dir):
    # A garden written for MkDocs, Jekyll's Just the Docs, Starlight or Hugo's PaperMod.
    garden = make_vault({
        "a.md": "---\nsearch:\n  exclude: true\n---\nornithorynque\n",
        "b.md": "---\nsearch_exclude: true\n---\nornithorynque\n",
        "c.md": "---\npagefind: false\n---\nornithorynque\n",
        "d.md": "---\nsearchHidden: true\n---\nornithorynque\n",
        "e.md": "---\nsearch:\n  boost: 3\n---\nornithorynque, le seul.\n",
    })
    assert build_index(garden, index_dir).notes == 1
    assert paths_found(index_dir, "ornithorynque") == ["e.md"]


def test_rebuild_without_changes_rewrites_nothing(garden, built):
    summary = build_index(garden, built)
    assert summary.full is False
    assert (summary.added, summary.updated, summary.removed) == (0, 0, 0)
    assert summary.unchanged == SEARCHABLE


def test_editing_one_note_rewrites_only_that_note(garden, built, make_vault):
    make_vault({"Notes/Archivage.md": "# Archivage\nLa règle du tamanoir.\n"})
    summary = build_index(garden, built)
    assert (summary.added, summary.updated, summary.removed) == (0, 1, 0)
    assert summary.unchanged == SEARCHABLE - 1
    assert paths_found(built, "tamanoir") == ["Notes/Archivage.md"]
    assert paths_found(built, "ornithorynque") == []


def test_adding_a_note_writes_only_that_note(garden, built, make_vault):
    make_vault({"Notes/Podcasts.md": "# Podcasts\nLe format audio du musée.\n"})
    summary = build_index(garden, built)
    assert (summary.added, summary.updated, summary.removed) == (1, 0, 0)
    assert summary.notes == SEARCHABLE + 1
    assert paths_found(built, "podcasts") == ["Notes/Podcasts.md"]


def test_a_note_edited_twice_is_one_document(garden, built, make_vault):
    for word in ("tamanoir", "pangolin"):
        make_vault({"Notes/Archivage.md": f"# Archivage\nLa règle du {word}.\n"})
        build_index(garden, built)
    with storage_segments.open_index(generations.live_generation(built)).reader() as reader:
        assert reader.doc_count() == SEARCHABLE
        assert list(reader.postings("path", "Notes/Archivage.md").all_ids()) == \
            [reader.first_id("path", "Notes/Archivage.md")]
    assert paths_found(built, "pangolin") == ["Notes/Archivage.md"]
    assert paths_found(built, "tamanoir") == []


def test_an_update_opens_no_whoosh_searcher(garden, built, make_vault):
    """Notes are replaced through the writer's reader: Whoosh's query and searcher
    modules are never loaded by an update (about 40 ms of a one-note update)."""
    make_vault({"Notes/Archivage.md": "# Archivage\nLa règle du tamanoir.\n"})
    (garden / "Guides/Plan.md").unlink()
    program = ("import sys\n"
               "from museumxtd_search.index.build import build_index\n"
               "summary = build_index(sys.argv[1], sys.argv[2])\n"
               "print(summary.updated, summary.removed, "
               "sorted(m for m in sys.modules if m in ('whoosh.searching', 'whoosh.query')))\n")
    done = subprocess.run([sys.executable, "-c", program, str(garden), str(built)],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "1", "[]"]


def test_removing_a_note_removes_it_from_results(garden, built):
    (garden / "Notes/Archivage.md").unlink()
    summary = build_index(garden, built)
    assert (summary.added, summary.updated, summary.removed) == (0, 0, 1)
    assert paths_found(built, "ornithorynque") == []


def test_note_is_refreshed_when_its_link_target_appears(garden, built, make_vault):
    assert paths_found(built, "", links_to="Futur programme") == []
    make_vault({"Notes/Futur programme.md": "---\ntitle: Plan de transformation 2025\n---\nx"})
    summary = build_index(garden, built)
    assert (summary.added, summary.updated) == (1, 1)  # the new note, and Guides/Plan.md
    assert paths_found(built, "", links_to="Futur programme") == ["Guides/Plan.md"]
    # the linking note is now also found by its target's title
    assert "Guides/Plan.md" in paths_found(built, "transformation")


def test_note_is_refreshed_when_its_link_target_disappears(garden, built):
    assert paths_found(built, "", links_to="Réseaux sociaux") == ["Notes/Stratégie numérique.md"]
    (garden / "Notes/Réseaux sociaux.md").unlink()
    summary = build_index(garden, built)
    assert (summary.removed, summary.updated) == (1, 1)
    assert search(built, "", links_to="Réseaux sociaux").results == []


def test_retitling_a_target_refreshes_notes_that_link_to_it(garden, built, make_vault):
    make_vault({"Notes/Réseaux sociaux.md": "---\ntitle: Médias sociaux\n---\nInstagram.\n"})
    summary = build_index(garden, built)
    assert summary.updated == 2
    assert "Notes/Stratégie numérique.md" in paths_found(built, "médias")


def test_full_rebuild_rewrites_every_note_into_one_new_generation(garden, built):
    before = generation_names(built)
    summary = build_index(garden, built, full=True)
    assert (summary.full, summary.added, summary.updated) == (True, SEARCHABLE, 0)
    after = generation_names(built)
    assert len(after) == 1 and after != before
    assert paths_found(built, "ornithorynque") == ["Notes/Archivage.md"]


def test_changing_the_exclusions_forces_a_full_rebuild(garden, built):
    summary = build_index(garden, built, exclude=["Guides"])
    assert summary.full is True
    assert summary.notes == SEARCHABLE - 1
    assert paths_found(built, "relier") == []


def test_build_summary_line_reads_like_a_report(garden, index_dir):
    line = build_index(garden, index_dir).line()
    assert line.startswith(f"indexed {SEARCHABLE} notes (full rebuild): {SEARCHABLE} added")


def test_missing_notes_folder_raises_and_writes_nothing(tmp_path, index_dir):
    with pytest.raises(FileNotFoundError):
        build_index(tmp_path / "absent", index_dir)
    assert generation_names(index_dir) == []


def test_searching_without_an_index_raises_no_index_error(index_dir):
    with pytest.raises(NoIndexError):
        search(index_dir, "musée")


# --- staleness (what the query command checks before answering) ----------------------


def test_stale_files_is_none_without_an_index(garden, index_dir):
    assert stale_files(garden, index_dir) is None


def test_stale_files_lists_edited_added_and_removed_notes(garden, built, make_vault):
    assert stale_files(garden, built) == []
    make_vault({"Notes/Archivage.md": "# Archivage\nautre texte, plus long qu'avant\n",
                "Notes/Nouvelle.md": "x"})
    (garden / "Guides/Plan.md").unlink()
    assert stale_files(garden, built) == ["Guides/Plan.md", "Notes/Archivage.md",
                                          "Notes/Nouvelle.md"]


def test_an_unchanged_garden_is_told_fresh_by_the_manifest_alone(garden, built, monkeypatch):
    # The usual query: the listing's digest in the manifest matches, stamps.json.gz unread.
    def unread(generation):
        raise AssertionError("stamps.json.gz read for an unchanged garden")
    monkeypatch.setattr(side_files, "read_stamps_file", unread)
    assert stale_files(garden, built) == []


def test_the_listing_digest_is_the_one_existing_indexes_hold():
    # The manifest of an index built by an earlier version keeps its digest: computing it
    # another way must give the same bytes, or every query after an upgrade would take
    # the garden for changed. Pinned from the digest as first written (paths joined, then
    # every (mtime ns, size) as machine integers).
    stamps = {"a.md": (1700000000123456789, 10), "b/c é.md": (5, 2**40)}
    assert side_files.listing_digest(["a.md", "b/c é.md"], stamps) == \
        "e891ae9999eb9483872c6a48f646a1ff"
    assert side_files.flat_stamps(["b/c é.md", "a.md"], stamps) == \
        [5, 2**40, 1700000000123456789, 10]


def test_an_index_whose_manifest_has_no_listing_digest_compares_stamps(garden, built,
                                                                       make_vault):
    # Indexes built before the digest existed keep working: the stamps decide.
    path = generations.live_generation(built) / generations.MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["listing"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert stale_files(garden, built) == []
    make_vault({"Notes/Archivage.md": "# Archivage\nautre texte, plus long qu'avant\n"})
    assert stale_files(garden, built) == ["Notes/Archivage.md"]


def test_the_check_started_before_whoosh_loads_answers_as_stale_files(
        garden, built, make_vault, stale_check_forks, monkeypatch):
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    check = freshness_module.StaleCheck(garden, built)
    assert check._child is not None
    assert check.result() == []
    assert len(forks) == 1
    make_vault({"Notes/Archivage.md": "# Archivage\nautre texte, plus long qu'avant\n"})
    assert freshness_module.StaleCheck(garden, built).result() == ["Notes/Archivage.md"]
    assert freshness_module.StaleCheck(garden, built.parent / "none").result() is None


def test_a_check_whose_child_fails_is_worked_out_in_the_process(garden, built, make_vault,
                                                                stale_check_forks, monkeypatch):
    parent = os.getpid()
    real = freshness_module.stale_files

    def failing_in_the_child(*args):
        if os.getpid() != parent:
            raise MemoryError("the child ran out of memory")
        return real(*args)

    monkeypatch.setattr(freshness_module, "stale_files", failing_in_the_child)
    make_vault({"Notes/Nouvelle.md": "x"})
    assert freshness_module.StaleCheck(garden, built).result() == ["Notes/Nouvelle.md"]


# --- a build that dies half-way never breaks the live index --------------------------


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "Ctrl-C"])
def test_killed_full_build_leaves_previous_index_usable(garden, built, monkeypatch, error):
    live_before = generations.live_generation(built)
    crash_after(monkeypatch, documents=2, error=error)
    with pytest.raises(type(error)):
        build_index(garden, built, full=True)
    assert generations.live_generation(built) == live_before
    assert generation_names(built) == [live_before.name]
    assert paths_found(built, "ornithorynque") == ["Notes/Archivage.md"]

    monkeypatch.undo()
    summary = build_index(garden, built, full=True)
    assert summary.added == SEARCHABLE
    assert len(generation_names(built)) == 1
    assert paths_found(built, "ornithorynque") == ["Notes/Archivage.md"]


def test_killed_incremental_update_keeps_the_old_answers(garden, built, make_vault, monkeypatch):
    make_vault({"Notes/Archivage.md": "# Archivage\nLa règle du tamanoir.\n",
                "Notes/Réseaux sociaux.md": "# Réseaux sociaux\nLe pangolin de Mastodon.\n"})
    crash_after(monkeypatch, documents=1, error=RuntimeError("killed"))
    with pytest.raises(RuntimeError):
        build_index(garden, built)
    assert paths_found(built, "ornithorynque") == ["Notes/Archivage.md"]
    assert paths_found(built, "tamanoir") == [] and paths_found(built, "pangolin") == []

    monkeypatch.undo()
    summary = build_index(garden, built)
    assert summary.updated == 2
    assert paths_found(built, "tamanoir") == ["Notes/Archivage.md"]
    assert len(generation_names(built)) == 1


def test_leftovers_of_a_killed_build_are_removed_by_the_next_build(garden, built):
    (built / "gen-1-99999").mkdir()
    (built / "gen-1-99999" / "_MAIN_1.toc").write_text("half written")
    (built / ".CURRENT.99999.tmp").write_text("gen-1-99999")
    build_index(garden, built)
    assert generation_names(built) == [generations.live_generation(built).name]
    assert not (built / ".CURRENT.99999.tmp").exists()


def test_sigkilled_full_build_leaves_previous_index_usable(corpus_dir, corpus_build, tmp_path,
                                                           run_museumxtd, child_env):
    _, corpus_index = corpus_build
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    delay = random.uniform(0.2, 1.5)
    command = [sys.executable, "-m", "museumxtd_search", "index", "--full",
               "--notes", str(corpus_dir), "--index", str(index_dir)]
    builder = subprocess.Popen(command, env=child_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(delay)
    builder.send_signal(signal.SIGKILL)
    builder.wait(timeout=30)
    context = f"killed after {delay:.2f} s"

    answer = run_museumxtd("query", "--notes", str(corpus_dir), "--index", str(index_dir),
                           "--json", "reseaux sociaux")
    assert answer.returncode == 0, (context, answer.stderr)
    assert json.loads(answer.stdout)["results"], context

    rebuilt = run_museumxtd("index", "--notes", str(corpus_dir), "--index", str(index_dir))
    assert rebuilt.returncode == 0, (context, rebuilt.stderr)
    assert len(generation_names(index_dir)) == 1, (context, generation_names(index_dir))


# --- one writer at a time ------------------------------------------------------------


def test_second_build_that_cannot_wait_is_told_who_is_building(garden, built):
    with lock.writer_lock(built):
        with pytest.raises(lock.BusyError, match=rf"PID {os.getpid()}\b"):
            build_index(garden, built, wait=False)
        assert lock.lock_holder(built) == str(os.getpid())
    assert lock.lock_holder(built) is None
    assert build_index(garden, built, wait=False).unchanged == SEARCHABLE


def test_busy_build_leaves_the_live_index_answering(garden, built, make_vault):
    make_vault({"Notes/Archivage.md": "# Archivage\nLa règle du tamanoir.\n"})
    with lock.writer_lock(built), pytest.raises(lock.BusyError):
        build_index(garden, built, wait=False)
    assert paths_found(built, "ornithorynque") == ["Notes/Archivage.md"]
