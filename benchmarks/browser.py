"""What a visitor's browser fetches and waits for: our search page beside Pagefind.

Sites are served by a threaded ``http.server`` on 127.0.0.1 that records every file it
sends, so the bytes counted are exactly the bodies the browser received (each browser
context starts with an empty cache). For each file we also count what a host with
compression would send (``measure.sent_size``: gzip level 6 unless already smaller).
Pages run in Debian's headless Chromium through Playwright.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from measure import median, sent_size

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PAGEFIND_PAGE = "pagefind-bench.html"
TIMEOUT_MS = 60_000


class BrowserUnavailableError(RuntimeError):
    """Playwright or Chromium is missing: the browser figures cannot be measured."""


@dataclass(frozen=True)
class Fetched:
    """One response body the server sent."""

    url: str
    raw: int
    sent: int

    @property
    def kind(self) -> str:
        name = self.url.rsplit("/", 1)[-1]
        # Our index's data files are scripts too (MXSearchData(...)): known by name.
        data = name.startswith(("manifest.", "words-", "post-", "vocabulary.", "notes.",
                                "facets.", "terms-"))
        if name.endswith((".js", ".mjs")) and "/fragments/" not in self.url and not data:
            return "code"
        if name.startswith("wasm.") or name.endswith(".wasm"):
            return "code"
        if "fragment" in self.url:
            return "fragments"
        return "index"


@dataclass
class BrowserFigures:
    """First-query bytes and query times for one site in the browser."""

    fetched: list[Fetched] = field(default_factory=list)
    first_pass_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    engine_ms: list[float] = field(default_factory=list)  # ours: the engine without the page
    results: int = 0

    def bytes_by_kind(self, sent: bool) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.fetched:
            totals[item.kind] = totals.get(item.kind, 0) + (item.sent if sent else item.raw)
        return totals

    @property
    def raw(self) -> int:
        return sum(item.raw for item in self.fetched)

    @property
    def sent(self) -> int:
        return sum(item.sent for item in self.fetched)

    @property
    def warm_p50(self) -> float:
        return median(self.warm_ms)

    @property
    def first_pass_p50(self) -> float:
        return median(self.first_pass_ms)

    @property
    def engine_p50(self) -> float | None:
        return median(self.engine_ms) if self.engine_ms else None


class _RecordingHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def copyfile(self, source, outputfile) -> None:  # type: ignore[override]
        data = source.read()
        self.server.fetched.append(  # type: ignore[attr-defined]
            Fetched(unquote(urlsplit(self.path).path), len(data), sent_size(data)))
        outputfile.write(data)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[tuple[str, list[Fetched]]]:
    """Serve ``folder`` on a free loopback port; yields (base URL, list of sent files)."""
    handler = functools.partial(_RecordingHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.fetched = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.fetched  # type: ignore
    finally:
        server.shutdown()
        server.server_close()


def chromium_executable() -> str:
    for candidate in (CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BrowserUnavailableError("Chromium not found (apt-get install chromium)")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium launched through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BrowserUnavailableError("the playwright package is not installed") from error
    executable = chromium_executable()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


# Types the query through the input's value and an "input" event, and stops the clock
# when the results list says it shows that query (set last by the page's render()).
_TIME_OUR_QUERIES = """
async (queries) => {
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  function once(query) {
    return new Promise((resolve, reject) => {
      let start = 0;
      const timer = setTimeout(() => reject(new Error("no results for " + query)), 60000);
      const observer = new MutationObserver(() => {
        if (list.getAttribute("aria-busy") === "false"
            && list.getAttribute("data-query") === query) {
          const end = performance.now();
          observer.disconnect();
          clearTimeout(timer);
          resolve(end - start);
        }
      });
      observer.observe(list, {attributes: true, attributeFilter: ["aria-busy", "data-query"]});
      start = performance.now();
      input.value = query;
      input.dispatchEvent(new Event("input", {bubbles: true}));
    });
  }
  const first = [], warm = [];
  for (const query of queries) { first.push(await once(query)); }
  for (const query of queries) { warm.push(await once(query)); }
  return {first, warm};
}
"""

# The engine alone (no input event, no DOM, no history.replaceState): a fresh engine,
# one pass to load its files, then each query timed.
_TIME_OUR_ENGINE = """
async (queries) => {
  const base = (document.body.getAttribute("data-root") || "") + "search/";
  const engine = window.MXSearch.createEngine(
    (name) => fetch(base + name + ".js").then((response) => response.text()).then(
      window.MXSearch.parseDataFile));
  for (const query of queries) { await engine.search(query, {limit: 10}); }
  const times = [];
  for (const query of queries) {
    const start = performance.now();
    await engine.search(query, {limit: 10});
    times.push(performance.now() - start);
  }
  return times;
}
"""

# Notes the data files the page fetches once the results of ``query`` are shown (the
# facets file, by design fetched after the results: see search-ui.js's run()). The
# page looks ``fetch`` up when it calls it, so wrapping it here catches every call.
_MARK_LATE_FETCHES = """
(query) => {
  const list = document.getElementById("search-results");
  const late = window.mxLateFetches = [];
  const original = window.fetch;
  window.fetch = function (resource, options) {
    if (list && list.getAttribute("aria-busy") === "false"
        && list.getAttribute("data-query") === query) {
      late.push(new URL(String(resource.url || resource), location.href).pathname);
    }
    return original.call(this, resource, options);
  };
}
"""

_WAIT_FOR_RESULTS = """
(query) => {
  const list = document.getElementById("search-results");
  return list.getAttribute("data-query") === query
    && list.getAttribute("aria-busy") === "false";
}
"""


def _search_machinery(item: Fetched) -> bool:
    """Our exported site: every response but pages and stylesheets."""
    return not item.url.endswith((".html", ".css", "/"))


def measure_our_site(browser, site: Path, first_query: str, queries: Sequence[str],
                     page_path: str = "search/index.html",
                     counted: Callable[[Fetched], bool] = _search_machinery,
                     engine_only: bool = True, local_only: bool = False) -> BrowserFigures:
    """Open the search page, type ``first_query``; then time ``queries`` typed in turn.

    Bytes count the responses from opening the page to the first results shown that
    ``counted`` keeps: by default all but the HTML pages and stylesheets (not search
    machinery). A file the page asks for once the results are shown is not counted,
    whether or not it arrived before they were read here. ``engine_only`` also times
    the engine without the page (our own site: its index is at ``search/``).
    ``local_only`` blocks the page's requests beyond 127.0.0.1 (a host site's
    analytics), which would otherwise leave the machine.
    """
    figures = BrowserFigures()
    with serve(site) as (url, fetched):
        context = browser.new_context()
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            if local_only:
                page.route("**/*", lambda route: route.continue_()
                           if urlsplit(route.request.url).hostname == "127.0.0.1"
                           else route.abort())
            page.goto(url + quote(page_path))
            page.evaluate(_MARK_LATE_FETCHES, first_query)
            page.fill("#search-input", first_query)
            try:
                page.wait_for_function(_WAIT_FOR_RESULTS, arg=first_query, timeout=TIMEOUT_MS)
            except Exception as error:  # noqa: BLE001 - report what the page said
                raise RuntimeError(f"search page gave no results: {errors or error}") from None
            figures.fetched = _before_results(
                [f for f in fetched if counted(f)],
                page.evaluate("() => window.mxLateFetches"))
            figures.results = page.eval_on_selector_all("#search-results a[data-path]",
                                                        "links => links.length")
            times = page.evaluate(_TIME_OUR_QUERIES, list(queries))
            figures.first_pass_ms, figures.warm_ms = times["first"], times["warm"]
            if engine_only:
                figures.engine_ms = page.evaluate(_TIME_OUR_ENGINE, list(queries))
        finally:
            context.close()
    return figures


def _before_results(fetched: list[Fetched], late: Sequence[str]) -> list[Fetched]:
    """``fetched`` without the responses to the requests made after the results showed
    (the last response of each such path; one not yet served is not there to drop)."""
    kept = list(fetched)
    for path in late:
        for at in range(len(kept) - 1, -1, -1):
            if kept[at].url == path:
                del kept[at]
                break
    return kept


_PAGEFIND_TEST_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>Pagefind benchmark</title></head>
<body>
<script type="module">
let pagefind = null;  // imported on the first query, so its bytes count as the query's
async function query(text) {{
  if (!pagefind) {{ pagefind = await import("/pagefind/pagefind.js"); }}
  const search = await pagefind.search(text);
  const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  return {{total: search.results.length, shown: data.length}};
}}
window.pagefindQuery = query;
window.pagefindTime = async (queries) => {{
  async function once(text) {{
    const start = performance.now();
    await query(text);
    return performance.now() - start;
  }}
  const first = [], warm = [];
  for (const text of queries) {{ first.push(await once(text)); }}
  for (const text of queries) {{ warm.push(await once(text)); }}
  return {{first, warm}};
}};
window.benchReady = true;
</script>
</body>
</html>
"""


