"""A static site on 127.0.0.1 whose pages tests write on the fly, with a few faulty paths."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

# /requested?path=P answers "yes" or "no": whether P was requested so far (for code that must not
# call Playwright meanwhile, such as a test checking that a request was not held for Python).
# Requests under HOLD never get an answer: the handler waits until the site stops (at most
# HOLD_SECONDS, so its thread always ends). Requests under DROP get their connection closed
# without an answer. Requests under SLOW get the file after the prefix, SLOW_SECONDS late.
# /redirect?to=URL answers 302 to URL.
HOLD = "/hold/"
DROP = "/drop/"
SLOW = "/slow/"
HOLD_SECONDS = 30.0
SLOW_SECONDS = 0.6
# What a test page's controls did, in order, for checks to read: a handler calls `say('saved')`
# and "Nothing yet" becomes "saved" (then "saved, cancelled"...).
SAID_LOG = """<p id="said">Nothing yet</p>
<script>
  const log = [];
  function say(what) {
    log.push(what);
    document.getElementById("said").textContent = log.join(", ");
  }
</script>
"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: Any) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.released = threading.Event()
        self.paths: list[str] = []  # every path requested, in order

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that gives up on a held or cancelled response is no error here


class _QuietHandler(SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.startswith("/requested?"):
            asked = parse_qs(urlsplit(self.path).query)["path"][0]
            answer = b"yes" if asked in self.server.paths else b"no"
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return
        self.server.paths.append(self.path)
        if self.path.startswith(HOLD):
            self.server.released.wait(HOLD_SECONDS)
            self.close_connection = True
        elif self.path.startswith(DROP):
            self.close_connection = True
        elif self.path.startswith(SLOW):
            self.server.released.wait(SLOW_SECONDS)
            self.path = "/" + self.path[len(SLOW) :]
            super().do_GET()
        elif self.path.startswith("/redirect?"):
            self.send_response(302)
            self.send_header("Location", parse_qs(urlsplit(self.path).query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            super().do_GET()


class StaticSite:
    """Serves ``root`` on a free port; ``page(name, html)`` writes a page and returns its path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._server = _Server(partial(_QuietHandler, directory=str(root)))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def paths(self) -> list[str]:
        """Every path requested so far, query included."""
        return list(self._server.paths)

    def page(self, name: str, body: str, title: str = "Test page") -> str:
        """Write ``body`` as a full HTML page; returns its path (e.g. ``/form.html``)."""
        html = f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        (self.root / name).write_text(f"{html}<body>{body}</body></html>", encoding="utf-8")
        return f"/{name}"

    def start(self) -> StaticSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.released.set()  # held requests end now
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StaticSite:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
