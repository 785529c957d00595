"""Serve exported sites on 127.0.0.1 and drive them in Debian's headless Chromium.

Browser tests skip when Chromium or Playwright is missing, except in CI
(``MXS_REQUIRE_BROWSER=1``), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    """The Chromium executable, or skip (fail in CI) when there is none."""
    path = chromium_path()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("MXS_REQUIRE_BROWSER"):
            pytest.fail("Chromium and Playwright are required here (MXS_REQUIRE_BROWSER=1)")
        pytest.skip("needs Debian's chromium and the playwright package")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright, one per test module."""
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (see ``watched_page``)."""
    with watched_page(browser) as opened:
        yield opened


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def watched_page(browser, local_only: bool = False) -> Iterator[object]:
    """A page in a fresh browser context. ``page.errors`` collects its uncaught script
    errors; with ``local_only``, every request beyond 127.0.0.1 is blocked and recorded
    in ``page.external``."""
    context = browser.new_context()
    external: list[str] = []
    if local_only:
        def only_local(route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors, page.external = errors, external
    try:
        yield page
    finally:
        context.close()
