"""One recorded action as a statement of plain Playwright code, doing what the executor does.

``executor.py`` is the reference: the same method per action type, ``expect`` assertions for
checks, ``to_contain_text(..., use_inner_text=True)`` for text, ``.first.wait_for`` for waits,
and "contains" URL and title checks as an escaped regular expression.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_webagent.cases.templating import PLACEHOLDER, SECRET_PREFIX
from pytest_webagent.commands.layout import Break, Doc, arguments, group, indent, string_literal
from pytest_webagent.commands.locator_code import Imports, Segment, chain, parse_locator
from pytest_webagent.secret_values import ENVIRONMENT_PREFIX

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
        target = target_segments(action["target"]["code"], value_code, imports)
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


def target_segments(code: str, value_code: ValueCode, imports: Imports) -> list[Segment]:
    """The locator chain of recorded ``code``; a name holding a placeholder (a value remembered
    from the page) becomes an expression of the test's variables."""
    segments = parse_locator(code, imports)
    if "{{" not in code:
        return segments
    return [
        Segment(s.name, None if s.args is None else tuple(_valued(a, value_code) for a in s.args))
        for s in segments
    ]


def _valued(argument: Doc, value_code: ValueCode) -> Doc:
    if isinstance(argument, tuple) and len(argument) == 2 and isinstance(argument[0], str):
        return (argument[0], _valued(argument[1], value_code))  # a keyword argument
    if isinstance(argument, str) and argument[:1] in "'\"" and PLACEHOLDER.search(argument):
        return value_code(ast.literal_eval(argument))
    return argument


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


# Names the exported test already uses: a remembered value named so gets a prefix.
TAKEN_NAMES = frozenset(
    {"page", "expect", "os", "re", "pytest", "suppress", "Error", "Page", "popup", "tab"}
)


def variable_name(name: str) -> str:
    """The Python variable that holds a remembered value in an exported test."""
    return f"remembered_{name}" if name in TAKEN_NAMES else name


def parameter_name(name: str) -> str:
    """The argument of an exported test that holds a parametrize value named ``name``."""
    return f"param_{name}" if name in TAKEN_NAMES else name


class MissingValue(ValueError):
    """A recorded value holds a placeholder the case does not define."""


@dataclass
class CaseValues:
    """The values of a case's placeholders, for turning recorded values into expressions."""

    values: dict[str, str]
    imports: Imports
    remembered: frozenset[str] = frozenset()  # values the test reads from the page, by name
    files_from: str = "."  # the case file's folder, from the exported module's
    # Placeholders filled by `@pytest.mark.parametrize`: arguments of the test, not literals.
    parameters: frozenset[str] = frozenset()

    def expression(self, recorded: str) -> Doc:
        """A recorded value with the case's values substituted; secrets read from the
        environment when the test runs, never written into it."""
        pieces: list[Doc] = []
        text, position = "", 0
        for match in PLACEHOLDER.finditer(recorded):
            text += recorded[position : match.start()]
            position = match.end()
            name = match.group(1)
            if name.startswith(SECRET_PREFIX):
                if text:
                    pieces.append(string_literal(text))
                text = ""
                variable = ENVIRONMENT_PREFIX + name[len(SECRET_PREFIX) :]
                key = group("[", indent(Break.SOFT, string_literal(variable)), Break.SOFT, "]")
                pieces.append(("os.environ", key))
                self.imports.modules.add("os")
            elif name in self.remembered or name in self.parameters:  # a variable of the test
                if text:
                    pieces.append(string_literal(text))
                text = ""
                remembered = name in self.remembered
                pieces.append(variable_name(name) if remembered else parameter_name(name))
            elif name in self.values:
                text += self.values[name]
            else:
                raise MissingValue(f"no value for the placeholder {match.group(0)}")
        text += recorded[position:]
        if text or not pieces:
            pieces.append(string_literal(text))
        joined: list[Doc] = [pieces[0]]
        for piece in pieces[1:]:
            joined += [Break.SPACE, "+ ", piece]
        return group(*joined) if len(pieces) > 1 else pieces[0]
