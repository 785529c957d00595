"""Faults: a build or an export killed at any moment, two builds at once, a full disk,
an unwritable index. The previous index (or site) always stays complete and answering,
the next run cleans up, and every failure is one clear line with a non-zero exit.

Kills are real ``SIGKILL``s of ``python -m museumxtd_search`` at seeded random moments
on a copy of the real corpus; disk and permission failures are simulated in-process
(tests run as root, so ``chmod`` would not stop a write).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import whoosh.filedb.structfile
from click.testing import CliRunner
from reliability import record

from museumxtd_search import cli as cli_module
from museumxtd_search.index import generations, lock, side_files
from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import GardenSearcher, search
from museumxtd_search.site.export import export_site

pytest_plugins = ["reliability"]

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared/corpus/museumxtd"
SEED = 20_251_125
KILLS = 20
EXPORT_KILLS = 4
QUERIES = ["réseaux sociaux", "évaluation", "open data"]


def module_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])))


def module_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "museumxtd_search", *map(str, args)]


def invoke(*args: object):
    return CliRunner().invoke(cli_module.cli, [str(a) for a in args])


def answers(index: Path) -> dict[str, list[str]]:
    """The top paths for each of ``QUERIES``: what 'the index still answers' compares."""
    return {query: [hit.path for hit in search(index, query).results] for query in QUERIES}


def generation_names(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("gen-*"))


def temporary_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.tmp"))


def assert_one_clean_generation(index: Path) -> None:
    live = generations.live_generation(index)
    assert live is not None
    assert generation_names(index) == [live.name]
    assert temporary_files(index) == []


def kill_after(command: list[str], delay: float) -> bool:
    """Run ``command``, SIGKILL it after ``delay`` s. True when it was still running."""
    process = subprocess.Popen(command, env=module_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(delay)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return running


def seconds_to_run(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=module_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory) -> Path:
    """A writable copy of the real corpus."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS_DIR}")
    copy = tmp_path_factory.mktemp("faults") / "notes"
    shutil.copytree(CORPUS_DIR, copy)
    return copy


@pytest.fixture
def indexed(corpus_copy, tmp_path) -> tuple[Path, Path, dict[str, list[str]]]:
    """(notes, index, reference answers): the copy, freshly indexed."""
    index = tmp_path / "index"
    build_index(corpus_copy, index, full=True)
    return corpus_copy, index, answers(index)


# --- SIGKILL during a full build -----------------------------------------------------


def test_sigkilled_full_builds_leave_the_previous_index_answering(indexed):
    survive_kills(*indexed, KILLS, SEED)


@pytest.mark.slow
def test_two_hundred_sigkilled_full_builds(indexed):
    survive_kills(*indexed, 10 * KILLS, SEED + 2)


def survive_kills(notes: Path, index: Path, reference: dict[str, list[str]], wanted: int,
                  seed: int) -> None:
    """SIGKILL ``index --full`` ``wanted`` times at random moments; check after each."""
    command = module_command("index", "--full", "--notes", notes, "--index", index)
    duration = seconds_to_run(command)
    rng = random.Random(seed)
    kills = attempts = 0
    while kills < wanted and attempts < 3 * wanted:
        attempts += 1
        delay = rng.uniform(0.0, 0.95 * duration)
        kills += kill_after(command, delay)
        context = f"killed after {delay:.3f} s of {duration:.3f} s"

        answered = invoke("query", "--notes", notes, "--index", index, "--json", QUERIES[0])
        assert answered.exit_code == 0, (context, answered.output)
        assert [r["path"] for r in json.loads(answered.stdout)["results"]] == \
            reference[QUERIES[0]], context
        assert answers(index) == reference, context

        rebuilt = invoke("index", "--notes", notes, "--index", index)
        assert rebuilt.exit_code == 0, (context, rebuilt.output)
        assert_one_clean_generation(index)
        assert answers(index) == reference, context
    assert kills == wanted
    record("faults", kills_survived=kills, kill_attempts=attempts)


