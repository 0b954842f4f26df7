"""A case's tags, ``marks:`` and ``usefixtures:`` as ``@pytest.mark`` decorators of its test.

Tags are marks too, so ``-m smoke`` keeps selecting the same tests. The plugin declares tags as
markers by itself; exported tests need them in the ``markers`` ini option under
``--strict-markers`` (see docs/cli.md).
"""

from __future__ import annotations

from typing import Any

from pytest_webagent.cases.model import Case
from pytest_webagent.commands.layout import Doc, arguments, render, string_literal


def mark_decorators(case: Case) -> list[str]:
    decorators: list[Doc] = [f"@pytest.mark.{tag}" for tag in case.tags]
    for mark in case.marks:
        args: list[Doc] = [_literal(value) for value in mark.args]
        args += [(f"{key}=", _literal(value)) for key, value in mark.kwargs.items()]
        name = f"@pytest.mark.{mark.name}"
        decorators.append((name, arguments(args)) if args else name)
    if case.usefixtures:
        names: list[Doc] = [string_literal(name) for name in case.usefixtures]
        decorators.append(("@pytest.mark.usefixtures", arguments(names)))
    return [render(decorator, 0) for decorator in decorators]


def _literal(value: Any) -> Doc:
    """A YAML value as Python source (containers on one line: marks rarely hold long ones)."""
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flat(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_flat(key)}: {_flat(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    raise ValueError(f"a mark argument of type {type(value).__name__} cannot be exported")


def _flat(value: Any) -> str:
    literal = _literal(value)
    return literal if isinstance(literal, str) else render(literal, 0, width=10**6)
