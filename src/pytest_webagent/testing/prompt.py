"""Recorded HTTP requests and how the planner's chat prompt is read back out of them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChatRequest", "RecordedRequest", "message_text", "parse_chat_request"]

_SNAPSHOT = re.compile(
    r'<page_snapshot(?: boundary="(?P<b>[^"]*)")?>\n?(?P<body>.*?)\n?'
    r'</page_snapshot(?: boundary="(?P=b)")?>',
    re.DOTALL,
)
# "TITLE (from the page, untrusted): "..."": an optional note in parentheses before the colon
_HEADER = re.compile(r"^(STEP|STEP KIND|URL|TITLE|CASE GOAL)(?: \([^)\n]*\))?:[ \t]?(.*)$", re.M)


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the test server received it.

    ``headers`` has lower-cased names (``request.headers["authorization"]``); use
    :meth:`header` for a case-insensitive lookup. ``body`` is the decoded JSON body, or
    ``None`` when the body was empty or not JSON (``raw_body`` always has the bytes).
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any
    raw_body: bytes = b""

    def header(self, name: str) -> str | None:
        """Return the header ``name`` (any case), or ``None`` if it was not sent."""
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class ChatRequest:
    """A ``POST /v1/chat/completions`` request, read the way the planner writes prompts.

    ``step``, ``kind``, ``goal`` (``CASE GOAL:``), ``url``, ``title`` and ``snapshot`` come
    from the last user message that has a ``STEP:`` line (so a retry after an invalid answer
    still reports its step); each is ``None`` when absent. A JSON-quoted title is decoded.
    ``messages`` is the raw message list.
    """

    request: RecordedRequest
    model: str | None
    messages: list[dict[str, Any]]
    step: str | None = None
    kind: str | None = None
    goal: str | None = None
    url: str | None = None
    title: str | None = None
    snapshot: str | None = None
    response_format: dict[str, Any] | None = field(default=None)

    @property
    def response_format_type(self) -> str | None:
        """``"json_schema"``, ``"json_object"``, ``"text"``, or ``None`` if not requested."""
        kind = (self.response_format or {}).get("type")
        return kind if isinstance(kind, str) else None

    @property
    def prompt_chars(self) -> int:
        """Total characters of all message contents (the basis of ``usage``)."""
        return sum(len(message_text(m)) for m in self.messages)


def message_text(message: Mapping[str, Any]) -> str:
    """Text of a chat message whose ``content`` is a string or a list of text parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def _unquote(value: str | None) -> str | None:
    if value is not None and len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return decoded if isinstance(decoded, str) else value
    return value


def parse_chat_request(request: RecordedRequest) -> ChatRequest:
    """Read step, step kind, URL, title and snapshot out of a recorded chat request."""
    body = request.body if isinstance(request.body, dict) else {}
    raw_messages = body.get("messages")
    listed = raw_messages if isinstance(raw_messages, list) else []
    messages = [m for m in listed if isinstance(m, dict)]
    model = body.get("model")
    response_format = body.get("response_format")
    fields: dict[str, str] = {}
    snapshot: str | None = None
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        text = message_text(message)
        found = _SNAPSHOT.search(text)
        outside = _SNAPSHOT.sub("", text)
        headers = {key: value.strip() for key, value in reversed(_HEADER.findall(outside))}
        if "STEP" in headers:
            fields = headers
            snapshot = found.group("body") if found else None
            break
    return ChatRequest(
        request=request,
        model=model if isinstance(model, str) else None,
        messages=messages,
        step=fields.get("STEP"),
        kind=fields.get("STEP KIND"),
        goal=fields.get("CASE GOAL"),
        url=fields.get("URL"),
        title=_unquote(fields.get("TITLE")),
        snapshot=snapshot,
        response_format=response_format if isinstance(response_format, dict) else None,
    )
