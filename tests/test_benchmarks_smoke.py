"""The benchmark tools keep working: the synthetic garden is deterministic and readable,
and (slow, ``-m slow``) the benchmark command writes its report."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from museumxtd_search.vault.reading import read_vault

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO_ROOT / "benchmarks"


def _load_generator():
    spec = importlib.util.spec_from_file_location("synthetic_garden",
                                                  BENCHMARKS / "synthetic_garden.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generator():
    return _load_generator()


@pytest.fixture(scope="module")
def garden(generator, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "garden"
    generator.generate(REPO_ROOT / "notes", out, 50, seed=7)
    return out


def test_same_seed_gives_identical_bytes(generator, garden, tmp_path):
    again = tmp_path / "again"
    generator.generate(REPO_ROOT / "notes", again, 50, seed=7)
    assert _digest(again) == _digest(garden)


def test_command_line_gives_the_same_bytes_whatever_the_hash_seed(garden, tmp_path):
    out = tmp_path / "cli"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "synthetic_garden.py"), "--source",
         str(REPO_ROOT / "notes"), "--out", str(out), "--count", "50", "--seed", "7"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert done.returncode == 0, done.stderr
    assert _digest(out) == _digest(garden)


def test_another_seed_gives_another_garden(generator, garden, tmp_path):
    other = tmp_path / "other"
    generator.generate(REPO_ROOT / "notes", other, 50, seed=8)
    assert _digest(other) != _digest(garden)


def test_every_generated_note_reads_without_warnings(garden):
    vault = read_vault(garden)
    assert len(vault.notes) == 50
    assert vault.warnings == ()
    assert all(len(note.headings) >= 2 for note in vault.notes)
    assert any(note.aliases for note in vault.notes) or len(vault.notes) < 30
    assert {note.language for note in vault.notes} <= {"fr", "en"}


def test_generated_links_mostly_resolve(garden):
    vault = read_vault(garden)
    resolved = [r for note in vault.notes for r in vault.links.resolve_all(note)]
    assert len(resolved) >= 100  # several links per note
    share = sum(not r.broken for r in resolved) / len(resolved)
    assert share >= 0.90
    forms = {(bool(r.link.label), bool(r.link.heading)) for r in resolved}
    assert {(False, False), (True, False), (False, True)} <= forms


def test_generator_refuses_to_overwrite_a_folder_it_did_not_write(generator, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.md").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generator.generate(REPO_ROOT / "notes", foreign, 10)
    assert (foreign / "keep.md").is_file()


@pytest.mark.slow
def test_benchmark_command_writes_the_report(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "200", "--repeat", "2",
         "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    markdown = out.read_text(encoding="utf-8")
    assert "| measure (median) |" in markdown
    assert "synthetic 200" in markdown
    assert "| target | measured | limit | result |" in markdown
    assert "`index --full`" in markdown
    assert markdown in done.stdout


def test_stages_say_where_a_builds_time_goes_and_the_report_shows_them(garden, tmp_path):
    # A larger garden's report (run once with --out) gets its stage table appended,
    # and the main report sums it up under "Larger gardens".
    report = tmp_path / "BENCHMARKS-50.md"
    report.write_text("# Benchmarks\n\n- date: 2026-12-03\n- code measured: abc1234\n\n"
                      "## Targets\n\n| target | measured | limit | result |\n|---|---|---|---|\n"
                      "| 50: one thing ≤ 1 s | 0.50 s | 1.00 s | **PASS** |\n"
                      "| 10k: not in this run | – | – | not measured |\n\n## Results\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "stages.py"), str(garden),
                           "--append", str(report)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| index --full")]
    assert any("read the notes" in row for row in rows)
    assert rows[-1].endswith("| 100 % |")
    assert "| export (from the snapshot) | Markdown to HTML |" in done.stdout
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import report as benchmark_report
    finally:
        sys.path.remove(str(BENCHMARKS))
    section = "\n".join(benchmark_report.larger_runs(tmp_path, "BENCHMARKS.md"))
    assert "### [BENCHMARKS-50.md](BENCHMARKS-50.md)" in section
    assert "| 50: one thing ≤ 1 s | 0.50 s | 1.00 s | **PASS** |" in section
    assert "not in this run" not in section
    assert "| index --full | write the snapshot (compressed) |" in section
    # A main report written before the larger run gets the summary in place, once.
    main = tmp_path / "BENCHMARKS.md"
    before = ["# Benchmarks", "", "## Targets", "", "| a |", "", "## How it is measured", "",
              "- how"]
    main.write_text("\n".join(before) + "\n", encoding="utf-8")
    for _ in range(2):
        subprocess.run([sys.executable, str(BENCHMARKS / "report.py"), str(main)],
                       cwd=REPO_ROOT, check=True)
    lines = main.read_text(encoding="utf-8").splitlines()
    assert lines.count("## Larger gardens, measured once") == 1
    assert [line for line in lines if line and line in before] == [b for b in before if b]
    assert lines.index("## Larger gardens, measured once") < lines.index("## How it is measured")


def test_first_query_bytes_leave_out_what_the_page_asks_for_once_results_show():
    # The search page fetches the facets file after it shows the first results (so
    # they come sooner); whether its response arrived before the benchmark read the
    # server's log was a race, worth 54 KB gz at 50,000 notes.
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import browser
    finally:
        sys.path.remove(str(BENCHMARKS))
    served = [browser.Fetched(url, 10, 5) for url in
              ("/search/manifest.js", "/search/words-re.js", "/search/post-3.js",
               "/search/facets.js")]
    kept = browser._before_results(served, ["/search/facets.js", "/search/post-9.js"])
    assert [item.url for item in kept] == ["/search/manifest.js", "/search/words-re.js",
                                           "/search/post-3.js"]


def test_the_memory_target_weighs_our_largest_command_against_pagefind():
    # Issue 16: the peak memory of every command at 50,000 notes below Pagefind's. Each
    # command's own process counts (forked workers share its pages: never summed).
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import measure
        import report
        import run
    finally:
        sys.path.remove(str(BENCHMARKS))

    def runs(*kib: int) -> list:
        return [measure.ProcessRun(1.0, 1.0, peak, "") for peak in kib]

    figures = run.GardenFigures("synthetic 50 000", 50000, 1,
                                index_full=runs(900, 1000), export=runs(3000),
                                export_cold=runs(2500), query_process=runs(50),
                                scan_ours={"typo": runs(4000)}, pagefind_index=runs(9000))
    target = next(t for t in report.TARGETS if "peak memory" in t.text)
    assert target.garden == "50000"
    assert target.measure(figures) == 4000 * 1024
    assert target.limit(figures) == 9000 * 1024
    figures.live_process = runs(6000)  # serve --watch holds the whole site in memory
    assert target.measure(figures) == 6000 * 1024
    assert report.largest_command_peak(run.GardenFigures("synthetic 50 000", 50000, 1)) is None
