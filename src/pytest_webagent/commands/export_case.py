"""One case (one parametrize row) and its recorded entries as a plain pytest-playwright test.

The test does what replay does, minus the identity checks: open the case's URL, then run each
step's recorded actions with the case's values substituted. Secrets stay out of the code: a
``{{ secrets.NAME }}`` becomes ``os.environ["WEBAGENT_SECRET_NAME"]``. A step the trajectory lacks
fails the export of the case (a test that silently skips a step would pass for the wrong reason);
a ``judge:`` step, which needs a model at every run, becomes a comment and a warning.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from pytest_webagent.cases.model import Case, Step, StepKind
from pytest_webagent.cases.templating import PLACEHOLDER, remembered_name
from pytest_webagent.commands.effect_code import effect_comments, effect_statements
from pytest_webagent.commands.layout import INDENT, render, string_literal
from pytest_webagent.commands.locator_code import Imports, Segment, UnsupportedLocator, chain
from pytest_webagent.commands.marks import mark_decorators
from pytest_webagent.commands.more_code import action_lines
from pytest_webagent.commands.playwright_code import (
    Action,
    CaseValues,
    MissingValue,
    parameter_name,
)
from pytest_webagent.replay.trajectory import TrajectoryFile, step_values
from pytest_webagent.resolve.optional import OPTIONAL_WAIT_MS

COMMENT_WIDTH = 88


class CaseNotExportable(Exception):
    """The case cannot become a faithful test; the message says which step and why."""


@dataclass
class ExportedCase:
    source: str  # the test function, decorators included
    warnings: list[str] = field(default_factory=list)
    uses_pytest: bool = False  # marks
    uses_suppress: bool = False  # optional steps


def export_case(
    case: Case,
    trajectory: TrajectoryFile,
    function_name: str,
    where: str,
    imports: Imports,
    out: Path | None = None,
    parameters: frozenset[str] = frozenset(),
) -> ExportedCase:
    """``where``: how the case file is named in messages and docstrings; ``out``: the folder
    of the exported module (uploaded files are found from there); ``parameters``: the names of
    the case's parametrize values, which the test then takes as arguments (one test for every
    row, export_rows.py) instead of having the row's values written in."""
    try:
        decorators = mark_decorators(case)
    except ValueError as problem:
        where_case = f"{where}:{case.location.line}: case {case.item_name!r}"
        raise CaseNotExportable(f"{where_case}: {problem}") from None
    body = _TestBody(case, trajectory, where, imports, out, parameters)
    for number, step in enumerate(case.steps, 1):
        body.add_step(number, step)
    arguments = "".join(f", {parameter_name(name)}: str" for name in sorted(parameters))
    signature = f"def {function_name}(page: Page{arguments}) -> None:"
    source = "\n".join([*decorators, signature, *body.lines]) + "\n"
    return ExportedCase(source, body.warnings, bool(decorators), body.uses_suppress)


