"""The Python API: ``from pytest_webagent import webagent``, then ``@webagent.case(...)``.

A decorated test function is a webagent case: its declared steps (or the named case of a YAML
file) run before the body, in the test's ``page``, and the body can go on with plain Playwright
and with the ``agent`` fixture. Everything a YAML case has applies: trajectories, modes, drift
checks, Allure steps and the summary.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import pytest

from pytest_webagent.agent import Agent, run_declared_steps
from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.cases.declared import declared_lines
from pytest_webagent.cases.model import Case
from pytest_webagent.cases.pycase import SPEC_ATTRIBUTE, CaseSpec, StepDraft, draft
from pytest_webagent.errors import CaseDefinitionError, CaseFileError, Location

__all__ = ["Agent", "StepSpec", "case"]

StepSpec: TypeAlias = str | Mapping[str, Any]
"""A step as in YAML: ``'Click "Sign in"'``, or ``{"expect": '"Welcome" is visible'}``,
``{"do": ..., "timeout": 5}``, ``{"judge": ..., "optional": True}``."""

TestFunction = TypeVar("TestFunction", bound=Callable[..., Any])


def case(
    name: str | None = None,
    *,
    steps: Sequence[StepSpec] = (),
    url: str | None = None,
    description: str = "",
    from_file: str | os.PathLike[str] | None = None,
) -> Callable[[TestFunction], TestFunction]:
    """Make a test function a webagent case.

    Args:
        name: The case's name in reports and failures (default: the test's name). With
            ``from_file``, the name of the case to run from that file.
        steps: Natural-language steps run before the function body, as in a YAML case.
        url: The page to open first: a path relative to ``--base-url``, or a full URL.
        description: What the case checks; also the goal a model plans with (default: the
            function's docstring).
        from_file: A YAML case file (relative to the test module) whose case ``name`` runs
            before the body, with its url, steps, tags, marks, fixtures and parametrize rows.

    The test gets the ``agent`` fixture whether it asks for it or not; ask for it to add steps
    in the body. ``{{ name }}`` in steps and ``url`` stands for the test's parameter ``name``.
    The test's trajectory is ``__trajectories__/<module>.py.json`` beside the test module,
    under the test's id (``test_login[alice]``).
    """
    __tracebackhide__ = True  # a mistake is shown at the decorator, not in this module
    caller = sys._getframe(1)
    where = Location(Path(caller.f_code.co_filename), caller.f_lineno)
    if from_file is not None:
        if name is None or steps or url is not None or description:
            raise CaseDefinitionError(
                f"{where}: from_file= takes the name of a case in that file, and nothing else "
                "(its url, steps and description come from the file)"
            )
        spec = _file_spec(where, Path(from_file), name)
    else:
        if name is not None and not name.strip():
            raise CaseDefinitionError(f"{where}: a case name may not be blank")
        lines = declared_lines(str(where.path), where.line, len(steps))
        drafts: list[StepDraft] = []
        for index, (raw, line) in enumerate(zip(steps, lines, strict=True)):
            drafts.append(draft(raw, Location(where.path, line), f"steps[{index}]"))
        spec = CaseSpec(where, name, url, description, tuple(drafts))

    def decorate(function: TestFunction) -> TestFunction:
        if not inspect.isfunction(function):
            raise CaseDefinitionError(f"{where}: @webagent.case decorates test functions")
        return _with_case(function, spec)

    return decorate


def _file_spec(where: Location, path: Path, name: str) -> CaseSpec:
    __tracebackhide__ = True
    path = path if path.is_absolute() else where.path.parent / path
    if not path.is_file():
        raise CaseDefinitionError(f"{where}: from_file: no case file {path}")
    cases = _load(path)
    rows = {case.param_id: case for case in cases if case.name == name}
    if not rows:
        known = ", ".join(repr(name) for name in dict.fromkeys(case.name for case in cases))
        raise CaseDefinitionError(f"{where}: {path} has no case named {name!r} (it has {known})")
    return CaseSpec(where, name, file_cases=rows)


def _load(path: Path) -> list[Case]:
    """The cases of ``path``; a broken file is reported by its own error, with no traceback."""
    __tracebackhide__ = True
    failure: CaseFileError | None = None
    try:
        return load_cases(path)
    except CaseFileError as error:
        failure = error
    raise failure.with_traceback(None)


def _with_case(function: TestFunction, spec: CaseSpec) -> TestFunction:
    """``function`` behind a wrapper that asks for the agent and runs the declared steps first."""
    signature = inspect.signature(function)
    passes_agent = "agent" in signature.parameters
    parameters = list(signature.parameters.values())
    if not passes_agent:
        position = next(
            (i for i, p in enumerate(parameters) if p.kind is p.VAR_KEYWORD), len(parameters)
        )
        parameters.insert(position, inspect.Parameter("agent", inspect.Parameter.KEYWORD_ONLY))

    @functools.wraps(function)
    def webagent_case(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        agent = kwargs["agent"] if passes_agent else kwargs.pop("agent")
        run_declared_steps(agent)
        return function(*args, **kwargs)

    # pytest reads the fixtures a test asks for from its signature.
    webagent_case.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    setattr(webagent_case, SPEC_ATTRIBUTE, spec)
    decorated: Callable[..., Any] = webagent_case
    if spec.file_cases:
        first = next(iter(spec.file_cases.values()))
        if first.usefixtures:
            decorated = pytest.mark.usefixtures(*first.usefixtures)(decorated)
        if first.uses_state:  # before `page`: the browser context starts from the saved state
            decorated = pytest.mark.usefixtures("webagent_case_state")(decorated)
        rows = list(spec.file_cases)
        if rows != [""]:
            # Each row of the file's case is a parameter of the agent, with the row's id.
            decorated = pytest.mark.parametrize("agent", rows, ids=rows, indirect=True)(decorated)
    return decorated  # type: ignore[return-value]
