"""In-process query latency: every query timed, in one process.

    python benchmarks/query_latency.py INDEX_DIR [--repeat 7] [--cold]

prints one JSON object ``{"queries": [...], "ms": [[...], ...]}``: for each query, its
``--repeat`` timings in milliseconds. By default one ``GardenSearcher`` is opened once
and every query timed after one untimed warm-up pass over all queries (the searcher
keeps decoded postings between queries, as a long-running process would). With
``--cold`` every timed query runs on a searcher opened for it (opening not timed),
so nothing a previous query decoded helps.
``benchmarks/run.py`` runs it as a child process so that it uses the same snapshot of
the package as the other measurements.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from queries import QUERIES

try:
    import museumxtd_search  # noqa: F401 - from PYTHONPATH (run.py's snapshot) when set
except ImportError:  # run by hand from a clone that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def measure(index_dir: Path, repeat: int, queries: list[str] = QUERIES,
            cold: bool = False) -> list[list[float]]:
    """Per query, ``repeat`` latencies in ms (see the module docstring)."""
    from museumxtd_search.index.searcher import GardenSearcher

    timings: list[list[float]] = [[] for _ in queries]
    if cold:
        with GardenSearcher(index_dir) as searcher:  # the operating system's file cache
            for text in queries:
                searcher.search(text)
        for _ in range(repeat):
            for number, text in enumerate(queries):
                with GardenSearcher(index_dir) as searcher:
                    started = time.perf_counter()
                    searcher.search(text)
                    timings[number].append((time.perf_counter() - started) * 1000)
        return timings
    with GardenSearcher(index_dir) as searcher:
        for text in queries:
            searcher.search(text)
        for _ in range(repeat):
            for number, text in enumerate(queries):
                started = time.perf_counter()
                searcher.search(text)
                timings[number].append((time.perf_counter() - started) * 1000)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time every benchmark query in one process.")
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cold", action="store_true",
                        help="a fresh searcher for every query")
    args = parser.parse_args(argv)
    print(json.dumps({"queries": QUERIES,
                      "ms": measure(args.index_dir, args.repeat, cold=args.cold)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
