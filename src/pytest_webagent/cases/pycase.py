"""A Python test as a case for the same runner as YAML cases.

``@webagent.case`` leaves a ``CaseSpec`` on the test function. When the test runs, ``build_case``
turns it (or, without the decorator, the test item alone) into a ``Case``, and every step, declared
in the decorator or called on the agent, becomes a ``Step`` keyed as YAML steps are: kind, text as
written, occurrence. A Python test's key in its module's trajectory is its node id without the
module path (``test_login[alice]``, ``TestCart::test_total``).
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_webagent.cases.casefile import NAN_PROBLEM, find_nan, problem
from pytest_webagent.cases.model import Case, Step, StepKind, step_kind_and_template
from pytest_webagent.cases.templating import TemplateError, render
from pytest_webagent.compat import parameter_ids
from pytest_webagent.errors import CaseDefinitionError, Location
from pytest_webagent.schemas import validator_for

SPEC_ATTRIBUTE = "__webagent_case__"
STEP_KINDS = {"do": StepKind.ACTION, "expect": StepKind.ASSERTION, "judge": StepKind.JUDGE}
Occurrences = Counter[tuple[StepKind, str]]


@dataclass(frozen=True)
class StepDraft:
    """A step as written in Python, before the test's parameter values are filled in."""

    kind: StepKind
    text: str
    source: Path
    line: int
    timeout: float | None = None
    optional: bool = False


@dataclass(frozen=True)
class CaseSpec:
    """What ``@webagent.case`` declared on a test function."""

    location: Location  # where the decorator is
    name: str | None = None
    url: str | None = None
    description: str = ""
    steps: tuple[StepDraft, ...] = ()
    # from_file: the file's case for each of its parametrize row ids ("" when not parametrized)
    file_cases: Mapping[str, Case] = field(default_factory=dict)


def draft(raw: Any, where: Location, what: str) -> StepDraft:
    """A step given as YAML gives it (a string, or ``{"do"|"expect"|"judge": text, ...}``)."""
    __tracebackhide__ = True
    if find_nan(raw) is not None:
        raise CaseDefinitionError(f"{where}: {what}: {NAN_PROBLEM}")
    from jsonschema.exceptions import best_match  # on first use, as in schemas/__init__.py

    invalid = best_match(validator_for("case.schema.json", "step").iter_errors(raw))
    if invalid is not None:
        raise CaseDefinitionError(f"{where}: {what}: {problem(invalid)}")
    if isinstance(raw, str):
        return StepDraft(StepKind.ACTION, raw, where.path, where.line)
    key = next(k for k in STEP_KINDS if k in raw)
    timeout = float(raw["timeout"]) if "timeout" in raw else None
    optional = bool(raw.get("optional", False))
    return StepDraft(STEP_KINDS[key], raw[key], where.path, where.line, timeout, optional)


def make_step(draft: StepDraft, values: Mapping[str, Any], occurrences: Occurrences) -> Step:
    """The step the runner runs; ``occurrences`` counts the case's steps so far."""
    kind, template = step_kind_and_template(draft.kind, draft.text)
    try:
        text = render(template, values)
    except TemplateError as error:
        raise CaseDefinitionError(f"{Location(draft.source, draft.line)}: {error}") from None
    step = Step(
        kind=kind,
        template=template,
        text=text,
        line=draft.line,
        occurrence=occurrences[(kind, template)],
        timeout=draft.timeout,
        optional=draft.optional,
        source=draft.source,
    )
    occurrences[(kind, template)] += 1
    return step


def spec_of(item: pytest.Item) -> CaseSpec | None:
    spec = getattr(getattr(item, "function", None), SPEC_ATTRIBUTE, None)
    return spec if isinstance(spec, CaseSpec) else None


def case_id_of(item: pytest.Function) -> str:
    """The key of a Python test in its module's trajectory: its node id without the module
    path, and without the browser pytest-playwright runs it in (``TestCart::test_total[eur]``).

    The same steps drive every browser, as for YAML cases, so ``--browser firefox`` replays what
    was recorded in Chromium (each action's target is verified first all the same).
    """
    inside = item.nodeid.split("::", 1)[-1]
    base = inside[: len(inside) - len(item.name)] + item.originalname
    ids = _ids_without_browser(item)
    return f"{base}[{'-'.join(ids)}]" if ids else base


def _ids_without_browser(item: pytest.Function) -> list[str]:
    ids = parameter_ids(item)
    callspec = getattr(item, "callspec", None)
    browser = callspec.params.get("browser_name") if callspec is not None else None
    if browser is not None and str(browser) in ids:
        ids.remove(str(browser))
    return ids


def values_of(item: pytest.Item) -> dict[str, Any]:
    """What ``{{ name }}`` placeholders of a Python test's steps stand for: its parameters."""
    callspec = getattr(item, "callspec", None)
    values = dict(callspec.params) if callspec is not None else {}
    # Not the test's own: the row of a from_file case, pytest-playwright's browser.
    values.pop("agent", None)
    values.pop("browser_name", None)
    return values


def build_case(item: pytest.Function, spec: CaseSpec | None, row: str | None) -> Case:
    """The case a Python test runs, with the steps its decorator declared (if any)."""
    if spec is not None and spec.file_cases:
        return spec.file_cases[row or ""]
    function = inspect.unwrap(item.function)
    values = values_of(item)
    occurrences: Occurrences = Counter()
    if spec is None:
        spec = CaseSpec(Location(item.path, function.__code__.co_firstlineno))
    return Case(
        # A named case shows its rows as YAML cases do: "Sign in works[alice]".
        name=spec.name or case_id_of(item),
        param_id="-".join(_ids_without_browser(item)) if spec.name else "",
        location=spec.location,
        steps=tuple(make_step(draft, values, occurrences) for draft in spec.steps),
        description=spec.description or inspect.getdoc(function) or "",
        url=_render_url(spec, values),
    )


def _render_url(spec: CaseSpec, values: Mapping[str, Any]) -> str | None:
    if spec.url is None:
        return None
    try:
        return render(spec.url, values)
    except TemplateError as error:
        raise CaseDefinitionError(f"{spec.location}: url: {error}") from None
