"""What searchable PDFs cost: indexing time per MB of PDF, and client-index bytes.

    python benchmarks/pdf_cost.py [--pdfs 20] [--pages 10] [--repeat 3]

Copies the bundled garden (``notes/``) twice into a temporary folder, adds to one copy
``--pdfs`` PDFs of ``--pages`` pages of French text each (the garden's own sentences,
written by ``tests/pdf_files.py``), then for each copy: a full ``index`` (best of
``--repeat``, in this process), an update after one PDF changed, and an ``export``
whose ``search/`` folder is weighed (raw and gzipped), plus its ``manifest.js`` (what
every first query downloads before the words it needs). Prints one table. Small, a few
seconds: not part of ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from pdf_files import pdf_bytes  # noqa: E402

from museumxtd_search.index.build import build_index  # noqa: E402
from museumxtd_search.site.export import export_site  # noqa: E402
from museumxtd_search.vault.reading import read_vault  # noqa: E402


def sentences(notes: Path) -> list[str]:
    """The garden's own lines of text (what the PDFs are written from)."""
    vault = read_vault(notes)
    return [line.strip() for note in vault.notes for line in note.text.split("\n")
            if len(line.strip()) > 30]


def write_pdfs(folder: Path, count: int, pages: int, lines: list[str]) -> int:
    """Write ``count`` PDFs of ``pages`` pages (about 40 lines each); return their bytes."""
    chance = random.Random(0)
    total = 0
    for number in range(count):
        texts = []
        for _ in range(pages):
            page = [chance.choice(lines)[:95] for _ in range(40)]
            texts.append("\n".join(page))
        data = pdf_bytes(texts)
        (folder / f"Rapport {number:03}.pdf").write_bytes(data)
        total += len(data)
    return total


def weigh(folder: Path) -> tuple[int, int]:
    raw = zipped = 0
    for path in folder.rglob("*.json"):
        data = path.read_bytes()
        raw += len(data)
        zipped += len(gzip.compress(data, 6))
    return raw, zipped


def measure(notes: Path, work: Path, repeat: int) -> dict[str, float]:
    best = float("inf")
    for attempt in range(repeat):
        index = work / f"index-{attempt}"
        started = time.perf_counter()
        build_index(notes, index, full=True)
        best = min(best, time.perf_counter() - started)
    pdfs = sorted(notes.rglob("*.pdf"))
    update = 0.0
    if pdfs:
        changed = pdfs[0]
        changed.write_bytes(changed.read_bytes().replace(b"(", b"( ", 1))
        stat = changed.stat()
        os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        started = time.perf_counter()
        build_index(notes, work / "index-0")
        update = time.perf_counter() - started
    export_site(notes, work / "site", force=True)
    raw, zipped = weigh(work / "site" / "search")
    manifest = (work / "site" / "search" / "manifest.js").read_bytes()
    return {"index": best, "update": update, "raw": raw, "gzip": zipped,
            "manifest": len(gzip.compress(manifest, 6))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        plain, with_pdfs = root / "plain", root / "with-pdfs"
        shutil.copytree(REPO / "notes", plain)
        shutil.copytree(REPO / "notes", with_pdfs)
        (with_pdfs / "PDF").mkdir()
        size = write_pdfs(with_pdfs / "PDF", options.pdfs, options.pages, sentences(plain))
        before = measure(plain, root / "work-plain", options.repeat)
        after = measure(with_pdfs, root / "work-pdfs", options.repeat)
    megabytes = size / 1e6
    added = after["index"] - before["index"]
    print(f"{options.pdfs} PDFs x {options.pages} pages = {megabytes:.2f} MB of PDF "
          f"(bundled garden: {len(list((REPO / 'notes').rglob('*.md')))} notes)")
    print("| | without PDFs | with PDFs | added |")
    print("|---|---|---|---|")
    print(f"| full index (best of {options.repeat}) | {before['index']:.2f} s | "
          f"{after['index']:.2f} s | {added:.2f} s = {added / megabytes:.2f} s per MB |")
    print(f"| index after one PDF changed | | {after['update']:.2f} s | |")
    for name, label in (("raw", "client index, raw"), ("gzip", "client index, gzipped"),
                        ("manifest", "manifest.js, gzipped (every first query)")):
        print(f"| {label} | {before[name]:,} B | {after[name]:,} B | "
              f"{after[name] - before[name]:+,} B |")


if __name__ == "__main__":
    main()
