"""Builders for scripted replies and planned actions: ``from pytest_webagent.testing import reply``.

Answers (:func:`act`, :func:`done`, :func:`no_match`, :func:`verdict`, :func:`answer`) become a
200 chat completion whose message content is the planner-answer JSON. :func:`text` and
:func:`json` send arbitrary content; :func:`http_error` and :func:`delay` script faults.
Action targets are :func:`~pytest_webagent.testing.element` placeholders, :func:`unknown_ref`,
or raw ref strings.
"""

from __future__ import annotations

import json as _json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Literal

from pytest_webagent.testing.script import (
    Action,
    Answer,
    Content,
    Delay,
    HttpError,
    Reply,
    Target,
    UnknownRef,
)

Status = Literal["continue", "done", "no_match"]
_REASON = "scripted by the test server"


def act(
    *actions: Action | Mapping[str, Any], status: Status = "done", reason: str = _REASON
) -> Answer:
    """Answer with ``actions`` (builders below, or raw dicts sent as-is) and ``status``."""
    return Answer(status, reason, tuple(actions))


def done(reason: str = _REASON) -> Answer:
    """``status: done`` without actions (the step is already satisfied)."""
    return Answer("done", reason)


def no_match(reason: str = "nothing on the page matches the step") -> Answer:
    """``status: no_match`` with ``reason``."""
    return Answer("no_match", reason)


def verdict(outcome: Literal["pass", "fail"], reason: str = _REASON) -> Answer:
    """Judge-step answer: ``status: done`` with ``verdict`` ``"pass"`` or ``"fail"``."""
    return Answer("done", reason, verdict=outcome)


def answer(
    status: str,
    reason: str = _REASON,
    actions: list[Action | Mapping[str, Any]] | None = None,
    verdict: str | None = None,
) -> Answer:
    """Any answer, unchecked (e.g. ``answer("continue")`` without actions is invalid)."""
    return Answer(status, reason, None if actions is None else tuple(actions), verdict)


def text(content: str) -> Content:
    """Send ``content`` verbatim as the message content (e.g. not JSON at all)."""
    return Content(content)


def json(obj: object) -> Content:
    """Send ``obj`` JSON-encoded as the message content, whatever its shape."""
    return Content(_json.dumps(obj))


_ERROR_CODES = {401: "invalid_api_key", 404: "not_found", 429: "rate_limit_exceeded"}


def http_error(
    status: int,
    message: str | None = None,
    *,
    retry_after: float | None = None,
    error_type: str | None = None,
    code: str | None = None,
) -> HttpError:
    """Answer with HTTP ``status`` and an OpenAI-style ``{"error": {...}}`` body.

    ``retry_after`` (seconds) is sent as both ``retry-after-ms`` and ``retry-after``. The
    openai client honours it only when it is > 0 (and <= 120 s); with ``0`` it falls back to
    its own backoff of about 0.5 s, so use e.g. ``0.01`` for fast tests.
    """
    if not 400 <= status <= 599:
        raise ValueError("http_error status must be 4xx or 5xx")
    if message is None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        message = f"test server: scripted HTTP {status} {phrase}"
    if error_type is None:
        error_type = "requests" if status == 429 else "server_error" if status >= 500 else None
        error_type = error_type or "invalid_request_error"
    return HttpError(status, message, error_type, code or _ERROR_CODES.get(status), retry_after)


def delay(seconds: float, *, then: Reply) -> Delay:
    """Sleep ``seconds`` (0..30) in the server thread, then answer with ``then``.

    Stopping the server cuts the sleep short. Use it to trigger client timeouts.
    """
    return Delay(seconds, then)


def unknown_ref() -> UnknownRef:
    """A target ref that is not in the request's snapshot (e.g. ``e1007``)."""
    return UnknownRef()


def action(type: str, target: Target | None = None, **fields: Any) -> Action:
    """Any planned action, unchecked: ``action("press", element("textbox", "Q"), key="Enter")``."""
    return Action(type, target, fields)


