"""One recorded action as a statement of plain Playwright code, doing what the executor does.

``executor.py`` is the reference: the same method per action type, ``expect`` assertions for
checks, ``to_contain_text(..., use_inner_text=True)`` for text, ``.first.wait_for`` for waits,
and "contains" URL and title checks as an escaped regular expression.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .layout import Doc, arguments, string_literal
from .locator_code import Imports, Segment, chain, parse_locator

Action = dict[str, Any]
ValueCode = Callable[[str], Doc]  # a recorded value (placeholders and all) -> an expression

TARGET_METHODS = {
    "click": "click",
    "fill": "fill",
    "select": "select_option",
    "check": "check",
    "uncheck": "uncheck",
    "hover": "hover",
    "press": "press",
}
TAKES_VALUE = {"fill", "select"}
CHECKS = {
    "expect_visible": "to_be_visible",
    "expect_hidden": "to_be_hidden",
    "expect_value": "to_have_value",
    "expect_count": "to_have_count",
    "expect_text": "to_contain_text",
}


def literal_value(value: str) -> Doc:
    """The recorded value as it is, placeholders included (for showing, not for running)."""
    return string_literal(value)


def action_statement(
    action: Action, value_code: ValueCode, imports: Imports, timeout_ms: int | None = None
) -> Doc:
    """The statement performing ``action`` (raises ``UnsupportedLocator`` for unsafe code)."""
    kind = action["type"]
    timeout: list[Doc] = [f"timeout={timeout_ms}"] if timeout_ms is not None else []
    if kind == "navigate":
        return chain("page", [Segment("goto", (value_code(action["url"]), *timeout))])
    if kind in ("expect_url", "expect_title"):
        method = "to_have_url" if kind == "expect_url" else "to_have_title"
        expected = _pattern(action, value_code, imports)
        return chain("expect", [Segment(method, (expected, *timeout))], root_args=["page"])
    if kind == "press" and "target" not in action:
        key = string_literal(action["key"])
        return chain("page", [Segment("keyboard"), Segment("press", (key, *timeout))])
    if kind == "expect_text" and "target" not in action:
        target = [Segment("locator", (string_literal("body"),))]
    else:
        target = parse_locator(action["target"]["code"], imports)
    if kind in CHECKS:
        expected_args: list[Doc] = []
        if kind == "expect_value":
            expected_args.append(value_code(action["value"]))
        elif kind == "expect_count":
            expected_args.append(str(int(action["count"])))
        elif kind == "expect_text":
            expected_args += [value_code(action["text"]), "use_inner_text=True"]
        subject = chain("page", target, fluent_if_long=True)
        check = Segment(CHECKS[kind], (*expected_args, *timeout))
        return chain("expect", [check], root_args=[subject])
    if kind == "wait_for":
        state = string_literal(action.get("state", "visible"))
        wait = [Segment("first"), Segment("wait_for", (("state=", state), *timeout))]
        return chain("page", [*target, *wait])
    if kind not in TARGET_METHODS:
        raise ValueError(f"unknown action type {kind!r}")
    method_args: list[Doc] = []
    if kind in TAKES_VALUE:
        method_args.append(value_code(action["value"]))
    elif kind == "press":
        method_args.append(string_literal(action["key"]))
    return chain("page", [*target, Segment(TARGET_METHODS[kind], (*method_args, *timeout))])


def _pattern(action: Action, value_code: ValueCode, imports: Imports) -> Doc:
    """What the executor compares a URL or title with: equals, regex, or contains (default)."""
    expected = value_code(action["value"])
    match = action.get("match", "contains")
    if match == "equals":
        return expected
    imports.modules.add("re")
    if match == "regex":
        return ("re.compile", arguments([expected]))
    return ("re.compile", arguments([("re.escape", arguments([expected]))]))
