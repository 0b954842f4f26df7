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
from pytest_webagent.cases.model import Case, StepKind
from pytest_webagent.cases.recognise import CASE_SUFFIXES, looks_like_case_file
from pytest_webagent.errors import CaseFileError, Location, StepFailed, WebagentError
from pytest_webagent.replay.trajectory import TRAJECTORY_DIR
from pytest_webagent.secret_values import Secrets
from pytest_webagent.session import SESSION_KEY

# Given to every case with a `judge:` step: a judge always asks the model, so a replay-only CI run
# deselects them with -m "not webagent_judge" (or runs only them where a model is configured).
JUDGE_MARK = "webagent_judge"
JUDGE_MARK_HELP = (
    f"{JUDGE_MARK}: the case has judge: steps, which always ask the model (automatic; deselect "
    f'with -m "not {JUDGE_MARK}" where no model is configured)'
)
SKIPPED = ("node_modules", "venv", "build", "dist")  # and dot folders: as pytest's norecursedirs
_NAMED = pytest.StashKey[set[Path]]()
CaseRunnerFn = Callable[[Case, Any, pytest.FixtureRequest, Secrets], None]


def is_case_file(
    path: Path, rootpath: Path, ignore: tuple[str, ...], *, named: bool = False
) -> bool:
    """Whether to collect ``path`` as a case file. A YAML file found in a folder must look like
    one (``recognise``); one ``named`` on the command line is read whatever it holds, so that a
    mistake in it is reported rather than the file skipped."""
    if path.suffix not in CASE_SUFFIXES or TRAJECTORY_DIR in path.parts:
        return False
    try:
        relative = path.relative_to(rootpath).as_posix()
    except ValueError:
        relative = path.as_posix()
    if any(fnmatch.fnmatch(relative, pattern) for pattern in ignore):
        return False
    return named or looks_like_case_file(path)


def named_on_command_line(config: pytest.Config, path: Path) -> bool:
    if _NAMED not in config.stash:
        config.stash[_NAMED] = named_paths(config)
    return path.resolve() in config.stash[_NAMED]


def named_paths(config: pytest.Config) -> set[Path]:
    """The files and folders given as arguments on the command line, resolved."""
    base = config.invocation_params.dir
    return {(base / arg.split("::")[0]).resolve() for arg in config.args}


def yaml_arguments(config: pytest.Config) -> list[str]:
    """Arguments naming a YAML file (``cases/x.yaml``, ``cases/x.yaml::case``)."""
    return [arg for arg in config.args if arg.split("::")[0].endswith(CASE_SUFFIXES)]


def missing_flag_hint(config: pytest.Config) -> list[str]:
    """For a run that collected nothing without --webagent: the case files it left out."""
    found = uncollected_case_files(config)
    if not found:
        return []
    shown = ", ".join(_shown(path, config) for path in found) + (", …" if len(found) == 3 else "")
    return [
        f"webagent: YAML case files are here ({shown}) but were not collected: run with "
        "--webagent, or set `webagent = true` in the [pytest] section of the ini file"
    ]


def missing_flag_error(config: pytest.Config) -> str | None:
    """The usage error for YAML files named on the command line without --webagent."""
    named = yaml_arguments(config)
    if not named:
        return None
    return (
        f"{', '.join(named)}: YAML case files are collected only with --webagent (or "
        "`webagent = true` in the [pytest] section of the ini file)"
    )


def _shown(path: Path, config: pytest.Config) -> str:
    try:
        return path.relative_to(config.invocation_params.dir).as_posix()
    except ValueError:
        return str(path)


def uncollected_case_files(config: pytest.Config, limit: int = 3) -> list[Path]:
    """A few case files under the command line's folders, for the hint of a run that collected
    nothing without --webagent (at most ``limit``: the walk stops there)."""
    found: list[Path] = []
    for path in sorted(named_paths(config)):
        candidates = path.rglob("*") if path.is_dir() else [path]
        for candidate in candidates:
            parts = candidate.relative_to(path).parts if path.is_dir() else ()
            if any(part.startswith(".") or part in SKIPPED for part in parts):
                continue
            if is_case_file(candidate, config.rootpath, ()):
                found.append(candidate)
                if len(found) == limit:
                    return found
    return found


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
                self, name=case.item_name, callobj=_test_function(case, run_case), case=case
            )


class CaseItem(pytest.Function):
    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        _check_usefixtures(self)
        super().setup()

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


def _check_usefixtures(item: CaseItem) -> None:
    """A fixture named in ``usefixtures:`` that does not exist is an error of that case, at the
    line of the name (the file's other cases run); pytest's own error would point into the
    plugin's generated test function."""
    found = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", None)
    if found is None:  # pytest changed its internals: its own error at setup still applies
        return
    case = item.case
    for name, line in zip(case.usefixtures, case.usefixtures_lines, strict=False):
        if name not in found:
            error = CaseFileError(
                Location(case.location.path, line),
                f"fixture {name!r} not found (`pytest --fixtures {case.location.path.name}` lists "
                "the fixtures available to it)",
                "usefixtures",
            )
            pytest.fail(str(error), pytrace=False)


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
    if not case.tags:
        return  # most cases: no need to read the declared markers again
    declared = {line.split(":")[0].strip() for line in config.getini("markers")}
    for tag in case.tags:
        if tag not in declared:
            config.addinivalue_line("markers", f"{tag}: tag of webagent cases")


def case_marks(case: Case) -> list[pytest.MarkDecorator]:
    """The tags and marks of a case as pytest marks (its tags must be registered first)."""
    marks = [getattr(pytest.mark, tag) for tag in case.tags]
    marks += [getattr(pytest.mark, m.name).with_args(*m.args, **m.kwargs) for m in case.marks]
    if any(step.kind is StepKind.JUDGE for step in case.steps):
        marks.append(getattr(pytest.mark, JUDGE_MARK))
    return marks


def _test_function(case: Case, run_case: CaseRunnerFn) -> Callable[..., None]:
    # webagent_case_secrets comes first: a missing secret is reported before the page opens.
    # webagent_case_state before page too: it gives the context the state the case uses.
    def webagent_case(
        webagent_case_secrets: Secrets,
        webagent_case_state: None,
        webagent_selector_engines: None,
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
