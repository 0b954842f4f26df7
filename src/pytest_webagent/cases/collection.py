"""Case files become pytest items: one ``CaseItem`` (a ``pytest.Function``) per case and row.

Items are Functions built around a generated test function so that fixtures, marks, ``-k``,
``--lf`` and xdist work through pytest's public machinery (custom Items get no fixtures).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest._code.code import TerminalRepr

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.cases.model import Case
from pytest_webagent.errors import CaseFileError, StepFailed, WebagentError
from pytest_webagent.replay.trajectory import TRAJECTORY_DIR
from pytest_webagent.secret_values import Secrets
from pytest_webagent.session import SESSION_KEY

CASE_SUFFIXES = (".yaml", ".yml")
CaseRunnerFn = Callable[[Case, Any, pytest.FixtureRequest, Secrets], None]


def is_case_file(path: Path, rootpath: Path, ignore: tuple[str, ...]) -> bool:
    if path.suffix not in CASE_SUFFIXES or TRAJECTORY_DIR in path.parts:
        return False
    try:
        relative = path.relative_to(rootpath).as_posix()
    except ValueError:
        relative = path.as_posix()
    return not any(fnmatch.fnmatch(relative, pattern) for pattern in ignore)


class CaseFile(pytest.File):
    def collect(self) -> Iterator[CaseItem]:
        run_case = self.config.stash[SESSION_KEY].run_case
        try:
            cases = load_cases(self.path)
        except CaseFileError as error:
            raise self.CollectError(str(error)) from None
        for case in cases:
            register_tags(self.config, case)
            yield CaseItem.from_parent(
                self,
                name=case.item_name,
                callobj=_test_function(case, run_case),
                case=case,
            )


class CaseItem(pytest.Function):
    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.location.line - 1, f"case: {self.case.item_name}"

    def repr_failure(  # type: ignore[override]  # pytest.Function drops the `style` argument
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        # Our failures already say file, line, step and why; a traceback into generated code
        # would only hide that.
        report = failure_report(self.config, excinfo.value)
        if report is not None:
            return report
        traceback = super().repr_failure(excinfo)
        secrets = self.funcargs.get("webagent_case_secrets")
        # A traceback may show locals (--showlocals) or source lines holding a secret's value.
        return (
            secrets.mask(str(traceback)) if isinstance(secrets, Secrets) and secrets else traceback
        )


def failure_report(config: pytest.Config, error: BaseException) -> str | None:
    """How a case's failure is shown, in place of a traceback into the code that ran its steps
    (None: pytest's usual report)."""
    if isinstance(error, StepFailed):
        report = str(error)
        cause = error.__cause__
        if cause is not None and (config.get_verbosity() > 1 or config.option.fulltrace):
            # -vv: what Playwright said in full, call log included.
            report += f"\n\ncaused by {type(cause).__name__}:\n{str(cause).rstrip()}"
        return report
    if isinstance(error, WebagentError) and not config.getoption("fulltrace"):
        return f"{type(error).__name__}: {error}"
    return None


def mark_item(item: pytest.Item, case: Case) -> None:
    """Give ``item`` the tags and marks of ``case`` (a YAML case a Python test runs)."""
    register_tags(item.config, case)
    for mark in case_marks(case):
        item.add_marker(mark)


def register_tags(config: pytest.Config, case: Case) -> None:
    """Tags are markers the user never declared; declare them so --strict-markers accepts them."""
    declared = {line.split(":")[0].strip() for line in config.getini("markers")}
    for tag in case.tags:
        if tag not in declared:
            config.addinivalue_line("markers", f"{tag}: tag of webagent cases")


def case_marks(case: Case) -> list[pytest.MarkDecorator]:
    """The tags and marks of a case as pytest marks (its tags must be registered first)."""
    marks = [getattr(pytest.mark, tag) for tag in case.tags]
    marks += [getattr(pytest.mark, m.name).with_args(*m.args, **m.kwargs) for m in case.marks]
    return marks


def _test_function(case: Case, run_case: CaseRunnerFn) -> Callable[..., None]:
    # webagent_case_secrets comes first: a missing secret is reported before the page opens.
    # webagent_case_state before page too: it gives the context the state the case uses.
    def webagent_case(
        webagent_case_secrets: Secrets,
        webagent_case_state: None,
        page: Any,
        request: pytest.FixtureRequest,
    ) -> None:
        run_case(case, page, request, webagent_case_secrets)

    function: Callable[..., None] = webagent_case
    for mark in case_marks(case):
        function = mark(function)
    if case.usefixtures:
        function = pytest.mark.usefixtures(*case.usefixtures)(function)
    return function
