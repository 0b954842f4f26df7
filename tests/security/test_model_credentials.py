"""The model exchange: no error shows the API key, even when a server echoes it, and the timeout
bounds the whole request (issue 15, breaks 7 and 21)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pytest_webagent.errors import ModelError
from pytest_webagent.resolve.planning.llm import ModelClient, Usage
from pytest_webagent.settings import Settings
from tests.security.artefacts import encodings

API_KEY = 'sk-echo\'d "key"/42+x'
QUERY_KEY = "gw-key~7 9"
ANSWER = {"role": "assistant", "content": '{"status": "done", "reason": "ok"}'}
COMPLETION = {
    "id": "c1", "object": "chat.completion", "created": 0, "model": "test-model",
    "choices": [{"index": 0, "finish_reason": "stop", "message": ANSWER}],
}  # fmt: skip


class _Echo(BaseHTTPRequestHandler):
    """Answers as the path says (/400/…, /html/…, /trickle/…), quoting the credentials it got."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        said = f"{self.headers.get('Authorization')} {self.path}"
        kind = self.path.split("/")[1]
        if kind == "trickle":  # a whole answer, one byte at a time, each well within the timeout
            body = json.dumps(COMPLETION).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for number in range(len(body)):
                self.wfile.write(body[number : number + 1])
                self.wfile.flush()
                time.sleep(0.02)
            return
        if kind == "html":
            status, body = 200, f"<html>signed in as {said}</html>".encode()
        elif kind == "text":
            status, body = 500, f"upstream failed for {said}".encode()
        else:
            status = int(kind)
            body = json.dumps({"error": {"message": f"bad key {said!r}"}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if kind == "html" else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a trickled answer is no error here


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with _Server(("127.0.0.1", 0), _Echo) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def _ask(base_url: str, timeout: float = 5) -> ModelError:
    settings = Settings({
        "webagent_model": "test-model", "webagent_api_key": API_KEY,
        "webagent_base_url": base_url, "webagent_llm_timeout": timeout, "webagent_llm_retries": 0,
    })  # fmt: skip
    with pytest.raises(ModelError) as raised:
        ModelClient(settings, store=None).complete([{"role": "user", "content": "hi"}], Usage())
    return raised.value


@pytest.mark.parametrize("kind", ["400", "403", "429", "500", "html", "text"])
def test_an_echoed_key_is_never_shown(echo_url: str, kind: str) -> None:
    error = _ask(f"{echo_url}/{kind}/v1?api-key={QUERY_KEY}")

    message = str(error)
    if kind != "text":  # what the server said is still shown, the key masked
        assert "***" in message, message
    assert f"at {echo_url}/{kind}/v1?…" in message
    forms = encodings(API_KEY) | encodings(QUERY_KEY)
    assert [form for form in forms if form in message] == []


def test_the_timeout_bounds_a_trickled_answer(echo_url: str) -> None:
    # The answer takes about 4 s to arrive; every byte comes well within the 1 s timeout.
    error = _ask(f"{echo_url}/trickle/v1", timeout=1)

    assert "did not answer within 1s (webagent_llm_timeout)" in str(error)
