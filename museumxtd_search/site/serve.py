"""Preview an exported site on 127.0.0.1, live when a ``LiveSite`` is given.

Live, every HTML page is served with one more script (``/__live__/reload.js``, served
here and written in no exported file) that asks ``/__live__/state`` a few times a
second for the site's version and its problems: a new version reloads the page, and
problems (a note that cannot be read, a dead reference in a saved note) are shown at
the top of the page until they are mended.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from museumxtd_search.site.live import LiveSite, Refresh, watch

LIVE_PREFIX = "/__live__/"
# How often an open page asks for the site's version (milliseconds).
POLL_MS = 250
RELOAD_SCRIPT = """(function () {
  "use strict";
  var version = null;
  function show(problems) {
    var box = document.getElementById("mxs-live-problems");
    if (!problems.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "mxs-live-problems";
      box.className = "page-problem";
      box.setAttribute("role", "status");
      box.style.whiteSpace = "pre-line";
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.textContent = "\\u26a0 " + problems.join("\\n");
  }
  function tick() {
    fetch("/__live__/state", { cache: "no-store" }).then(function (response) {
      return response.json();
    }).then(function (state) {
      if (version !== null && state.version !== version) { location.reload(); return; }
      version = state.version;
      show(state.problems);
      setTimeout(tick, POLL_MS);
    }).catch(function () { setTimeout(tick, 1000); });
  }
  tick();
})();
""".replace("POLL_MS", str(POLL_MS))


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the site's files; with ``live``, the live endpoints and script too."""

    live: LiveSite | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        path = urlsplit(self.path).path
        if self.live is not None and path.startswith(LIVE_PREFIX):
            self._live(path[len(LIVE_PREFIX):])
            return
        if self.live is not None and (path.endswith("/") or path.endswith(".html")):
            self._page(path)
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _live(self, name: str) -> None:
        live = self.live
        assert live is not None
        if name == "state":
            state = {"version": live.version, "problems": live.problems}
            self._send(json.dumps(state, ensure_ascii=False).encode(),
                       "application/json; charset=utf-8")
        elif name == "reload.js":
            self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        else:
            self.send_error(404)

    def _page(self, path: str) -> None:
        """An HTML page with the reload script added before ``</body>``."""
        file = Path(self.translate_path(unquote(path)))
        if file.is_dir():
            file = file / "index.html"
        try:
            html = file.read_bytes()
        except OSError:
            self.send_error(404)
            return
        script = f'<script src="{LIVE_PREFIX}reload.js"></script>'.encode()
        html = html.replace(b"</body>", script + b"</body>", 1) if b"</body>" in html \
            else html + script
        self._send(html, "text/html; charset=utf-8")


@contextmanager
def preview_server(out: Path, port: int = 0, live: LiveSite | None = None,
                   report: Callable[[Refresh], None] | None = None,
                   interval: float = 0.2) -> Iterator[ThreadingHTTPServer]:
    """A server of ``out`` on 127.0.0.1:``port`` (0: any free port), running in a thread,
    with ``live`` refreshed every ``interval`` seconds; stopped on leaving.

    Leaving waits for a refresh in progress to end: after the block nothing reads the
    notes or writes the site, so the caller may move or delete them. (Measured: a
    100,000-note benchmark that deleted its garden on leaving had the refresh running
    then see half the notes gone and export the site again, for minutes.)"""
    handler = type("Handler", (PreviewHandler,), {"live": live})
    server = ThreadingHTTPServer(("127.0.0.1", port),
                                 functools.partial(handler, directory=str(out)))
    stop = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, daemon=True)]
    if live is not None:
        threads.append(threading.Thread(target=watch, args=(live, interval, report, stop),
                                        daemon=True))
    for thread in threads:
        thread.start()
    try:
        yield server
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        for thread in threads[1:]:
            thread.join()
