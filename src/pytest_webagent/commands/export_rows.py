"""The parametrize rows of one case as one exported test with ``@pytest.mark.parametrize``.

Each row is exported with its parametrize values as arguments of the test (``plan`` instead of
``"Free"``). When every row gives the same code, which is what a case whose rows differ only in
their values records, the rows become one test and a ``@pytest.mark.parametrize`` with a
``pytest.param(..., id=...)`` per row, keeping the node ids of the plugin (``test_x[free]``).
A value the rows recorded differently although their steps hold no placeholder for it (the
option value "free" a select shows after `Select "{{ plan }}"`) becomes one more argument of the
test (``value_1``), given per row. Rows that recorded different actions (a row whose page showed
something else) stay tests of their own: written as one, some rows would run another row's
actions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pytest_webagent.cases.model import Case
from pytest_webagent.cases.templating import render
from pytest_webagent.commands.export_case import CaseNotExportable, ExportedCase, export_case
from pytest_webagent.commands.layout import Doc, arguments, string_literal
from pytest_webagent.commands.layout import render as render_doc
from pytest_webagent.commands.locator_code import Imports
from pytest_webagent.commands.playwright_code import parameter_name
from pytest_webagent.replay.trajectory import TrajectoryFile


def export_rows(
    rows: list[Case],
    trajectory: TrajectoryFile,
    function_name: str,
    where: str,
    imports: Imports,
    out: Path | None = None,
) -> ExportedCase | None:
    """One parametrized test for the ``rows`` of a case, or None when the rows cannot share one
    (they recorded different code, or one of them cannot be exported: then each row is exported
    on its own, and says why)."""
    parameters = frozenset(name for row in rows for name in row.params)
    if len(rows) < 2 or not parameters:
        return None
    unified, recorded = _unified(rows, trajectory, parameters)
    exported = _each_row(rows, unified, function_name, where, out, parameters | set(recorded[0]))
    if exported is None:
        return None
    # Only the recorded values the code uses (a differing signature field is not in it).
    used = {name for name in recorded[0] if re.search(rf"\b{name}\b", exported[0][0].source)}
    values = [{**_as_text(row), **{n: v for n, v in own.items() if n in used}}
              for row, own in zip(rows, recorded, strict=True)]  # fmt: skip
    exported = _each_row(rows, unified, function_name, where, out, parameters | used)
    if exported is None:
        return None
    first, row_imports = exported[0]
    imports.modules |= row_imports.modules
    return ExportedCase(
        parametrize_decorator(rows, values) + "\n" + first.source,
        first.warnings,
        uses_pytest=True,
        uses_suppress=first.uses_suppress,
    )


def _each_row(
    rows: list[Case],
    trajectory: TrajectoryFile,
    function_name: str,
    where: str,
    out: Path | None,
    parameters: frozenset[str],
) -> list[tuple[ExportedCase, Imports]] | None:
    """Each row's test with ``parameters`` as arguments; None unless they are all the same."""
    exported = []
    try:
        for row in rows:
            row_imports = Imports()
            test = export_case(row, trajectory, function_name, where, row_imports, out, parameters)
            exported.append((test, row_imports))
    except CaseNotExportable:
        return None
    if any(test.source != exported[0][0].source for test, _ in exported[1:]):
        return None
    return exported


# Keys of recorded entries whose strings the exported code writes as values (not locator code).
VALUE_KEYS = frozenset({"value", "text", "url", "name", "url_path"})


def _unified(
    rows: list[Case], trajectory: TrajectoryFile, taken: frozenset[str]
) -> tuple[TrajectoryFile, list[dict[str, str]]]:
    """The rows' entries with each value they recorded differently made a placeholder
    (``{{ value_1 }}``), and each row's value of each such placeholder."""
    recorded: list[dict[str, str]] = [{} for _ in rows]
    merge = _Merge([_as_text(row) for row in rows], recorded, taken)
    entries: list[list[Any]] = [[] for _ in rows]
    for index, _ in enumerate(rows[0].steps):
        found = [trajectory.lookup(row.item_name, row.steps[index]) for row in rows
                 if index < len(row.steps)]  # fmt: skip
        if len(found) != len(rows) or any(entry is None for entry in found):
            continue  # export_case reports the missing entry
        for row_entries, entry in zip(entries, merge(found, None), strict=True):
            row_entries.append(entry)
    cases = {row.item_name: own for row, own in zip(rows, entries, strict=True)}
    return TrajectoryFile(trajectory.path, cases), recorded


class _Merge:
    """The entries of the rows, walked side by side, made the same where only values differ."""

    def __init__(
        self,
        row_values: list[dict[str, str]],
        recorded: list[dict[str, str]],
        taken: frozenset[str],
    ) -> None:
        self.row_values, self.recorded, self.taken = row_values, recorded, taken

    def __call__(self, items: list[Any], key: str | None) -> list[Any]:
        if all(item == items[0] for item in items[1:]):
            return items
        if all(isinstance(item, dict) and item.keys() == items[0].keys() for item in items):
            merged = {k: self([item[k] for item in items], k) for k in items[0]}
            return [{k: values[i] for k, values in merged.items()} for i in range(len(items))]
        if all(isinstance(item, list) and len(item) == len(items[0]) for item in items):
            columns = [self([item[i] for item in items], key) for i in range(len(items[0]))]
            return [[column[row] for column in columns] for row in range(len(items))]
        if not all(isinstance(item, str) and "{{" not in item for item in items):
            return items
        # A row's own parametrize value written into the string (a check's locator
        # `get_by_text("Plan: Free")`): its placeholder, if that makes the rows' strings one.
        own_values = zip(items, self.row_values, strict=True)
        placed = [_placeholders(item, own) for item, own in own_values]
        if all(item == placed[0] for item in placed[1:]):
            return placed
        if key not in VALUE_KEYS:
            return items
        number = len(self.recorded[0]) + 1
        while f"{key}_{number}" in self.taken:
            number += 1
        name = f"{key}_{number}"
        for own, item in zip(self.recorded, items, strict=True):
            own[name] = item
        return ["{{ " + name + " }}"] * len(items)


def _placeholders(text: str, values: dict[str, str]) -> str:
    for name, value in sorted(values.items(), key=lambda item: -len(item[1])):
        if value:
            text = text.replace(value, "{{ " + name + " }}")
    return text


def parametrize_decorator(rows: list[Case], values: list[dict[str, str]]) -> str:
    """``@pytest.mark.parametrize(...)`` with one ``pytest.param`` per row, laid out as ruff
    formats it (the list keeps one row a line: its trailing comma is "magic")."""
    names = sorted({name for row_values in values for name in row_values})
    argnames = [string_literal(parameter_name(name)) for name in names]
    argument = argnames[0] if len(argnames) == 1 else "(" + ", ".join(argnames) + ")"
    lines = ["@pytest.mark.parametrize(", f"    {argument},", "    ["]
    for row, row_values in zip(rows, values, strict=True):
        texts: list[Doc] = [string_literal(row_values.get(name, "")) for name in names]
        param: Doc = ("pytest.param", arguments([*texts, ("id=", string_literal(row.param_id))]))
        lines.append(render_doc(param, 2) + ",")
    lines += ["    ],", ")"]
    return "\n".join(lines)


def _as_text(row: Case) -> dict[str, str]:
    """The row's values as steps are given them (``true`` for a YAML true, as templating does)."""
    return {name: render("{{ " + name + " }}", row.params) for name in row.params}