def test_sigkilled_parallel_build_releases_the_lock_and_leaves_no_worker(tmp_path):
    """A garden large enough to be parsed by worker processes: killing the builder
    must not leave the index locked once its workers end (they end with it)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(1200):
        (notes / f"note {number}.md").write_text(
            f"# Note {number}\n\n" + f"mot{number} et du texte de remplissage. " * 40,
            encoding="utf-8")
    index = tmp_path / "index"
    process = subprocess.Popen(module_command("index", "--full", "--notes", notes,
                                              "--index", index),
                               env=module_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    workers: list[str] = []
    deadline = time.monotonic() + 30
    while not workers and process.poll() is None and time.monotonic() < deadline:
        workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                 text=True).stdout.split()
        time.sleep(0.02)
    assert workers, "the build never started worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    deadline = time.monotonic() + 5
    while lock.lock_holder(index) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock.lock_holder(index) is None, "a worker kept the index locked"
    done = subprocess.run(module_command("index", "--notes", notes, "--index", index),
                          env=module_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "waiting" not in done.stderr, done.stderr
    assert [h.path for h in search(index, "mot1199").results] == ["note 1199.md"]
    assert_one_clean_generation(index)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text()]
    assert alive == [], "orphaned workers still running"
    record("faults", parallel_build_kills_survived=1)


# --- two builds at once, queries during a rebuild ------------------------------------


def test_second_build_says_it_waits_then_completes(indexed):
    notes, index, reference = indexed
    with lock.writer_lock(index):
        waiting = subprocess.Popen(module_command("index", "--notes", notes, "--index", index),
                                   env=module_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, encoding="utf-8")
        line = waiting.stderr.readline()
        assert line == f"waiting: index is being built by PID {os.getpid()}\n"
        time.sleep(0.3)
        assert waiting.poll() is None, "the second build did not wait"
        assert answers(index) == reference
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "waiting" not in err and "Traceback" not in err
    assert_one_clean_generation(index)
    record("faults", concurrent_builds=1)


@contextlib.contextmanager
def querying(index: Path, text: str, expected: list[str]
             ) -> Iterator[tuple[list[int], list[str]]]:
    """Search ``index`` for ``text`` in a loop on another thread while the block runs:
    yields (one entry per answer, the failures: errors and answers unlike ``expected``)."""
    stop = threading.Event()
    answered: list[int] = []
    failures: list[str] = []

    def query_loop() -> None:
        while not stop.is_set():
            try:
                found = [hit.path for hit in search(index, text).results]
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                failures.append(f"{type(error).__name__}: {error}")
                continue
            if found != expected:
                failures.append(f"different answer: {found}")
            answered.append(1)

    thread = threading.Thread(target=query_loop)
    thread.start()
    try:
        yield answered, failures
    finally:
        stop.set()
        thread.join()


def test_two_builds_at_once_while_queries_keep_answering(indexed):
    notes, index, reference = indexed
    with querying(index, QUERIES[0], reference[QUERIES[0]]) as (answered, failures):
        command = module_command("index", "--full", "--notes", notes, "--index", index)
        first = subprocess.Popen(command, env=module_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, encoding="utf-8")
        deadline = time.monotonic() + 30
        while lock.lock_holder(index) != str(first.pid) and time.monotonic() < deadline:
            time.sleep(0.005)
        second = subprocess.Popen(command, env=module_env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, encoding="utf-8")
        results = [first.communicate(timeout=120), second.communicate(timeout=120)]
    assert first.returncode == 0 and second.returncode == 0, results
    assert f"waiting: index is being built by PID {first.pid}" in results[1][1]
    assert results[1][1].count("waiting:") == 1
    assert failures == [], failures[:5]
    assert len(answered) > 10
    assert_one_clean_generation(index)
    assert answers(index) == reference
    record("faults", concurrent_builds=2, queries_during_rebuilds=len(answered))


def test_queries_keep_answering_while_incremental_updates_commit(small_garden):
    """An update writes its segment and table of contents into the live generation,
    then deletes the segments it merged: a searcher opening meanwhile reads the newer
    table of contents, as Whoosh's own reader retries."""
    notes, index = small_garden
    with querying(index, "numéro7", ["Note 7.md"]) as (answered, failures):
        for round_number in range(12):
            note = notes / f"Note {round_number % 5}.md"
            note.write_text(note.read_text(encoding="utf-8") + f" ajout{round_number}",
                            encoding="utf-8")
            summary = build_index(notes, index)
            assert summary.updated == 1 and not summary.full
    assert failures == [], failures[:5]
    assert len(answered) > 20
    assert [hit.path for hit in search(index, "ajout11").results] == ["Note 1.md"]


