"""Our search added to the real MuseumXTD Eleventy site, beside Eleventy and Pagefind.

On a copy of ``../shared/sites/museumxtd`` (``npm ci`` once, untimed), with the edits
of docs/existing-site.md applied (``tests/museumxtd_site.py``), each round runs
Eleventy's own build (``npm run build``), then our step (``export --into docs``,
the bundle removed first, as a CI build starts without it); Pagefind indexes a copy
of the same built ``docs/`` without our bundle. In Chromium, the bytes the first query
fetches: on ``/Navigation/search/`` for ours (the bundle's files but its stylesheet),
through ``pagefind.search`` and ``data()`` of 10 results for Pagefind.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import browser
from measure import FolderSize, ProcessRun, folder_size, run_measured

TESTS = Path(__file__).resolve().parents[1] / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import museumxtd_site  # noqa: E402 - the guide's edits, shared with the real-site test

BUNDLE = "mxsearch"
SEARCH_PAGE = "Navigation/search/"


@dataclass
class ExistingSiteFigures:
    """Timings in seconds; ``matched``/``notes`` from our step's JSON."""

    eleventy_build: list[ProcessRun] = field(default_factory=list)
    our_step: list[ProcessRun] = field(default_factory=list)
    pagefind_index: list[ProcessRun] = field(default_factory=list)
    bundle: FolderSize | None = None
    pagefind_files: FolderSize | None = None
    notes: int = 0
    matched: int = 0
    pages: int = 0
    ours_browser: browser.BrowserFigures | None = None
    pagefind_browser: browser.BrowserFigures | None = None
    skipped: dict[str, str] = field(default_factory=dict)


def _in_bundle(item: browser.Fetched) -> bool:
    return item.url.startswith(f"/{BUNDLE}/") and not item.url.endswith(".css")


def measure_existing_site(work: Path, repeat: int, ours: Callable[..., ProcessRun],
                          pagefind: str | None, first_query: str, queries, log
                          ) -> ExistingSiteFigures:
    figures = ExistingSiteFigures()
    if not museumxtd_site.SOURCE.is_dir():
        figures.skipped["real site"] = f"not found at {museumxtd_site.SOURCE}"
        return figures
    if shutil.which("npm") is None:
        figures.skipped["real site"] = "npm not installed"
        return figures
    site = museumxtd_site.copy_site(work / "museumxtd")
    installed = museumxtd_site.npm(site, "ci")
    if installed.returncode != 0:
        figures.skipped["real site"] = "npm ci failed: " + installed.stderr.strip()[-200:]
        return figures
    museumxtd_site.apply_guide(site)
    docs = site / museumxtd_site.OUTPUT
    log(f"real Eleventy site: npm run build and export --into ×{repeat}")
    for _ in range(repeat):
        figures.eleventy_build.append(run_measured(["npm", "run", "build"], cwd=site))
        shutil.rmtree(docs / BUNDLE, ignore_errors=True)
        run = ours("export", "--notes", str(site), "--into", str(docs), "--json")
        figures.our_step.append(run)
    summary = json.loads(figures.our_step[-1].stdout)
    figures.notes, figures.matched = summary["notes"], summary["matched"]
    figures.bundle = folder_size(docs / BUNDLE)
    figures.pages = sum(1 for page in docs.rglob("*.html")
                        if page.relative_to(docs).parts[0] != BUNDLE)
    copy = None
    if pagefind is None:
        figures.skipped["Pagefind"] = "Pagefind not installed (pip install pagefind-bin)"
    else:
        copy = work / "museumxtd-pagefind"
        shutil.copytree(docs, copy, ignore=shutil.ignore_patterns(BUNDLE))
        for _ in range(repeat):
            shutil.rmtree(copy / "pagefind", ignore_errors=True)
            figures.pagefind_index.append(run_measured(
                [pagefind, "--site", str(copy), "--output-subdir", "pagefind"]))
        figures.pagefind_files = folder_size(copy / "pagefind")
        browser.write_pagefind_page(copy)
    log("real Eleventy site: browser")
    try:
        with browser.chromium() as chromium:
            figures.ours_browser = browser.measure_our_site(
                chromium, docs, first_query, queries, page_path=SEARCH_PAGE,
                counted=_in_bundle, engine_only=False, local_only=True)
            if copy is not None:
                figures.pagefind_browser = browser.measure_pagefind(
                    chromium, copy, first_query, queries)
    except browser.BrowserUnavailableError as error:
        figures.skipped["browser"] = str(error)
    return figures
