"""The benchmark suite: index, update, export, query and in-browser search, beside Pagefind.

One command, from the repository root:

    python benchmarks/run.py [--sizes 1000,10000] [--repeat 7] [--out docs/BENCHMARKS.md]

measures the real MuseumXTD garden (``../shared/corpus/museumxtd``, copied first, skipped
when absent) and one synthetic garden per size (``benchmarks/synthetic_garden.py``,
seed 0, borrowing the real garden's words). For each garden:

- ``index --full`` each followed by ``export`` (which takes the notes the build read
  from its snapshot), ``export`` reading every note, ``index`` after editing one
  note: wall time and peak RSS of the process (``python -m museumxtd_search``, see
  ``measure.py``); repeated ``--build-repeat`` times (default 5, 3 above 2,000 notes);
- ``query`` as a whole process, ``--repeat`` times, interleaved with ``python -c pass``
  so the difference is what our command costs above starting Python;
- in-process query latency over ``QUERIES``, with one ``GardenSearcher`` kept open and
  with a fresh searcher for each query;
- the client index (all of ``site/search/``) raw and gzipped;
- Pagefind run on a copy of the same exported HTML: index time, files, bytes;
- in headless Chromium: bytes fetched for the first query, ours and Pagefind's, and
  query times (median of 20 queries, typed into our search page; ``pagefind.search``
  plus the ``data()`` of 10 results for Pagefind).

Then, unless ``--no-real-site``, the real MuseumXTD Eleventy site
(``../shared/sites/museumxtd``, needs npm and its registry): Eleventy's own build
beside our ``export --into docs``, and the first query's bytes beside Pagefind run on
the same built ``docs/`` (``existing_site.py``).

Writes a Markdown report with the project's targets marked pass/fail (``--out``) and
prints it. Medians everywhere. 50,000 notes only when asked: ``--sizes 10000,50000``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO_ROOT = BENCHMARKS.parent
CORPUS = REPO_ROOT.parent / "shared/corpus/museumxtd"
for folder in (str(REPO_ROOT), str(BENCHMARKS)):  # runnable from a clone, not installed
    if folder not in sys.path:
        sys.path.insert(0, folder)

import browser  # noqa: E402
import existing_site  # noqa: E402
import report  # noqa: E402
import synthetic_garden  # noqa: E402
from measure import (  # noqa: E402
    FolderSize,
    ProcessRun,
    code_version,
    folder_size,
    run_measured,
)
from queries import BROWSER_QUERIES, FIRST_QUERY, QUERIES, SCAN_QUERIES  # noqa: E402

HEAVY_STEP_THRESHOLD = 2000  # notes above which index/export/Pagefind run once by default


@dataclass
class GardenFigures:
    """Everything measured for one garden (timings in seconds unless named ``_ms``)."""

    name: str
    notes: int
    note_bytes: int
    index_full: list[ProcessRun] = field(default_factory=list)
    index_update: list[ProcessRun] = field(default_factory=list)
    updated_notes: int = 0
    export: list[ProcessRun] = field(default_factory=list)  # right after a full build
    export_cold: list[ProcessRun] = field(default_factory=list)  # reading every note
    query_process: list[ProcessRun] = field(default_factory=list)
    bare_python: list[ProcessRun] = field(default_factory=list)
    # SCAN_QUERIES: kind -> our `query` process runs, and `rg -li` runs over the notes.
    scan_ours: dict[str, list[ProcessRun]] = field(default_factory=dict)
    scan_ripgrep: dict[str, list[ProcessRun]] = field(default_factory=dict)
    in_process_ms: list[float] = field(default_factory=list)
    in_process_by_query: dict[str, float] = field(default_factory=dict)  # query -> median ms
    in_process_cold_ms: list[float] = field(default_factory=list)  # a fresh searcher each
    in_process_cold_by_query: dict[str, float] = field(default_factory=dict)
    client_index: FolderSize | None = None
    whoosh_index: FolderSize | None = None
    pagefind_index: list[ProcessRun] = field(default_factory=list)
    pagefind_files: FolderSize | None = None
    ours_browser: browser.BrowserFigures | None = None
    pagefind_browser: browser.BrowserFigures | None = None
    live_ms: list[float] = field(default_factory=list)  # serve --watch: save -> page reloaded
    live_refresh_ms: list[float] = field(default_factory=list)  # the server's own work
    # The process that previewed (``LiveSite`` and its server, as ``serve --watch``):
    # its peak memory is the live preview's.
    live_process: list[ProcessRun] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # what -> why not measured


@dataclass
class Garden:
    name: str
    notes_dir: Path
    target_notes: int | None  # the synthetic size asked for; None for the real corpus


# --- running our commands ------------------------------------------------------------

_CODE: list[Path] = []  # set by main(): the snapshot of the package every child runs


def snapshot_code(work: Path) -> Path:
    """Copy the package and its templates: edits made to the checkout during a run
    (other people work in it) must not mix two versions in one report."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("museumxtd_search", "site_templates"):
        shutil.copytree(REPO_ROOT / folder, code / folder, ignore=ignore)
    _CODE[:] = [code]
    return code