def write_pagefind_page(site_copy: Path, lang: str = "fr") -> None:
    """The test page: imports Pagefind's client, searches, loads the first 10 results."""
    (site_copy / PAGEFIND_PAGE).write_text(_PAGEFIND_TEST_PAGE.format(lang=lang),
                                           encoding="utf-8")


def measure_pagefind(browser, site_copy: Path, first_query: str,
                     queries: Sequence[str]) -> BrowserFigures:
    """Same measures as ``measure_our_site``, for Pagefind's index in ``site_copy``.

    Bytes count every response caused by the first ``pagefind.search`` and the
    ``data()`` of its first 10 results (pagefind.js, wasm, entry, meta, index chunks,
    fragments); the test page itself is excluded.
    """
    figures = BrowserFigures()
    with serve(site_copy) as (url, fetched):
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url + PAGEFIND_PAGE)
            page.wait_for_function("() => window.benchReady === true", timeout=TIMEOUT_MS)
            fetched.clear()  # the test page itself
            answer = page.evaluate("(q) => window.pagefindQuery(q)", first_query)
            figures.fetched = [f for f in fetched if not f.url.endswith(".html")]
            figures.results = answer["shown"]
            times = page.evaluate("(qs) => window.pagefindTime(qs)", list(queries))
            figures.first_pass_ms, figures.warm_ms = times["first"], times["warm"]
        finally:
            context.close()
    return figures