def navigate(url: str) -> Action:
    """Go to ``url`` (absolute, or a path relative to the base URL)."""
    return Action("navigate", fields={"url": url})


def click(target: Target) -> Action:
    """Click ``target``."""
    return Action("click", target)


def fill(target: Target, value: str) -> Action:
    """Fill ``target`` with ``value``."""
    return Action("fill", target, {"value": value})


def select(target: Target, value: str) -> Action:
    """Select the option ``value`` in ``target``."""
    return Action("select", target, {"value": value})


def check(target: Target) -> Action:
    """Check the checkbox or radio ``target``."""
    return Action("check", target)


def uncheck(target: Target) -> Action:
    """Uncheck the checkbox ``target``."""
    return Action("uncheck", target)


def hover(target: Target) -> Action:
    """Hover over ``target``."""
    return Action("hover", target)


def double_click(target: Target) -> Action:
    """Double-click ``target``."""
    return Action("double_click", target)


def right_click(target: Target) -> Action:
    """Right-click ``target`` (opens its context menu)."""
    return Action("right_click", target)


def drag(target: Target, destination: Target) -> Action:
    """Drag ``target`` and drop it on ``destination``."""
    return Action("drag", target, {"destination": destination})


def upload(target: Target, file: str) -> Action:
    """Upload ``file`` (relative to the case file) into the file input ``target``."""
    return Action("upload", target, {"file": file})


def type_slowly(target: Target, value: str, delay: int = 50) -> Action:
    """Type ``value`` into ``target`` key by key, ``delay`` ms apart."""
    return Action("type", target, {"value": value, "delay": delay})


def scroll_into_view(target: Target) -> Action:
    """Scroll until ``target`` is in view."""
    return Action("scroll_into_view", target)


def remember(target: Target, name: str, *, value: bool = False, secret: bool = False) -> Action:
    """Remember ``target``'s text (an input's value with ``value=True``) as ``{{ name }}``."""
    fields: dict[str, Any] = {"name": name, "property": "value" if value else "text"}
    return Action("remember", target, {**fields, **({"secret": True} if secret else {})})


def switch_tab(title: str) -> Action:
    """Switch to the tab whose title or URL contains ``title``."""
    return Action("switch_tab", fields={"title": title})


def close_tab() -> Action:
    """Close the current tab (the case goes on in the tab it came from)."""
    return Action("close_tab")


def press(key: str, target: Target | None = None) -> Action:
    """Press a Playwright key (``"Enter"``, ``"Control+A"``), on ``target`` if given."""
    return Action("press", target, {"key": key})


def wait_for(target: Target, state: str | None = None) -> Action:
    """Wait for ``target`` to reach ``state`` (visible, hidden, attached, detached)."""
    return Action("wait_for", target, {} if state is None else {"state": state})


def expect_visible(target: Target) -> Action:
    """Check that ``target`` is visible."""
    return Action("expect_visible", target)


def expect_hidden(target: Target) -> Action:
    """Check that ``target`` is hidden."""
    return Action("expect_hidden", target)


def expect_text(text: str, target: Target | None = None) -> Action:
    """Check that ``text`` is visible (inside ``target`` when given)."""
    return Action("expect_text", target, {"text": text})


def expect_value(target: Target, value: str) -> Action:
    """Check that the input ``target`` has ``value``."""
    return Action("expect_value", target, {"value": value})


def expect_url(value: str, match: str | None = None) -> Action:
    """Check the page URL against ``value`` (``match``: contains, equals, regex)."""
    return Action("expect_url", fields=_compare(value, match))


def expect_title(value: str, match: str | None = None) -> Action:
    """Check the page title against ``value`` (``match``: contains, equals, regex)."""
    return Action("expect_title", fields=_compare(value, match))


def _compare(value: str, match: str | None) -> dict[str, str]:
    return {"value": value} if match is None else {"value": value, "match": match}


def expect_count(target: Target, count: int, role: str | None = None) -> Action:
    """Check the count of ``target`` matches, or of ``role`` elements inside ``target``."""
    return Action(
        "expect_count", target, {"count": count, **({} if role is None else {"role": role})}
    )
