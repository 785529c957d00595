"""Where a full build's time goes, stage by stage: ``index --full``, then ``export``
from the build's snapshot, each profiled (``cProfile``) in one process.

    python benchmarks/stages.py NOTES_DIR [--work DIR] [--append REPORT.md]

prints a Markdown table (stage, profiled seconds, share of the command) and, with
``--append``, adds it to a report written by ``run.py`` (``docs/BENCHMARKS-100k.md``).

The build runs without workers (a real build above 2,000 notes forks one per core),
so that one profile sees every stage; the profiler slows Python code down more than C
code, so shares are the reading, not absolute seconds. A stage is the cumulative time
of the functions named in ``INDEX_STAGES`` / ``EXPORT_STAGES`` (none calls another);
*other* is the rest of the command.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO_ROOT = BENCHMARKS.parent
for folder in (str(REPO_ROOT), str(BENCHMARKS)):  # runnable from a clone, not installed
    if folder not in sys.path:
        sys.path.insert(0, folder)

from measure import code_version  # noqa: E402

# stage -> functions, as (path ending, function name) of the profile's entries.
INDEX_STAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "read the notes (front matter, Markdown to text, links)": (
        ("vault/reading.py", "read_vault"),),
    "analyse (tokenise, fold, stem, word pairs, vocabulary)": (
        ("analysis/documents.py", "analyze_note"), ("analysis/vocabulary.py", "add")),
    "collect each note's postings": (("storage/terms_writer.py", "add_document"),),
    "write the Whoosh segment (postings, term table, columns)": (
        ("whoosh/writing.py", "commit"),),
    "write the snapshot (compressed)": (("index/snapshot.py", "write_snapshot"),),
}
EXPORT_STAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "read the garden (unchanged notes from the snapshot)": (
        ("index/snapshot.py", "read_garden"),),
    "related notes (model and each page's list)": (
        ("engine/related.py", "__init__"), ("engine/related.py", "related")),
    "Markdown to HTML": (("site/markdown_render.py", "render"),),
    "Jinja2 templates": (("jinja2/environment.py", "render"),),
    "client index (build and write)": (("site/client_index.py", "build_client_index"),),
}


def stage_seconds(profile: pstats.Stats, stages: dict[str, tuple[tuple[str, str], ...]]
                  ) -> dict[str, float]:
    """Cumulative profiled seconds of each stage's functions."""
    found = dict.fromkeys(stages, 0.0)
    for (filename, _, name), (_, _, _, cumulative, _) in profile.stats.items():
        for stage, functions in stages.items():
            if any(filename.endswith(ending) and name == function
                   for ending, function in functions):
                found[stage] += cumulative
    return found


def profiled(call) -> tuple[pstats.Stats, float]:
    """Run ``call()`` under the profiler: its statistics and its profiled seconds."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(call)
    return pstats.Stats(profiler), time.perf_counter() - started


def measure(notes: Path, work: Path) -> list[tuple[str, dict[str, float], float]]:
    """(command, seconds by stage, the command's profiled seconds) for both commands."""
    from museumxtd_search import parallel
    from museumxtd_search.index.build import build_index
    from museumxtd_search.index.snapshot import snapshot_folder
    from museumxtd_search.site.export import export_site

    for name in list(parallel.FORK_FROM):  # one process: one profile sees every stage
        parallel.FORK_FROM[name] = sys.maxsize
    index_dir, site = work / "index", work / "site"
    index, index_total = profiled(lambda: build_index(notes, index_dir, full=True))
    export, export_total = profiled(
        lambda: export_site(notes, site, snapshot=snapshot_folder(index_dir, notes)))
    return [("index --full", stage_seconds(index, INDEX_STAGES), index_total),
            ("export (from the snapshot)", stage_seconds(export, EXPORT_STAGES), export_total)]


def render(notes_count: int, measured: list[tuple[str, dict[str, float], float]],
           code: str) -> str:
    lines = ["## Where the time goes", "",
             f"`benchmarks/stages.py` on the same {notes_count:,} notes, code {code}: each "
             "command profiled in one process (no workers). Profiled seconds run slower "
             "than the timings above; read the shares.", "",
             "| command | stage | profiled seconds | share |", "|---|---|---|---|"]
    for command, stages, total in measured:
        for stage, seconds in stages.items():
            lines.append(f"| {command} | {stage} | {seconds:.1f} s | "
                         f"{100 * seconds / total:.0f} % |")
        other = total - sum(stages.values())
        lines.append(f"| {command} | other | {other:.1f} s | {100 * other / total:.0f} % |")
        lines.append(f"| {command} | **whole command** | {total:.1f} s | 100 % |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notes", type=Path, help="the garden's folder")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the index and site (default: a temporary one)")
    parser.add_argument("--append", type=Path, default=None,
                        help="a report to add the table to")
    args = parser.parse_args(argv)
    code = code_version()
    work = args.work or Path(tempfile.mkdtemp(prefix="mxs-stages-"))
    try:
        measured = measure(args.notes.resolve(), work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    table = render(sum(1 for _ in args.notes.rglob("*.md")), measured, code)
    print(table)
    if args.append is not None:
        with open(args.append, "a", encoding="utf-8") as report:
            report.write("\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
