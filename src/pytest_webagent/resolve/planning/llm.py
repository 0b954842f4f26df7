"""The model exchange over any OpenAI-compatible API.

* The ``openai`` client is built on first use: runs whose steps are all replayed or explicit never
  construct one (and need no key). The ``openai`` package itself is imported then too: it takes
  most of a second, which replay-only runs and IDE test discovery should not pay.
* Structured output is asked for as a JSON schema; a server that refuses that gets ``json_object``,
  then plain text (the answer parser finds the JSON). The level that worked is kept.
* Answers are memoised in the working store by a hash of model and messages (the format only
  changes how the answer is asked for; only answers that proved valid are kept).
* ``Usage.calls`` counts HTTP requests, the openai client's own retries included, so the summary
  matches what the provider bills and what a test server records.
* Errors name the endpoint and the model, never the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pytest_webagent.errors import ModelError
from pytest_webagent.secret_values import Secrets
from pytest_webagent.settings import Settings

if TYPE_CHECKING:
    import openai

    from pytest_webagent.replay.store import WorkingStore

DEFAULT_ENDPOINT = "https://api.openai.com/v1"
NO_KEY = "no-key-configured"  # local servers (vLLM, Ollama…) accept any key; the client needs one
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["continue", "done", "no_match"]},
        "reason": {"type": "string"},
        "actions": {"type": "array", "items": {"type": "object"}},
        "verdict": {"type": "string", "enum": ["pass", "fail"]},
    },
    "required": ["status", "reason"],
}
FORMATS = ("json_schema", "json_object", "text")


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    memo_hits: int = 0

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.memo_hits += other.memo_hits

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class ModelClient:
    def __init__(self, settings: Settings, store: WorkingStore | None) -> None:
        self.settings = settings
        self.store = store
        self.model = settings.model
        self.endpoint = str(settings.values["webagent_base_url"] or DEFAULT_ENDPOINT)
        self.shown_endpoint = _without_credentials(self.endpoint)
        self._credentials = Credentials(self.settings, self.endpoint)
        self._client: openai.OpenAI | None = None
        self._format_level = 0

    @property
    def where(self) -> str:
        """``model 'x' at https://…/v1``: how every error names the model, never with the key."""
        return f"model {self.model!r} at {self.shown_endpoint}"

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            import openai

            # Here, not at the top: the deadline's HTTP client (httpx2) is the model's alone.
            from pytest_webagent.resolve.planning import deadline

            self._client = openai.OpenAI(
                base_url=self.endpoint,
                api_key=str(self.settings.values["webagent_api_key"] or NO_KEY),
                timeout=self.settings.float_value("webagent_llm_timeout"),
                max_retries=self.settings.int_value("webagent_llm_retries"),
                # The timeout bounds each network wait; this bounds the whole answer too.
                http_client=deadline.http_client(self.settings.float_value("webagent_llm_timeout")),
            )
        return self._client

    def complete(self, messages: list[dict[str, str]], usage: Usage, *, memo: bool = True) -> str:
        """The model's answer text for ``messages``; accounts calls and tokens in ``usage``."""
        key = _memo_key(self.model, messages)
        if memo and self.store is not None:
            remembered = self.store.memo_get(key)
            if isinstance(remembered, str):
                usage.memo_hits += 1
                return remembered
        import openai  # here, not at module level: see the module's docstring

        while True:
            try:
                return self._request(messages, usage)
            except openai.BadRequestError as error:
                usage.calls += _requests_made(error)
                if self._format_level < len(FORMATS) - 1 and _about_format(error):
                    self._format_level += 1  # the server does not do this format: ask plainer
                    continue
                raise self._error(error, "rejected the request (400)") from None
            except openai.APIError as error:
                usage.calls += _requests_made(error)
                raise self._failure(error) from None

    def _failure(self, error: openai.APIError) -> ModelError:
        """The error for a failed exchange (after the openai client's own retries)."""
        import openai

        if isinstance(error, openai.APITimeoutError):
            seconds = self.settings.float_value("webagent_llm_timeout")
            return self._error(None, f"did not answer within {seconds:g}s (webagent_llm_timeout)")
        if isinstance(error, openai.APIConnectionError):
            return self._error(error, "is unreachable")
        if isinstance(error, openai.AuthenticationError):
            # The server's message may quote part of the key: leave it out.
            return self._error(None, "refused the API key (401); check OPENAI_API_KEY")
        if isinstance(error, openai.RateLimitError):
            return self._error(error, "kept rate-limiting (429) after the retries")
        if isinstance(error, openai.APIStatusError):
            hint = (
                "; check webagent_base_url (it usually ends in /v1)"
                if error.status_code == 404
                else ""
            )
            return self._error(error, f"answered HTTP {error.status_code}", hint)
        return self._error(error, "failed")

    def remember(self, messages: list[dict[str, str]], text: str) -> None:
        """Memoise an answer that proved valid (invalid ones must be asked again)."""
        if self.store is not None:
            self.store.memo_set(_memo_key(self.model, messages), text)

    def _request(self, messages: list[dict[str, str]], usage: Usage) -> str:
        fmt = FORMATS[self._format_level]
        extra: dict[str, Any] = {}
        if fmt == "json_schema":
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "webagent_answer", "schema": ANSWER_SCHEMA},
            }
        elif fmt == "json_object":
            extra["response_format"] = {"type": "json_object"}
        raw = self.client.chat.completions.with_raw_response.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=0,
            **extra,
        )
        usage.calls += 1 + raw.retries_taken
        response = raw.parse()
        from openai.types.chat import ChatCompletion

        if not isinstance(response, ChatCompletion):  # e.g. a proxy's HTML login page, with 200
            # Masked before it is cut: half a key would not be recognised as one.
            preview = self._credentials.mask(" ".join(str(response).split()))[:120]
            raise self._error(
                None, f"answered with something other than a chat completion: {preview!r}"
            )
        if response.usage is not None:
            usage.prompt_tokens += response.usage.prompt_tokens
            usage.completion_tokens += response.usage.completion_tokens
        if not response.choices:
            return ""
        return response.choices[0].message.content or ""

    def _error(self, error: Exception | None, what: str, hint: str = "") -> ModelError:
        detail = f": {_message_of(error, self._credentials.mask)}" if error is not None else ""
        # A server may echo the key (or the base URL's query, where some gateways take it).
        return ModelError(self._credentials.mask(f"{self.where} {what}{detail}{hint}"))