class _TestBody:
    """The lines of one test function's body, step after step."""

    def __init__(
        self,
        case: Case,
        trajectory: TrajectoryFile,
        where: str,
        imports: Imports,
        out: Path | None,
        parameters: frozenset[str] = frozenset(),
    ):
        values: dict[str, str] = {}
        for step in case.steps:
            values.update(step_values(step))
        if parameters and case.url and case.url_template:  # the values the url was given too
            url_as_step = Step(StepKind.ACTION, case.url_template, case.url, case.url_line, 0)
            values.update(step_values(url_as_step))
        self.case, self.trajectory, self.where, self.imports = case, trajectory, where, imports
        remembered = frozenset(filter(None, (remembered_name(s.template) for s in case.steps)))
        files_from = os.path.relpath(case.location.path.parent.resolve(), (out or Path()).resolve())
        self.values = CaseValues(
            values, imports, remembered, Path(files_from).as_posix(), parameters
        )
        self.lines = [_docstring(case, where, every_row=bool(parameters))]
        self.warnings: list[str] = []
        self.uses_suppress = False
        self._page: str | None = None  # path the last recorded step started on
        self._page_changed = False
        if case.url:
            url = case.url_template if parameters and case.url_template else case.url
            goto = Segment("goto", (self.values.expression(url),))
            self.lines.append(render(chain("page", [goto]), 1))

    def add_step(self, number: int, step: Step) -> None:
        label = f"{self.where}:{step.line}: case {self.case.item_name!r}, step {number} "
        label += repr(step.text)
        self.lines += _comment(_step_title(step, self._shown(step)), 1)
        if step.kind is StepKind.JUDGE:
            self.lines += _comment("not exported: a model judges this step at every run", 1)
            self.warnings.append(
                f"{label}: judge step not exported (a model judges it at every run)"
            )
            return
        entry = self.trajectory.lookup(self.case.item_name, step)
        if entry is None and step.optional:
            self.lines += _comment("not exported: this optional step was never recorded", 1)
            self.warnings.append(f"{label}: optional step has no recorded entry; left as a comment")
            return
        if entry is None:
            raise CaseNotExportable(
                f"{label}: no recorded entry in {self.trajectory.path}; record it first with "
                f"`pytest --webagent {self.where}`"
            )
        self._settle(entry.get("url_path"), step)
        level = 1
        if step.optional:
            self.lines.append(f"{INDENT}with suppress(AssertionError, Error):")
            self.uses_suppress, level = True, 2
        timeout = round(step.timeout * 1000) if step.timeout is not None else None
        for action in entry["actions"]:
            try:
                self.lines += self._action_lines(action, timeout, level)
            except (UnsupportedLocator, MissingValue) as problem:
                raise CaseNotExportable(f"{label}: {problem}") from None
        if any(action.get("optional") for action in entry["actions"]):
            # Replay waits for no effect when an optional action ran differently from the
            # recording; a plain test cannot tell, so it checks none.
            self.lines += _comment("effect not exported: an optional action may not run", level)
        else:
            self._effect(entry.get("effect"), label, level)

    def _action_lines(self, action: Action, timeout: int | None, level: int) -> list[str]:
        """An optional action (``Click "Cancel" if it appears``) acts when its target shows
        within the bound the case gives it, and is skipped otherwise, as replay does."""
        if not action.get("optional"):
            return action_lines(action, self.values, self.imports, timeout, level)
        bound = round(OPTIONAL_WAIT_MS if timeout is None else min(timeout, OPTIONAL_WAIT_MS))
        self.uses_suppress = True
        return [
            f"{INDENT * level}with suppress(Error):  # only if it appears within {bound} ms",
            *action_lines(action, self.values, self.imports, bound, level + 1),
        ]

    def _shown(self, step: Step) -> str:
        """The step's text; in a test for every row, with the row's values left as placeholders
        (``Select "{{ plan }}"``), as the test takes them."""
        parameters = self.values.parameters
        if not parameters:
            return step.text
        values = step_values(step)

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return match.group(0) if name in parameters else values.get(name, match.group(0))

        return PLACEHOLDER.sub(value, step.template)

    def _effect(self, effect: dict[str, object] | None, label: str, level: int) -> None:
        """What replay waits for after the step's actions, as checks (effect_code.py)."""
        try:
            checks = effect_statements(effect, self.values.expression, self.imports)
        except (UnsupportedLocator, MissingValue) as problem:
            raise CaseNotExportable(f"{label}: {problem}") from None
        self.lines += [render(check, level) for check in checks]
        for note in effect_comments(effect):
            self.lines += _comment(note, level)

    def _settle(self, url_path: str | None, step: Step) -> None:
        """Replay lets a page that the previous step opened load its scripts before acting."""
        if url_path is not None:
            self._page_changed |= self._page is not None and url_path != self._page
            self._page = url_path
        if self._page_changed and step.kind is StepKind.ACTION:
            wait = Segment("wait_for_load_state", (string_literal("domcontentloaded"),))
            self.lines.append(render(chain("page", [wait]), 1))
            self._page_changed = False


def _step_title(step: Step, text: str) -> str:
    prefix = {StepKind.ACTION: "", StepKind.ASSERTION: "expect: ", StepKind.JUDGE: "judge: "}
    optional = " (optional: its failure does not fail the test)" if step.optional else ""
    return f"{prefix[step.kind]}{text}{optional}"


def _comment(text: str, level: int) -> list[str]:
    width = COMMENT_WIDTH - len(INDENT) * level - 2
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [f"{INDENT * level}# {line}" for line in lines or [""]]


def _docstring(case: Case, where: str, *, every_row: bool = False) -> str:
    summary = f"{case.name if every_row else case.item_name} ({where}:{case.location.line})"
    if not case.description:
        return f'{INDENT}"""{_escape(summary)}"""'
    paragraphs = [" ".join(p.split()) for p in case.description.split("\n\n") if p.strip()]
    lines = [f'{INDENT}"""{_escape(summary)}']
    for paragraph in paragraphs:
        lines.append("")
        wrapped = textwrap.wrap(_escape(paragraph), COMMENT_WIDTH - len(INDENT))
        lines += [INDENT + line for line in wrapped]
    return "\n".join([*lines, f'{INDENT}"""'])


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
