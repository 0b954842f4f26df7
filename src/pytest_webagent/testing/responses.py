"""Turning scripted replies into OpenAI-shaped HTTP responses."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_webagent.testing.prompt import ChatRequest
from pytest_webagent.testing.script import Action, Answer, Element, HttpError, Target, UnknownRef
from pytest_webagent.testing.snapshot import AriaNode, find_ref, parse_aria_snapshot


@dataclass(frozen=True)
class Outcome:
    """Status, JSON body and extra headers of one response."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def error(
    status: int,
    message: str,
    error_type: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
) -> Outcome:
    """An OpenAI-style error response."""
    body = {"error": {"message": message, "type": error_type, "param": param, "code": code}}
    return Outcome(status, body)


def from_http_error(reply: HttpError) -> Outcome:
    """Render a scripted :class:`HttpError`, including retry headers."""
    outcome = error(reply.status, reply.message, reply.type, reply.code)
    if reply.retry_after is not None:
        seconds = max(reply.retry_after, 0.0)
        outcome.headers["retry-after-ms"] = str(round(seconds * 1000))
        outcome.headers["retry-after"] = f"{seconds:g}"
    return outcome


def models_list(model: str) -> dict[str, Any]:
    """Body of ``GET /v1/models``."""
    return {"object": "list", "data": [model_object(model)]}


def model_object(model: str) -> dict[str, Any]:
    """One model entry."""
    return {"id": model, "object": "model", "created": 0, "owned_by": "pytest-webagent"}


def chat_completion(
    chat: ChatRequest, content: str, model: str, completion_id: str
) -> dict[str, Any]:
    """A non-streaming ``chat.completion`` object; tokens are estimated as ceil(chars / 4)."""
    prompt_tokens = math.ceil(chat.prompt_chars / 4)
    completion_tokens = math.ceil(len(content) / 4)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def default_answer(chat: ChatRequest) -> Answer:
    """What a request matching no rule gets."""
    return Answer("no_match", f"test server has no rule for step '{chat.step or ''}'")


class _Unresolved(Exception):
    pass


def _resolve(target: Target, nodes: list[AriaNode] | None) -> dict[str, str]:
    if isinstance(target, str):
        return {"ref": target}
    if isinstance(target, UnknownRef):
        refs = {node.ref for node in nodes or []}
        number = 1000
        while f"e{number}" in refs:
            number += 1
        return {"ref": f"e{number}"}
    if nodes is None:
        raise _Unresolved(f"test server: no page snapshot in the prompt to find element {target}")
    ref = find_ref(nodes, target.role, target.name, target.nth)
    if ref is None:
        raise _Unresolved(f"test server: element {target} is not in the page snapshot")
    return {"ref": ref}


def _action(action: Action | Mapping[str, Any], nodes: list[AriaNode] | None) -> dict[str, Any]:
    if isinstance(action, Action):
        result: dict[str, Any] = {"type": action.type}
        if action.target is not None:
            result["target"] = _resolve(action.target, nodes)
        # A second element (a drag's destination) is a placeholder too.
        result.update(
            {key: _resolve(value, nodes) if isinstance(value, (Element, UnknownRef)) else value
             for key, value in action.fields.items()}
        )  # fmt: skip
        return result
    result = dict(action)
    if isinstance(result.get("target"), (Element, UnknownRef)):
        result["target"] = _resolve(result["target"], nodes)
    return result


def answer_content(answer: Answer, chat: ChatRequest) -> str:
    """JSON content for ``answer``, with element placeholders resolved against the snapshot.

    If an element cannot be found, the content is a ``no_match`` answer saying so.
    """
    nodes = parse_aria_snapshot(chat.snapshot) if chat.snapshot is not None else None
    body: dict[str, Any] = {"status": answer.status, "reason": answer.reason}
    try:
        if answer.actions is not None:
            body["actions"] = [_action(action, nodes) for action in answer.actions]
    except _Unresolved as missing:
        body = {"status": "no_match", "reason": str(missing)}
    else:
        if answer.verdict is not None:
            body["verdict"] = answer.verdict
    return json.dumps(body)
