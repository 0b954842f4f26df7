"""The locator code a trajectory records (``get_by_role("button", name="Sign in")``) as a chain.

Exported tests run this code, and a trajectory is a file anyone can edit: the code is parsed, not
pasted. Only a chain of Playwright's locator-building methods with literal arguments (strings,
numbers, booleans, ``re.compile`` of a literal) is accepted; anything else, ``evaluate(...)`` or a
call of another function, is refused with ``UnsupportedLocator``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from pytest_webagent.commands.layout import Break, Doc, arguments, group, string_literal

# Methods and properties of Page / Locator / FrameLocator that build a locator and do nothing else.
LOCATOR_METHODS = frozenset(
    {
        "locator",
        "get_by_role",
        "get_by_text",
        "get_by_label",
        "get_by_placeholder",
        "get_by_alt_text",
        "get_by_title",
        "get_by_test_id",
        "filter",
        "nth",
        "and_",
        "or_",
        "frame_locator",
    }
)
LOCATOR_PROPERTIES = frozenset({"first", "last", "content_frame", "owner"})
REGEX_FLAGS = frozenset(flag.name for flag in re.RegexFlag if flag.name)


class UnsupportedLocator(ValueError):
    """Recorded locator code that is not a plain chain of locator-building calls."""


@dataclass(frozen=True)
class Segment:
    """``.name`` or ``.name(args)`` in a chain."""

    name: str
    args: tuple[Doc, ...] | None = None  # None: an attribute, not a call


@dataclass
class Imports:
    """Modules the generated code uses (``re``, ``os``), collected while building it."""

    modules: set[str] = field(default_factory=set)


def parse_locator(code: str, imports: Imports) -> list[Segment]:
    """The segments of ``code`` after ``page``, outermost last."""
    try:
        node: ast.expr = ast.parse(code.strip(), mode="eval").body
    except SyntaxError:
        raise UnsupportedLocator(f"{code!r} is not a Python expression") from None
    segments: list[Segment] = []
    while True:
        args = _arguments(node, code, imports) if isinstance(node, ast.Call) else None
        func = node.func if isinstance(node, ast.Call) else node
        if isinstance(func, ast.Attribute):
            name, inner = func.attr, func.value
        elif isinstance(func, ast.Name) and args is not None:
            name, inner = func.id, None
        else:
            raise UnsupportedLocator(f"{code!r} is not a chain of locator methods")
        allowed = LOCATOR_METHODS if args is not None else LOCATOR_PROPERTIES
        if name not in allowed:
            raise UnsupportedLocator(f"{code!r} uses {name!r}, which does not build a locator")
        segments.append(Segment(name, args))
        if inner is None:
            return segments[::-1]
        node = inner


def chain(
    root: str,
    segments: list[Segment],
    fluent_if_long: bool = False,
    root_args: list[Doc] | None = None,
) -> Doc:
    """``root.a(...).b`` (or ``root(...).a(...)``) laid out as ruff does: inside parentheses, a
    chain with two or more segments that follow a call breaks before each of them when it does
    not fit on a line of its own ("fluent" style)."""
    called = [root_args is not None] + [segment.args is not None for segment in segments]
    fluent = fluent_if_long and sum(called[: len(segments)]) >= 2
    parts: list[Doc] = [root] if root_args is None else [root, arguments(root_args)]
    for segment, after_call in zip(segments, called, strict=False):
        if fluent and after_call:
            parts.append(Break.SOFT)
        parts.append("." + segment.name)
        if segment.args is not None:
            parts.append(arguments(list(segment.args)))
    return group(*parts) if fluent else tuple(parts)


def _arguments(call: ast.Call, code: str, imports: Imports) -> tuple[Doc, ...]:
    docs = [_literal(arg, code, imports) for arg in call.args]
    for keyword in call.keywords:
        if keyword.arg is None:
            raise UnsupportedLocator(f"{code!r} unpacks arguments (**)")
        docs.append((f"{keyword.arg}=", _literal(keyword.value, code, imports)))
    return tuple(docs)


def _literal(node: ast.expr, code: str, imports: Imports) -> Doc:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return string_literal(node.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, type(None))):
        return repr(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        number = node.operand.value if isinstance(node.operand, ast.Constant) else None
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return repr(-number)
    if _is_re_compile(node):
        assert isinstance(node, ast.Call)
        imports.modules.add("re")
        args: list[Doc] = [_literal(node.args[0], code, imports)]
        args += [_flags(flag, code) for flag in node.args[1:]]
        return ("re.compile", arguments(args))
    raise UnsupportedLocator(f"{code!r} has an argument that is not a literal value")


def _is_re_compile(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) == ("re", "compile")
        and 1 <= len(node.args) <= 2
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _flags(node: ast.expr, code: str) -> str:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return f"{_flags(node.left, code)} | {_flags(node.right, code)}"
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "re"
        and node.attr in REGEX_FLAGS
    ):
        return f"re.{node.attr}"
    raise UnsupportedLocator(f"{code!r} passes re.compile flags that are not re.<FLAG>")