def test_searcher_opened_before_a_full_rebuild_keeps_answering(small_garden):
    """A searcher keeps what it read; the rebuild deletes its generation folder."""
    notes, index = small_garden
    with GardenSearcher(index) as searcher:
        build_index(notes, index, full=True)
        assert [hit.path for hit in searcher.search("numéro7").results] == ["Note 7.md"]
        assert searcher.search("", links_to="Note 7").warnings == []


def test_a_searcher_opening_while_a_rebuild_replaces_its_generation_opens_the_new_one(
        small_garden, monkeypatch):
    """The rebuild switches generations between reading CURRENT and opening the files."""
    notes, index = small_garden
    old = generations.live_generation(index)
    real = side_files.read_statistics
    rebuilt = []

    def rebuild_first(generation):
        if not rebuilt:
            rebuilt.append(build_index(notes, index, full=True))
        return real(generation)

    monkeypatch.setattr(side_files, "read_statistics", rebuild_first)
    with GardenSearcher(index) as searcher:
        assert not old.exists() and searcher.generation == generations.live_generation(index)
        assert [hit.path for hit in searcher.search("numéro7").results] == ["Note 7.md"]


# --- disk full, unwritable index ------------------------------------------------------


def run_main(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    """The real entry point (``museumxtd-search ARGS``) in-process: (exit code, out, err)."""
    monkeypatch.setattr(sys, "argv", ["museumxtd-search", *map(str, args)])
    code = 0
    try:
        cli_module.main()
    except SystemExit as done:
        code = done.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_failure(code: int, out: str, err: str, expected: str) -> None:
    assert code == 1, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err
    assert "Traceback" not in out + err


def fail_after(monkeypatch, owner: object, name: str, calls: int, error: OSError) -> None:
    """Make ``owner.name`` raise ``error`` from its call number ``calls + 1`` on."""
    real = getattr(owner, name)
    count = 0

    def failing(*args, **kwargs):
        nonlocal count
        count += 1
        if count > calls:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
# Where the disk fills: a Whoosh segment, a side file (links, vocabulary, manifest:
# fsync is where a full disk is reported), the switch to the new generation (full only).
WHERE_DISK_FILLS = {
    "segment": (whoosh.filedb.structfile.StructFile, "write", 20),
    "side file": (os, "fsync", 1),
    "switch": (generations, "switch_to", 0),
}


@pytest.fixture
def small_garden(make_vault, tmp_path) -> tuple[Path, Path]:
    """A few notes, indexed: (notes, index)."""
    notes = make_vault({f"Note {n}.md": f"# Note {n}\n\nornithorynque numéro{n} tamanoir\n"
                        for n in range(30)})
    index = tmp_path / "index"
    build_index(notes, index, full=True)
    return notes, index


@pytest.mark.parametrize("full,where", [(True, "segment"), (True, "side file"),
                                        (True, "switch"), (False, "segment"),
                                        (False, "side file")],
                         ids=["full-segment", "full-side-file", "full-switch",
                              "incremental-segment", "incremental-side-file"])
def test_disk_full_is_one_line_and_keeps_the_previous_index(small_garden, make_vault,
                                                            monkeypatch, capsys, where, full):
    notes, index = small_garden
    before = answers_of(index)
    make_vault({"Note 3.md": "# Note 3\n\npangolin\n"})
    owner, name, calls = WHERE_DISK_FILLS[where]
    fail_after(monkeypatch, owner, name, calls, DISK_FULL)
    code, out, err = run_main(monkeypatch, capsys, "index", "--notes", notes, "--index", index,
                              *(["--full"] if full else []))
    monkeypatch.undo()
    assert_one_line_failure(code, out, err, "No space left on device")
    assert answers_of(index) == before
    assert search(index, "pangolin").results == []

    code, out, err = run_main(monkeypatch, capsys, "index", "--notes", notes, "--index", index)
    assert code == 0, err
    assert [hit.path for hit in search(index, "pangolin").results] == ["Note 3.md"]
    assert_one_clean_generation(index)
    record("faults", disk_full_cases=1)


def answers_of(index: Path) -> dict[str, list[str]]:
    return {word: [hit.path for hit in search(index, word).results]
            for word in ("ornithorynque", "numéro7", "tamanoir")}


def read_only_open(real_open):
    def opener(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, mode, *args, **kwargs)
    return opener


def test_read_only_index_folder_is_one_line_and_keeps_the_previous_index(
        small_garden, make_vault, monkeypatch, capsys):
    notes, index = small_garden
    before = answers_of(index)
    make_vault({"Note 3.md": "# Note 3\n\npangolin\n"})
    monkeypatch.setattr(lock, "open", read_only_open(open), raising=False)
    code, out, err = run_main(monkeypatch, capsys, "index", "--notes", notes, "--index", index)
    monkeypatch.undo()
    assert_one_line_failure(code, out, err, "Read-only file system")
    assert str(index) in err
    assert answers_of(index) == before
    record("faults", unwritable_cases=1)


def test_unopenable_lock_file_is_one_line_and_keeps_the_previous_index(
        small_garden, make_vault, monkeypatch, capsys):
    notes, index = small_garden
    before = answers_of(index)
    (index / lock.LOCK).unlink()
    (index / lock.LOCK).mkdir()
    make_vault({"Note 3.md": "# Note 3\n\npangolin\n"})
    code, out, err = run_main(monkeypatch, capsys, "index", "--notes", notes, "--index", index)
    assert_one_line_failure(code, out, err, "Is a directory")
    assert answers_of(index) == before
    record("faults", unwritable_cases=1)


@pytest.mark.parametrize("layout", ["index is a file", "index inside a file"])
def test_index_path_that_is_a_file_is_one_line(make_vault, tmp_path, layout):
    notes = make_vault({"a.md": "ornithorynque"})
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    index = blocker if layout == "index is a file" else blocker / "index"
    done = subprocess.run(module_command("index", "--notes", notes, "--index", index),
                          env=module_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode in (1, 2), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert blocker.read_text() == "not a folder"
    record("faults", unwritable_cases=1)


# --- SIGKILL during an export ---------------------------------------------------------


def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def test_sigkilled_export_leaves_the_previous_site_complete(corpus_copy, tmp_path):
    site = tmp_path / "site"
    export_site(corpus_copy, site)
    reference = snapshot(site)
    command = module_command("export", "--notes", corpus_copy, "--out", site)
    duration = seconds_to_run(command)
    assert snapshot(site) == reference, "two exports of the same garden differ"
    rng = random.Random(SEED + 1)
    kills = attempts = 0
    while kills < EXPORT_KILLS and attempts < 4 * EXPORT_KILLS:
        attempts += 1
        delay = rng.uniform(0.0, duration)
        kills += kill_after(command, delay)
        assert snapshot(site) == reference, f"killed after {delay:.3f} s of {duration:.3f} s"

    exported = invoke("export", "--notes", corpus_copy, "--out", site)
    assert exported.exit_code == 0, exported.output
    assert snapshot(site) == reference
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith((".site.tmp-",
                                                                          ".site.old-"))]
    assert leftovers == [], "a half-written or swapped-out site was left beside --out"
    assert kills == EXPORT_KILLS
    record("faults", export_kills_survived=kills)
