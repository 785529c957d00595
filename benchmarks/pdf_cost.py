"""What searchable PDFs cost: indexing time per MB of PDF, and client-index bytes.

    python benchmarks/pdf_cost.py [--pdfs 20] [--pages 10] [--repeat 3]

Copies the bundled garden (``notes/``) twice into a temporary folder, adds to one copy
``--pdfs`` PDFs of ``--pages`` pages of French text each (the garden's own sentences,
written by ``tests/pdf_files.py``), then for each copy: a full ``index`` (best of
``--repeat``, in this process), an update after one PDF changed, and an ``export``
whose ``search/`` folder is weighed (raw and gzipped), plus its ``manifest.js`` (what
every first query downloads before the words it needs). With Chromium (``--browser``,
the default when it is installed), each exported search page is opened and
``--query`` typed: the bytes of every file the page fetched up to the first results
(the index files and the fragments of the results shown, gzipped as a host would send
them; the scripts apart), counted by the server as it sends them, so the figure does
not depend on how the client index is laid out in files. Prints one table. Small, a
few seconds (half a minute with the browser): not part of ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

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
    for path in folder.rglob("*.js"):
        data = path.read_bytes()
        raw += len(data)
        zipped += len(gzip.compress(data, 6))
    return raw, zipped


def first_query(browser, site: Path, query: str) -> dict[str, float]:
    """What the search page fetched, gzipped, from opening to ``query``'s first results:
    index files, fragments, scripts (``browser.measure_our_site``)."""
    from browser import measure_our_site

    figures = measure_our_site(browser, site, query, [], engine_only=False)
    sent = figures.bytes_by_kind(sent=True)
    return {"query index": sent.get("index", 0), "query fragments": sent.get("fragments", 0),
            "query code": sent.get("code", 0), "query results": figures.results}


def measure(notes: Path, work: Path, repeat: int, browser=None,
            query: str = "") -> dict[str, float]:
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
    figures = {"index": best, "update": update, "raw": raw, "gzip": zipped,
               "manifest": len(gzip.compress(manifest, 6))}
    if browser is not None:
        figures.update(first_query(browser, work / "site", query))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query", default="numérisation des collections",
                        help="the first query typed in the browser")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=None,
                        help="measure a first query in Chromium (default: when installed)")
    options = parser.parse_args()
    with contextlib.ExitStack() as stack:
        browser = None
        if options.browser is not False:
            from browser import BrowserUnavailableError, chromium

            try:
                browser = stack.enter_context(chromium())
            except BrowserUnavailableError as error:
                if options.browser:
                    raise SystemExit(f"error: {error}") from None
        run(options, browser)


def run(options: argparse.Namespace, browser) -> None:
    """Measure both copies of the garden and print the table."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        plain, with_pdfs = root / "plain", root / "with-pdfs"
        shutil.copytree(REPO / "notes", plain)
        shutil.copytree(REPO / "notes", with_pdfs)
        (with_pdfs / "PDF").mkdir()
        size = write_pdfs(with_pdfs / "PDF", options.pdfs, options.pages, sentences(plain))
        before = measure(plain, root / "work-plain", options.repeat, browser, options.query)
        after = measure(with_pdfs, root / "work-pdfs", options.repeat, browser, options.query)
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
    if browser is None:
        return
    print(f"| first query « {options.query} »: results shown | {before['query results']} | "
          f"{after['query results']} | |")
    for name, label in (("query index", "first query: index files fetched, gzipped"),
                        ("query fragments", "first query: fragments fetched, gzipped"),
                        ("query code", "first query: scripts, gzipped")):
        print(f"| {label} | {before[name]:,} B | {after[name]:,} B | "
              f"{after[name] - before[name]:+,} B |")
    total_before = before["query index"] + before["query fragments"]
    total_after = after["query index"] + after["query fragments"]
    print(f"| first query: index and fragments, gzipped | {total_before:,} B | "
          f"{total_after:,} B | {total_after - total_before:+,} B |")


if __name__ == "__main__":
    main()
