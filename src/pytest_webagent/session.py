"""State of one pytest session for the plugin, and the services cases run with.

Lazily built: the working store opens on first use, the model client only when a step needs a
model, trajectory files are read once per process.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from pytest_webagent.browser.saved_state import save_state
from pytest_webagent.browser.traces import kept_traces, scrub_trace
from pytest_webagent.cases.model import Case
from pytest_webagent.errors import UnresolvableStep
from pytest_webagent.replay.store import WorkingStore
from pytest_webagent.replay.trajectory import TrajectoryFile, step_key, trajectory_path
from pytest_webagent.report.allure_report import CaseReport, allure_active, attach_trace
from pytest_webagent.report.summary import Summary, item_statistics
from pytest_webagent.resolve.planning.llm import ModelClient
from pytest_webagent.resolve.planning.planner import Planner
from pytest_webagent.run.results import RunContext
from pytest_webagent.run.runner import CaseRunner
from pytest_webagent.secret_values import Secrets
from pytest_webagent.settings import Settings, collecting_cases


@dataclass(frozen=True)
class CaseRun:
    """The case a test item runs: its runner, and the file whose trajectory holds it."""

    runner: CaseRunner
    source: Path  # a case file, or the module of a Python test
    python: bool  # a Python test: its steps are known only by running it


RUN_KEY = pytest.StashKey[CaseRun]()


class WebagentSession:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
        self.is_worker = workerinput is not None
        self.run_id = str((workerinput or {}).get("webagent_run_id") or uuid.uuid4().hex)
        self.store = WorkingStore(settings.cache_dir)
        self.summary = Summary()
        self.case_file_errors = 0  # collection errors of case files (they do not stop the run)
        self._trajectories: dict[Path, TrajectoryFile] = {}
        self._planner: Planner | None = None
        # Cases this process ran and whose teardown report has not come yet: their traces.
        self._case_secrets: dict[str, Secrets] = {}
        if not self.is_worker and collecting_cases(config):
            # Open (and if need be repair) the store before any xdist worker starts: a damaged
            # store is then moved aside once, by the process that reports it in the summary.
            self.store.open()

    def trajectory_for(self, source: Path) -> TrajectoryFile:
        path = trajectory_path(source)
        if path not in self._trajectories:
            self._trajectories[path] = TrajectoryFile.load(path)
        return self._trajectories[path]

    def planner(self) -> Planner:
        if self._planner is None:
            if not self.settings.model:
                raise UnresolvableStep(
                    "this step is not explicit and no model is configured",
                    hints=[
                        'hint: quote targets and values (e.g. Click "Sign in", Fill "Email" '
                        'with "a@b.c"); see docs/writing-cases.md for the phrasing,',
                        "      or configure a model (webagent_model, WEBAGENT_MODEL) to plan it",
                    ],
                )
            self._planner = Planner(
                ModelClient(self.settings, self.store),
                answer_retries=self.settings.int_value("webagent_answer_retries"),
                max_actions=self.settings.int_value("webagent_max_actions"),
                snapshot_tokens=self.settings.int_value("webagent_snapshot_tokens"),
            )
        return self._planner

    def open_case(
        self,
        case: Case,
        page: Page,
        request: pytest.FixtureRequest,
        secrets: Secrets,
        *,
        case_id: str | None = None,
        source: Path | None = None,
    ) -> CaseRunner:
        """A runner for ``case`` in ``page``, left on the test's item for the hooks that follow.

        ``source`` is the file whose trajectory holds the case (default: the case file itself;
        a Python test's is its module), ``case_id`` its key there (default: the case's name).
        """
        source = source or case.location.path
        context = RunContext(
            case_id=case_id or case.item_name,
            nodeid=request.node.nodeid,
            base_url=_base_url(request),
            trajectory=self.trajectory_for(source),
            secrets=secrets,
            accept_downloads=_accepts_downloads(request),
            project_root=self.config.rootpath,
        )
        self._case_secrets[request.node.nodeid] = secrets
        report = CaseReport(allure_active(self.config), self.settings.screenshots, secrets)
        report.describe(case, {"mode": self.settings.mode, "browser": _browser_name(request)})
        runner = CaseRunner(case, page, self.settings, self, context, report)
        request.node.stash[RUN_KEY] = CaseRun(runner, source, python=source.suffix == ".py")
        return runner

    def run_case(
        self, case: Case, page: Page, request: pytest.FixtureRequest, secrets: Secrets
    ) -> None:
        """The test function of a YAML case: the whole case, step after step."""
        self.open_case(case, page, request, secrets).run()

    def after_passing_call(self, item: pytest.Item) -> None:
        """What a case reports once its test passed: the final page, and the model it used."""
        run = item.stash.get(RUN_KEY, None)
        if run is None:
            return
        runner = run.runner
        if runner.case.saves_state:
            save_state(runner.page, runner.case, self.settings.cache_dir)
        runner.report.final_page(runner.page, runner.executor.secret_fields)
        if any(result.usage.calls or result.usage.memo_hits for result in runner.results):
            runner.report.parameter("model", self.settings.model)

    def on_call_report(self, item: pytest.Item, report: pytest.TestReport) -> None:
        """Attach step statistics to the report; queue the trajectory of a passing case."""
        run = item.stash.get(RUN_KEY, None)
        if run is None:
            return
        runner, context = run.runner, run.runner.run_context
        statistics = item_statistics(
            runner.results, run.source, context.case_id, runner.failed_usage
        )
        if run.python:
            # A Python test's steps are known only by running it: only a test that ran to its
            # end says which entries it uses (see recording.review_stale).
            statistics["python"] = True
            if report.passed:
                statistics["steps"] = [list(step_key(step)) for step in runner.steps]
        report.webagent = statistics  # type: ignore[attr-defined]
        if report.passed:
            entries = runner.entries()
            if entries and entries != context.trajectory.cases.get(context.case_id, []):
                self.store.put_pending(
                    self.run_id, context.trajectory.path, context.case_id, entries
                )

    def on_teardown_report(self, report: pytest.TestReport) -> None:
        """Scrub and attach the Playwright traces pytest-playwright kept for a case."""
        secrets = self._case_secrets.pop(report.nodeid, None)
        if secrets is None:  # not a case, or one an xdist worker ran and reports
            return
        for path in kept_traces(self.config, report):
            if secrets:
                scrub_trace(path, secrets)
            if allure_active(self.config):
                attach_trace(path)

    def header_lines(self) -> list[str]:
        s, sources = self.settings, self.settings.sources
        model = f"model {s.model} ({sources['webagent_model']})" if s.model else "no model"
        return [
            f"webagent: mode {s.mode} ({sources['webagent_mode']}), resolver {s.resolver}, "
            f"{model}, step timeout {s.step_timeout_ms / 1000:g}s"
        ]


def _browser_name(request: pytest.FixtureRequest) -> str:
    try:
        return str(request.getfixturevalue("browser_name"))
    except pytest.FixtureLookupError:
        return "chromium"


def _accepts_downloads(request: pytest.FixtureRequest) -> bool:
    """Whether the case opted in to downloads: ``accept_downloads`` set to true in
    pytest-playwright's ``browser_context_args`` (its fixture, or the mark of that name)."""
    mark = request.node.get_closest_marker("browser_context_args")
    if mark is not None and "accept_downloads" in mark.kwargs:
        return bool(mark.kwargs["accept_downloads"])
    try:
        context_args: Any = request.getfixturevalue("browser_context_args")
    except pytest.FixtureLookupError:
        return False
    return bool(context_args.get("accept_downloads", False))


def _base_url(request: pytest.FixtureRequest) -> str | None:
    try:
        value: Any = request.getfixturevalue("base_url")
    except pytest.FixtureLookupError:
        return None
    return str(value) if value else None


SESSION_KEY = pytest.StashKey[WebagentSession]()
