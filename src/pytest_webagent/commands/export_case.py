"""One case (one parametrize row) and its recorded entries as a plain pytest-playwright test.

The test does what replay does, minus the identity checks: open the case's URL, then run each
step's recorded actions with the case's values substituted. Secrets stay out of the code: a
``{{ secrets.NAME }}`` becomes ``os.environ["WEBAGENT_SECRET_NAME"]``. A step the trajectory lacks
fails the export of the case (a test that silently skips a step would pass for the wrong reason);
a ``judge:`` step, which needs a model at every run, becomes a comment and a warning.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from ..model import Case, Step, StepKind
from ..templating import PLACEHOLDER, SECRET_PREFIX
from ..trajectory import TrajectoryFile, step_values
from .layout import INDENT, Break, Doc, group, render, string_literal
from .locator_code import Imports, Segment, UnsupportedLocator, chain
from .marks import mark_decorators
from .playwright_code import action_statement

SECRET_ENVIRONMENT_PREFIX = "WEBAGENT_SECRET_"
COMMENT_WIDTH = 88


class CaseNotExportable(Exception):
    """The case cannot become a faithful test; the message says which step and why."""


@dataclass
class ExportedCase:
    source: str  # the test function, or "" when the case could not be exported
    warnings: list[str] = field(default_factory=list)
    uses_pytest: bool = False  # marks
    uses_suppress: bool = False  # optional steps


def export_case(
    case: Case, trajectory: TrajectoryFile, function_name: str, where: str, imports: Imports
) -> ExportedCase:
    """``where``: how the case file is named in messages and docstrings."""
    values: dict[str, str] = {}
    for step in case.steps:
        values.update(step_values(step))
    builder = _Builder(case, values, imports)
    body: list[str] = [_docstring(case, where)]
    if case.url:
        body.append(render(chain("page", [Segment("goto", (builder.value(case.url),))]), 1))
    previous_path: str | None = None
    page_changed = False
    warnings: list[str] = []
    for number, step in enumerate(case.steps, 1):
        label = f"{where}:{step.line}: case {case.item_name!r}, step {number} {step.text!r}"
        body += _comment(_step_title(step), 1)
        if step.kind is StepKind.JUDGE:
            body += _comment("not exported: a model judges this step at every run", 1)
            warnings.append(f"{label}: judge step not exported (a model judges it at every run)")
            continue
        entry = trajectory.lookup(case.item_name, step)
        if entry is None and step.optional:
            body += _comment("not exported: this optional step was never recorded", 1)
            warnings.append(f"{label}: optional step has no recorded entry; left as a comment")
            continue
        if entry is None:
            raise CaseNotExportable(
                f"{label}: no recorded entry in {trajectory.path}; record it first with "
                f"`pytest --webagent {where}`"
            )
        url_path = entry.get("url_path")
        page_changed |= previous_path is not None and url_path not in (None, previous_path)
        previous_path = url_path or previous_path
        if page_changed and step.kind is StepKind.ACTION:
            # Replay lets a page that the previous step opened load its scripts before acting.
            body.append(
                render(chain("page", [Segment("wait_for_load_state", ('"domcontentloaded"',))]), 1)
            )
            page_changed = False
        level = 2 if step.optional else 1
        if step.optional:
            body.append(f"{INDENT}with suppress(AssertionError, Error):")
        timeout = round(step.timeout * 1000) if step.timeout is not None else None
        for action in entry["actions"]:
            try:
                statement = action_statement(action, builder.value, imports, timeout)
            except (UnsupportedLocator, _MissingValue) as problem:
                raise CaseNotExportable(f"{label}: {problem}") from None
            body.append(render(statement, level))
    signature = f"def {function_name}(page: Page) -> None:"
    try:
        decorators = mark_decorators(case)
    except ValueError as problem:
        where_case = f"{where}:{case.location.line}: case {case.item_name!r}"
        raise CaseNotExportable(f"{where_case}: {problem}") from None
    uses_suppress = any(step.optional for step in case.steps)
    source = "\n".join([*decorators, signature, *body]) + "\n"
    return ExportedCase(source, warnings, bool(decorators), uses_suppress)


class _MissingValue(ValueError):
    pass


@dataclass
class _Builder:
    case: Case
    values: dict[str, str]
    imports: Imports

    def value(self, recorded: str) -> Doc:
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
                variable = SECRET_ENVIRONMENT_PREFIX + name[len(SECRET_PREFIX) :]
                pieces.append(f"os.environ[{string_literal(variable)}]")
                self.imports.modules.add("os")
            elif name in self.values:
                text += self.values[name]
            else:
                raise _MissingValue(f"no value for the placeholder {match.group(0)}")
        text += recorded[position:]
        if text or not pieces:
            pieces.append(string_literal(text))
        joined: list[Doc] = [pieces[0]]
        for piece in pieces[1:]:
            joined += [Break.SPACE, "+ ", piece]
        return group(*joined) if len(pieces) > 1 else pieces[0]


def _step_title(step: Step) -> str:
    prefix = {StepKind.ACTION: "", StepKind.ASSERTION: "expect: ", StepKind.JUDGE: "judge: "}
    optional = " (optional: its failure does not fail the test)" if step.optional else ""
    return f"{prefix[step.kind]}{step.text}{optional}"


def _comment(text: str, level: int) -> list[str]:
    width = COMMENT_WIDTH - len(INDENT) * level - 2
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [f"{INDENT * level}# {line}" for line in lines or [""]]


def _docstring(case: Case, where: str) -> str:
    summary = f"{case.item_name} ({where}:{case.location.line})"
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
