"""A tiny static server for the demo shop used by the pytest-webagent examples.

Stdlib only. ``start_demo_server()`` serves one version of the app on
127.0.0.1 (a free port) from a daemon thread; tests use it through the
``base_url`` fixture in ``examples/conftest.py``. Run this module to browse the
app by hand::

    python -m examples.demo_app.server --version 2
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

APP_DIR = Path(__file__).resolve().parent
VERSIONS = (1, 2)

# Delay of GET /api/reports, so the reports page really shows a loading state.
REPORTS_DELAY_SECONDS = 0.6

REPORTS = [
    {"month": "January", "orders": 128, "revenue": 5120},
    {"month": "February", "orders": 97, "revenue": 3880},
    {"month": "March", "orders": 143, "revenue": 6010},
]


def _search_dirs(version: int) -> tuple[Path, ...]:
    """Directories to look files up in, first match wins.

    v2 only holds the files that changed; everything else falls back to v1, so
    the unchanged pages are the very same files in both versions.
    """
    if version not in VERSIONS:
        raise ValueError(f"demo app version must be one of {VERSIONS}, got {version!r}")
    return tuple(APP_DIR / f"v{v}" for v in range(version, 0, -1))


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], search_dirs: tuple[Path, ...]) -> None:
        super().__init__(address, _Handler)
        self.search_dirs = search_dirs

    def handle_error(self, request: object, client_address: object) -> None:
        # Browsers drop connections all the time (e.g. leaving the reports page
        # while /api/reports is still sleeping); that is not worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def _respond(self, *, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/api/reports":
            # The server is threaded, so sleeping here only delays this request.
            time.sleep(REPORTS_DELAY_SECONDS)
            body = json.dumps({"reports": REPORTS}).encode()
            self._send(HTTPStatus.OK, "application/json", body, send_body)
            return
        file = self._find_file(path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", send_body)
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, content_type, file.read_bytes(), send_body)

    def _find_file(self, url_path: str) -> Path | None:
        relative = url_path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        for root in self.server.search_dirs:
            candidate = (root / relative).resolve()
            # resolve() folds any ".." away; refuse whatever lands outside the root.
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # Switching between v1 and v2 on the same port must never show stale files.
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class DemoServer:
    """A running demo server; stop it with ``stop()`` or use it as a context manager."""

    def __init__(self, version: int = 1, *, port: int = 0) -> None:
        self.version = version
        self._httpd = _DemoHTTPServer(("127.0.0.1", port), _search_dirs(version))
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"demo-app-v{version}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (safe to call twice)."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"DemoServer(version={self.version}, url={self.url!r})"


def start_demo_server(version: int = 1, *, port: int = 0) -> DemoServer:
    """Serve version ``version`` (1 or 2) of the demo app on 127.0.0.1 in a daemon thread.

    ``port=0`` picks a free port; read the address from ``.url``.
    """
    return DemoServer(version, port=port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the pytest-webagent demo app.")
    parser.add_argument("--version", type=int, choices=VERSIONS, default=1, help="app version")
    parser.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    with start_demo_server(args.version, port=args.port) as server:
        print(f"Demo app v{args.version} at {server.url}/  (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
