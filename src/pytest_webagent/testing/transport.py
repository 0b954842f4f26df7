"""HTTP plumbing: a threaded stdlib server on 127.0.0.1 that hands requests to an app."""

from __future__ import annotations

import json
import logging
import socketserver
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pytest_webagent.testing.prompt import RecordedRequest
from pytest_webagent.testing.responses import Outcome

_log = logging.getLogger(__name__)

App = Callable[[RecordedRequest], "Outcome | None"]
"""Called in a handler thread per request; ``None`` means: close without answering."""


class Transport:
    """Serve ``app`` on an ephemeral 127.0.0.1 port from a daemon thread."""

    def __init__(self, app: App) -> None:
        self._httpd = _HTTPServer(app)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"OpenAITestServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def close(self, timeout: float) -> None:
        """Stop accepting and close the socket; waits at most ``timeout`` for the loop.

        Handler threads are daemons and are not joined (a handler that is still sleeping
        must be woken by the app itself).
        """
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()  # returns within one poll interval: the loop never blocks
        self._httpd.server_close()
        self._thread.join(timeout)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: App) -> None:
        self.app = app
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:  # skip HTTPServer's getfqdn() lookup, which can be slow
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", int(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        _log.debug("error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {name.lower(): value for name, value in self.headers.items()}
        outcome = self.server.app(RecordedRequest(self.command, self.path, headers, body, raw))
        if outcome is None:
            return
        data = json.dumps(outcome.body).encode()
        try:
            self.send_response(outcome.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            for name, value in outcome.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (e.g. its timeout fired during a delay)
            _log.debug("client disconnected before the response was sent")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format: str, *args: object) -> None:
        _log.debug("%s - %s", self.address_string(), format % args)
