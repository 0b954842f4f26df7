"""The model exchange over any OpenAI-compatible API.

* The ``openai`` client is built on first use: runs whose steps are all replayed or explicit never
  construct one (and need no key).
* Structured output is asked for as a JSON schema; a server that refuses that gets ``json_object``,
  then plain text (the answer parser finds the JSON). The level that worked is kept.
* Answers are memoised in the working store by a hash of model, format and messages.
* Errors name the endpoint and the model, never the key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openai

from .errors import ModelError
from .settings import Settings

if TYPE_CHECKING:
    from .store import WorkingStore

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
        self._client: openai.OpenAI | None = None
        self._format_level = 0

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.endpoint,
                api_key=str(self.settings.values["webagent_api_key"] or NO_KEY),
                timeout=self.settings.float_value("webagent_llm_timeout"),
                max_retries=self.settings.int_value("webagent_llm_retries"),
            )
        return self._client

    def complete(self, messages: list[dict[str, str]], usage: Usage) -> str:
        """The model's answer text for ``messages``; accounts calls and tokens in ``usage``."""
        key = _memo_key(self.model, messages)
        if self.store is not None:
            remembered = self.store.memo_get(key)
            if isinstance(remembered, str):
                usage.memo_hits += 1
                return remembered
        while True:
            try:
                text = self._request(messages, usage)
                break
            except openai.BadRequestError as error:
                if self._format_level < len(FORMATS) - 1 and _about_format(error):
                    self._format_level += 1  # the server does not do this format: ask plainer
                    continue
                raise self._error(error, "rejected the request (400)") from None
            except openai.APITimeoutError:
                seconds = self.settings.float_value("webagent_llm_timeout")
                raise self._error(None, f"did not answer within {seconds:g}s") from None
            except openai.APIConnectionError as error:
                raise self._error(error, "is unreachable") from None
            except openai.AuthenticationError:
                # The server's message may quote part of the key: leave it out.
                raise self._error(None, "refused the API key (401); check OPENAI_API_KEY") from None
            except openai.RateLimitError as error:
                raise self._error(error, "kept rate-limiting (429) after the retries") from None
            except openai.APIStatusError as error:
                raise self._error(error, f"answered HTTP {error.status_code}") from None
        return text

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
        usage.calls += 1
        response = self.client.chat.completions.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=0,
            **extra,
        )
        if response.usage is not None:
            usage.prompt_tokens += response.usage.prompt_tokens
            usage.completion_tokens += response.usage.completion_tokens
        if not response.choices:
            return ""
        return response.choices[0].message.content or ""

    def _error(self, error: Exception | None, what: str) -> ModelError:
        detail = f": {_message_of(error)}" if error is not None else ""
        return ModelError(f"model {self.model!r} at {self.endpoint} {what}{detail}")


def _memo_key(model: str, messages: list[dict[str, str]]) -> str:
    payload = json.dumps({"model": model, "messages": messages}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _about_format(error: openai.BadRequestError) -> bool:
    return "response_format" in str(error) or "json_schema" in str(error)


def _message_of(error: Exception) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
    return str(error).splitlines()[0][:300] if str(error) else type(error).__name__
