"""``serve --watch``: from saving a note to its page reloaded, timed.

    python benchmarks/live_preview.py NOTES_DIR WORK_DIR [--repeat 5]

prints one JSON object ``{"ms": [...], "refresh_ms": [...], "poll_ms": N}``. A copy of
the garden is previewed as ``serve --watch`` does (``LiveSite`` and its server, the
garden polled every 0.2 s); each round appends a sentence to one note, then asks
``/__live__/state`` every 10 ms, as an open page does every ``poll_ms``, until the
version changes, and fetches the note's page until it shows the sentence. ``ms`` is
that time plus ``poll_ms`` (the longest an open page waits before it asks), so it
bounds save -> reloaded page from above; ``refresh_ms`` is the server's own work.
``benchmarks/run.py`` runs it as a child process with its snapshot of the package.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import urllib.request
from pathlib import Path

try:
    import museumxtd_search  # noqa: F401 - from PYTHONPATH (run.py's snapshot) when set
except ImportError:  # run by hand from a clone that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def measure(notes_dir: Path, work: Path, repeat: int) -> dict[str, object]:
    from museumxtd_search.site.live import LiveSite
    from museumxtd_search.site.serve import POLL_MS, preview_server
    from museumxtd_search.site.urls import page_urls

    notes = work / "live-notes"
    shutil.rmtree(notes, ignore_errors=True)
    shutil.copytree(notes_dir, notes)
    paths = sorted(p.relative_to(notes).as_posix() for p in notes.rglob("*.md"))
    note = paths[len(paths) // 2]
    page = page_urls(paths)[note] + "index.html"
    refreshes: list[float] = []
    site = LiveSite(notes, work / "live-site")
    timings = []
    with preview_server(work / "live-site", live=site,
                        report=lambda done: refreshes.append(done.seconds * 1000)) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for round_number in range(repeat):
            version = json.loads(_get(base + "__live__/state"))["version"]
            sentence = f"Révision en direct {round_number} : cartel relu."
            started = time.perf_counter()
            with open(notes / note, "a", encoding="utf-8") as file:
                file.write(f"\n{sentence}\n")
            while json.loads(_get(base + "__live__/state"))["version"] == version:
                time.sleep(0.01)
            while sentence not in _get(base + page):
                time.sleep(0.01)
            timings.append((time.perf_counter() - started) * 1000 + POLL_MS)
            time.sleep(0.3)
    shutil.rmtree(notes, ignore_errors=True)
    shutil.rmtree(work / "live-site", ignore_errors=True)
    return {"ms": timings, "refresh_ms": refreshes, "poll_ms": POLL_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notes", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    print(json.dumps(measure(arguments.notes, arguments.work, arguments.repeat)))


if __name__ == "__main__":
    main()
