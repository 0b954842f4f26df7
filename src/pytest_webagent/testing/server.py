"""The OpenAI-compatible HTTP test server (stdlib ``http.server`` on 127.0.0.1)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from types import TracebackType
from urllib.parse import urlsplit

from pytest_webagent.testing import responses
from pytest_webagent.testing.prompt import ChatRequest, RecordedRequest, parse_chat_request
from pytest_webagent.testing.responses import Outcome, error
from pytest_webagent.testing.script import (
    MAX_DELAY_SECONDS,
    Content,
    Delay,
    HttpError,
    Reply,
    Rule,
    Script,
    StepKind,
)
from pytest_webagent.testing.transport import Transport

__all__ = ["OpenAITestServer"]
_CHAT = "/v1/chat/completions"


class OpenAITestServer:
    """A scriptable OpenAI-compatible chat-completions server for tests.

    Use it as a context manager (or call :meth:`start` / :meth:`stop`) and point an OpenAI
    client at :attr:`base_url`. Script answers per step with :meth:`on`; every request is
    recorded in :attr:`requests`. With ``api_key`` set, requests without
    ``Authorization: Bearer <api_key>`` get 401. Set :attr:`supports_json_schema` or
    :attr:`supports_json_object` to ``False`` to reject that ``response_format`` with a 400.
    """

    def __init__(self, model: str = "test-model", *, api_key: str | None = None) -> None:
        self.model = model
        self.api_key = api_key
        self.supports_json_schema = True
        self.supports_json_object = True
        self._script = Script()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._transport: Transport | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> OpenAITestServer:
        """Bind an ephemeral port on 127.0.0.1 and serve from a daemon thread."""
        if self._transport is not None:
            raise RuntimeError("OpenAITestServer can only be started once")
        self._stopping.clear()
        self._transport = Transport(self._serve)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving; pending :func:`reply.delay` sleeps are cut short. Idempotent."""
        self._stopping.set()
        if self._transport is not None:
            self._transport.close(timeout)

    def __enter__(self) -> OpenAITestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port (after :meth:`start`)."""
        if self._transport is None:
            raise RuntimeError("OpenAITestServer is not started")
        return self._transport.port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no ``/v1``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: what OpenAI clients take as ``base_url``."""
        return f"{self.url}/v1"

    # -- scripting -------------------------------------------------------------------------
    def on(
        self, step: str | None, replies: Reply | Sequence[Reply], *, kind: StepKind | None = None
    ) -> Rule:
        """Answer requests whose step text contains ``step`` (case-insensitive) with ``replies``.

        ``step=None``/``""`` matches every request. Replies are used one per matching request
        and the last one repeats forever. The newest matching rule wins, so a test can
        override earlier rules. Returns the :class:`Rule` (see ``Rule.calls``).
        """
        queue = list(replies) if isinstance(replies, Sequence) else [replies]
        return self._script.add(Rule(step, queue, kind))

    @property
    def rules(self) -> list[Rule]:
        """The rules, oldest first."""
        return self._script.rules

    def reset(self) -> None:
        """Forget all rules and recorded requests (``supports_*`` flags are kept)."""
        self._script.clear()
        with self._lock:
            self._requests.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def chat_requests(self) -> list[ChatRequest]:
        """Recorded ``POST /v1/chat/completions`` requests, parsed (step, snapshot, ...)."""
        return [
            parse_chat_request(r)
            for r in self.requests
            if r.method == "POST" and urlsplit(r.path).path.rstrip("/") == _CHAT
        ]

    # -- request handling ------------------------------------------------------------------
    def _serve(self, request: RecordedRequest) -> Outcome | None:
        with self._lock:
            self._requests.append(request)
        try:
            return self._respond(request)
        except Exception as exc:  # surface server bugs to the client instead of a dropped socket
            return error(500, f"test server failed: {exc!r}", "server_error", "test_server_error")

    def _respond(self, request: RecordedRequest) -> Outcome | None:
        if self.api_key is not None:
            sent = request.header("authorization")
            if sent != f"Bearer {self.api_key}":
                missing = "You didn't provide an API key."
                message = "Incorrect API key provided." if sent else missing
                return error(401, message, code="invalid_api_key")
        path = urlsplit(request.path).path.rstrip("/")
        if path == "/v1/models" or path.startswith("/v1/models/"):
            if request.method != "GET":
                return error(405, f"Method {request.method} not allowed on {path}")
            if path == "/v1/models":
                return Outcome(200, responses.models_list(self.model))
            if path == f"/v1/models/{self.model}":
                return Outcome(200, responses.model_object(self.model))
            return error(404, f"The model '{path[11:]}' does not exist", code="model_not_found")
        if path == _CHAT:
            if request.method != "POST":
                return error(405, f"Method {request.method} not allowed on {path}")
            return self._chat(request)
        return error(404, f"Unknown request URL: {request.method} {path}", code="unknown_url")

    def _chat(self, request: RecordedRequest) -> Outcome | None:
        body = request.body
        if not isinstance(body, dict):
            return error(400, "We could not parse the JSON body of your request.")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return error(400, "'messages' is a required property", param="messages")
        if body.get("stream"):
            return error(400, "test server: streaming is not supported", param="stream")
        chat = parse_chat_request(request)
        kind = chat.response_format_type
        if (kind == "json_schema" and not self.supports_json_schema) or (
            kind == "json_object" and not self.supports_json_object
        ):
            message = (
                f"Invalid parameter: 'response_format' of type '{kind}' "
                "is not supported with this model."
            )
            return error(400, message, param="response_format")
        reply: Reply = self._script.next_reply(chat) or responses.default_answer(chat)
        budget = MAX_DELAY_SECONDS
        while isinstance(reply, Delay):
            wait = min(reply.seconds, budget)
            budget -= wait
            if self._stopping.wait(wait):
                return None
            reply = reply.then
        if isinstance(reply, HttpError):
            return responses.from_http_error(reply)
        if isinstance(reply, Content):
            content = reply.text
        else:
            content = responses.answer_content(reply, chat)
        completion_id = f"chatcmpl-test{next(self._ids)}"
        model = chat.model or self.model
        return Outcome(200, responses.chat_completion(chat, content, model, completion_id))
