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

try:
    from .pages import render
except ImportError:  # run as a script: python examples/demo_app/server.py
    from pages import render  # type: ignore[no-redef]

APP_DIR = Path(__file__).resolve().parent
VERSIONS = (1, 2)  # 2 = 1 with the markup drift of CHANGES_V2.md (see pages.py)

# Delay of GET /api/reports, so the reports page really shows a loading state.
REPORTS_DELAY_SECONDS = 0.6

REPORTS = [
    {"month": "January", "orders": 128, "revenue": 5120},
    {"month": "February", "orders": 97, "revenue": 3880},
    {"month": "March", "orders": 143, "revenue": 6010},
]


STATIC_DIR = APP_DIR / "static"


def _check_version(version: int) -> int:
    if version not in VERSIONS:
        raise ValueError(f"demo app version must be one of {VERSIONS}, got {version!r}")
    return version


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], version: int) -> None:
        super().__init__(address, _Handler)
        self.version = version

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
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        page = render(relative, self.server.version)
        if page is not None:
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode(), send_body)
            return
        file = self._find_static(relative)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", send_body)
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, content_type, file.read_bytes(), send_body)

    @staticmethod
    def _find_static(relative: str) -> Path | None:
        candidate = (STATIC_DIR / relative).resolve()
        # resolve() folds any ".." away; refuse whatever lands outside the folder.
        if candidate.is_relative_to(STATIC_DIR) and candidate.is_file():
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
        self._httpd = _DemoHTTPServer(("127.0.0.1", port), _check_version(version))
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
