"""Where each step of ``@webagent.case(steps=[...])`` is written, for failures to point at.

A Python list keeps no line numbers; the decorator call's source does. It is read back (from
``linecache``, as tracebacks read it) and parsed once per module.
"""

from __future__ import annotations

import ast
import functools
import linecache


def declared_lines(filename: str, call_line: int, count: int) -> list[int]:
    """The line of each item of the ``steps=[...]`` list of the decorator called on
    ``call_line``; ``call_line`` for every step when the source does not say."""
    if not count:
        return []
    try:
        tree = _parsed("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return [call_line] * count
    found: ast.List | ast.Tuple | None = None
    start = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if not node.lineno <= call_line <= (node.end_lineno or node.lineno):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg != "steps" or not isinstance(value, (ast.List, ast.Tuple)):
                continue
            # The innermost call around the line is the decorator's.
            if len(value.elts) == count and node.lineno >= start:
                found, start = value, node.lineno
    if found is None:
        return [call_line] * count
    return [element.lineno for element in found.elts]


@functools.lru_cache(maxsize=16)
def _parsed(source: str) -> ast.Module:
    """A module's syntax tree, parsed once for all the decorators in it."""
    return ast.parse(source)