class Credentials(Secrets):
    """The API key and whatever credentials the base URL carries (``user:password@``, the values
    of its query, e.g. ``?api-key=``), masked as ``***`` in every form (quoted, encoded…)."""

    def __init__(self, settings: Settings, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        values = [str(settings.values.get("webagent_api_key") or ""), parts.password or ""]
        values += [value for _, value in parse_qsl(parts.query) + parse_qsl(parts.fragment)]
        super().__init__({f"c{number}": value for number, value in enumerate(values) if value})

    def placeholder(self, name: str) -> str:
        return "***"


def _without_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part, which some proxies put in base URLs, and
    without its query and fragment (some gateways take the key there: ``?api-key=``)."""
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        parts = parts._replace(query="…" if parts.query else "", fragment="")
    if parts.username is None and parts.password is None:
        return urlunsplit(parts)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=f"***@{netloc}"))


def _memo_key(model: str, messages: list[dict[str, str]]) -> str:
    payload = json.dumps({"model": model, "messages": messages}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _requests_made(error: openai.APIError) -> int:
    """How many HTTP requests a failed exchange took (the last one says how many retries it is)."""
    request = getattr(error, "request", None)
    retries = request.headers.get("x-stainless-retry-count", "0") if request is not None else "0"
    return 1 + int(retries) if retries.isdigit() else 1


def _about_format(error: openai.BadRequestError) -> bool:
    return "response_format" in str(error) or "json_schema" in str(error)


def _message_of(error: Exception, mask: Callable[[str], str]) -> str:
    """The server's message for a failed request, masked before it is cut to length."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return mask(str(inner["message"]))[:300]
    text = mask(str(error))
    return text.splitlines()[0][:300] if text else type(error).__name__