def _code() -> Path:
    return _CODE[0] if _CODE else REPO_ROOT


def _env() -> dict[str, str]:
    """Children run the snapshot, with compiled modules cached as an installed package has.

    ``PYTHONDONTWRITEBYTECODE`` (set in some shells and CI) would make every run
    recompile the package from source and inflate start-up; the cache goes to the
    work folder rather than into the repository.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_code()), env.get("PYTHONPATH")]))
    env.pop("PYTHONHASHSEED", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(_code().parent / "pycache")
    env["NO_COLOR"] = "1"
    return env


def ours(*args: str) -> ProcessRun:
    """Run ``python -m museumxtd_search ARGS`` measured (from the snapshot's folder, since
    ``-m`` puts the working folder first on the module path)."""
    return run_measured([sys.executable, "-m", "museumxtd_search", *args], cwd=_code(),
                        env=_env())


def bare_python() -> ProcessRun:
    return run_measured([sys.executable, "-c", "pass"], cwd=_code(), env=_env())


def _edit_one_note(notes_dir: Path, round_number: int) -> str:
    """Append a sentence to one note (always the same, in the middle of the garden)."""
    paths = sorted(p for p in notes_dir.rglob("*.md"))
    path = paths[len(paths) // 2]
    with open(path, "a", encoding="utf-8") as note:
        note.write(f"\nRévision {round_number} du banc d'essai : inventaire récolé.\n")
    return str(path.relative_to(notes_dir))


def measure_builds(garden: Garden, work: Path, figures: GardenFigures, repeat: int) -> Path:
    """Full builds each followed by an export (as CI runs them: the export takes the
    notes the build read from its snapshot), exports reading every note, and one-note
    updates; returns the exported site folder.

    Each export writes a new folder: replacing a site deletes the old one in the
    background, which would compete with the next measurement.
    """
    index_dir, site_dir = work / "index", work / "site"
    notes = str(garden.notes_dir)

    def export(out: Path, index: Path) -> ProcessRun:
        shutil.rmtree(out, ignore_errors=True)
        return ours("export", "--notes", notes, "--out", str(out), "--index", str(index),
                    "--json")

    for _ in range(repeat):
        figures.index_full.append(ours("index", "--notes", notes, "--index", str(index_dir),
                                       "--full", "--json"))
        figures.export.append(export(site_dir, index_dir))
    for _ in range(repeat):
        figures.export_cold.append(export(work / "site-cold", work / "no-index"))
    shutil.rmtree(work / "site-cold", ignore_errors=True)
    for round_number in range(repeat):
        _edit_one_note(garden.notes_dir, round_number)
        run = ours("index", "--notes", notes, "--index", str(index_dir), "--json")
        summary = json.loads(run.stdout)
        if summary["updated"] + summary["added"] < 1:
            raise RuntimeError(f"incremental index did not see the edit: {summary}")
        figures.updated_notes = summary["updated"] + summary["added"]
        figures.index_update.append(run)
    figures.whoosh_index = folder_size(index_dir)
    figures.client_index = folder_size(site_dir / "search")
    return site_dir


def measure_query_process(garden: Garden, work: Path, figures: GardenFigures,
                          repeat: int) -> None:
    """``query`` as a whole process beside ``python -c pass``, interleaved, after warm-up."""
    query = ["query", "--notes", str(garden.notes_dir), "--index", str(work / "index"),
             FIRST_QUERY]
    ours(*query)
    bare_python()
    for _ in range(repeat):
        figures.query_process.append(ours(*query))
        figures.bare_python.append(bare_python())


def measure_against_ripgrep(garden: Garden, work: Path, figures: GardenFigures,
                            repeat: int) -> None:
    """Each of ``SCAN_QUERIES`` as a whole ``query`` process and as ``rg -li`` (fixed
    string, any case, the files' names printed) over the same notes, interleaved."""
    ripgrep = shutil.which("rg")
    if ripgrep is None:
        figures.skipped["ripgrep"] = "ripgrep not installed (apt-get install ripgrep)"
        return
    for kind, text in SCAN_QUERIES:
        ours_runs = figures.scan_ours.setdefault(kind, [])
        scan_runs = figures.scan_ripgrep.setdefault(kind, [])
        query = ["query", "--notes", str(garden.notes_dir), "--index", str(work / "index"),
                 text]
        scan = [ripgrep, "-li", "--fixed-strings", "--glob", "*.md", text,
                str(garden.notes_dir)]
        ours(*query)
        run_measured(scan, success=(0, 1))
        for _ in range(repeat):
            ours_runs.append(ours(*query))
            scan_runs.append(run_measured(scan, success=(0, 1)))


def measure_in_process(work: Path, figures: GardenFigures, repeat: int) -> None:
    """Per-query latency in one process (``query_latency.py``, a child): with one
    ``GardenSearcher`` kept open (warm: it keeps decoded postings between queries), and
    on a fresh searcher for every query (cold)."""
    for cold in (False, True):
        run = run_measured([sys.executable, str(BENCHMARKS / "query_latency.py"),
                            str(work / "index"), "--repeat", str(repeat),
                            *(["--cold"] if cold else [])], cwd=_code(), env=_env())
        answer = json.loads(run.stdout)
        timings_of = figures.in_process_cold_ms if cold else figures.in_process_ms
        by_query = figures.in_process_cold_by_query if cold else figures.in_process_by_query
        for text, timings in zip(answer["queries"], answer["ms"], strict=True):
            timings_of.extend(timings)
            by_query[text] = statistics.median(timings)


def measure_live_preview(garden: Garden, work: Path, figures: GardenFigures,
                         repeat: int) -> None:
    """``serve --watch`` from a saved note to its page reloaded (``live_preview.py``)."""
    run = run_measured([sys.executable, str(BENCHMARKS / "live_preview.py"),
                        str(garden.notes_dir), str(work), "--repeat", str(repeat)],
                       cwd=_code(), env=_env())
    answer = json.loads(run.stdout)
    figures.live_process.append(run)
    figures.live_ms.extend(answer["ms"])
    figures.live_refresh_ms.extend(answer["refresh_ms"])


# --- Pagefind ------------------------------------------------------------------------

def pagefind_executable() -> str | None:
    """The binary shipped by ``pip install pagefind-bin``, else one on PATH."""
    try:
        import pagefind_bin

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        return shutil.which("pagefind")


def measure_pagefind_index(site_dir: Path, work: Path, figures: GardenFigures,
                           repeat: int) -> Path | None:
    """Index a copy of our exported site with Pagefind; returns the copy."""
    executable = pagefind_executable()
    if executable is None:
        figures.skipped["pagefind"] = "Pagefind not installed (pip install pagefind-bin)"
        return None
    site_copy = work / "site-pagefind"
    shutil.rmtree(site_copy, ignore_errors=True)
    shutil.copytree(site_dir, site_copy)
    for _ in range(repeat):
        shutil.rmtree(site_copy / "pagefind", ignore_errors=True)
        figures.pagefind_index.append(run_measured(
            [executable, "--site", str(site_copy), "--output-subdir", "pagefind"], env=_env()))
    figures.pagefind_files = folder_size(site_copy / "pagefind")
    browser.write_pagefind_page(site_copy)
    return site_copy


# --- the browser ---------------------------------------------------------------------

def measure_browser(site_dir: Path, site_copy: Path | None, figures: GardenFigures) -> None:
    if not (site_dir / "static" / "search-core.js").is_file():
        figures.skipped["ours_browser"] = "site has no static/search-core.js (client engine)"
    try:
        with browser.chromium() as chromium:
            if "ours_browser" not in figures.skipped:
                figures.ours_browser = browser.measure_our_site(
                    chromium, site_dir, FIRST_QUERY, BROWSER_QUERIES)
            if site_copy is not None:
                figures.pagefind_browser = browser.measure_pagefind(
                    chromium, site_copy, FIRST_QUERY, BROWSER_QUERIES)
    except browser.BrowserUnavailableError as error:
        figures.skipped.setdefault("ours_browser", str(error))
        figures.skipped["pagefind_browser"] = str(error)


# --- one garden, all gardens ---------------------------------------------------------

def measure_garden(garden: Garden, work: Path, repeat: int, build_repeat: int | None,
                   log) -> GardenFigures:
    paths = sorted(garden.notes_dir.rglob("*.md"))
    figures = GardenFigures(garden.name, len(paths), sum(p.stat().st_size for p in paths))
    heavy = build_repeat or (3 if figures.notes > HEAVY_STEP_THRESHOLD else 5)
    work.mkdir(parents=True, exist_ok=True)
    log(f"{garden.name}: {figures.notes} notes; index, update, export ×{heavy}")
    site_dir = measure_builds(garden, work, figures, heavy)
    log(f"{garden.name}: query process ×{repeat}, in-process {len(QUERIES)} queries ×{repeat}")
    measure_query_process(garden, work, figures, repeat)
    measure_against_ripgrep(garden, work, figures, repeat)
    measure_in_process(work, figures, repeat)
    log(f"{garden.name}: serve --watch, save -> reloaded page ×{heavy}")
    measure_live_preview(garden, work, figures, heavy)
    log(f"{garden.name}: Pagefind ×{heavy}")
    site_copy = measure_pagefind_index(site_dir, work, figures, heavy)
    log(f"{garden.name}: browser")
    measure_browser(site_dir, site_copy, figures)
    return figures


def warm_up(work: Path) -> None:
    """Run every command once on the bundled notes, untimed, so modules are compiled."""
    where = run_measured([sys.executable, "-c", "import museumxtd_search as m; print(m.__file__)"],
                         cwd=_code(), env=_env()).stdout.strip()
    if not Path(where).is_relative_to(_code()):
        raise RuntimeError(f"children import {where}, not the snapshot in {_code()}")
    notes, index, site = REPO_ROOT / "notes", work / "warm-up" / "index", work / "warm-up" / "site"
    ours("index", "--notes", str(notes), "--index", str(index), "--full", "--json")
    ours("index", "--notes", str(notes), "--index", str(index), "--json")
    ours("export", "--notes", str(notes), "--out", str(site), "--force", "--json")
    ours("query", "--notes", str(notes), "--index", str(index), FIRST_QUERY)
    bare_python()


def prepare_gardens(sizes: list[int], work: Path, seed: int, log) -> list[Garden]:
    gardens = []
    if CORPUS.is_dir():
        copy = work / "real" / "notes"
        shutil.copytree(CORPUS, copy)  # the shared corpus is read-only: edit a copy
        gardens.append(Garden("real corpus", copy, None))
    else:
        log(f"real corpus not found at {CORPUS}: skipped")
    source = synthetic_garden.default_source()
    for size in sizes:
        out = work / f"synthetic-{size}" / "notes"
        started = time.perf_counter()
        synthetic_garden.generate(source, out, size, seed)
        log(f"generated {size} notes in {time.perf_counter() - started:.1f} s")
        gardens.append(Garden(f"synthetic {size:,}".replace(",", " "), out, size))
    return gardens


def load_average() -> float | None:
    """The one-minute load average: other work on the machine inflates wall-clock figures."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def machine(load_at_start: float | None) -> dict[str, object]:
    return {
        "load_start": load_at_start,
        "load_end": load_average(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.replace("_", "").split(",") if part.strip()]
    if any(size < 2 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be at least 2 notes")
    return sizes


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        description="Benchmark index, export, query and in-browser search beside Pagefind.")
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000],
                        help="synthetic garden sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=7,
                        help="runs of the query process and passes of in-process queries")
    parser.add_argument("--build-repeat", type=int, default=None,
                        help="runs of index/update/export/Pagefind (default 5, "
                             f"3 above {HEAVY_STEP_THRESHOLD} notes)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "BENCHMARKS.md",
                        help="Markdown report to write")
    parser.add_argument("--json", dest="json_out", type=Path, default=None,
                        help="also write every measurement as JSON")
    parser.add_argument("--work", type=Path, default=None,
                        help="working folder (default: a temporary one, removed at the end)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic gardens")
    parser.add_argument("--no-real-site", dest="real_site", action="store_false",
                        help="skip the real Eleventy site (it needs npm and its registry)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    load_at_start = load_average()
    work = args.work or Path(tempfile.mkdtemp(prefix="mxs-bench-"))
    try:
        snapshot_code(work)
        version = code_version()
        gardens = prepare_gardens(args.sizes, work, args.seed, log)
        warm_up(work)
        results = [measure_garden(garden, work / f"run-{number}", args.repeat,
                                  args.build_repeat, log)
                   for number, garden in enumerate(gardens)]
        existing = None
        if args.real_site:
            existing = existing_site.measure_existing_site(
                work / "real-site", args.build_repeat or 3, ours, pagefind_executable(),
                FIRST_QUERY, BROWSER_QUERIES, log)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    context = report.ReportContext(
        date=datetime.date.today().isoformat(),
        command="python benchmarks/run.py" + (" " + shlex.join(argv) if argv else ""),
        code=version,
        machine=machine(load_at_start),
        repeat=args.repeat,
        seconds=time.perf_counter() - started,
        queries=QUERIES,
        browser_queries=BROWSER_QUERIES,
        first_query=FIRST_QUERY,
    )
    # The main report also sums up the larger gardens' reports kept beside it.
    larger = report.larger_runs(args.out.parent, args.out.name) \
        if args.out.name == "BENCHMARKS.md" else []
    markdown = report.render(results, context, existing, larger)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    if args.json_out:
        measured = {"gardens": [asdict(r) for r in results],
                    "real_site": asdict(existing) if existing else None}
        args.json_out.write_text(json.dumps(measured, indent=1, default=str) + "\n",
                                 encoding="utf-8")
    print(markdown)
    log(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
