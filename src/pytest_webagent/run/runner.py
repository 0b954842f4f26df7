"""Run one case in a page: open its URL, then replay or resolve each step, in order.

Per step: a recorded entry is replayed action by action, each target verified first
(:mod:`.acting`); a missing entry, or a target that drifted, is resolved anew when the mode
allows (:mod:`.resolving`), and recorded. Checks are never healed: a failing check fails.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from urllib.parse import urlparse

from playwright.sync_api import Page

from pytest_webagent.browser.executor import Executor
from pytest_webagent.browser.origins import AllowedOrigins
from pytest_webagent.browser.page_watch import PageWatch
from pytest_webagent.cases.model import Case, Step, StepKind
from pytest_webagent.errors import StepContext, StepFailed, UnresolvableStep, WebagentError
from pytest_webagent.replay.trajectory import Entry, step_values
from pytest_webagent.report.allure_report import CaseReport, StepReport
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.run.acting import Actor
from pytest_webagent.run.failures import (
    OptionalStepWarning,
    drifted_step,
    missing_step,
    rerun_hint,
    step_context,
    where,
)
from pytest_webagent.run.remembered import Memory
from pytest_webagent.run.resolving import ResolveContext, Resolver
from pytest_webagent.run.results import PlannerSource, RunContext, StepResult
from pytest_webagent.run.tabs import CaseTabs
from pytest_webagent.settings import Settings


class CaseRunner:
    def __init__(
        self,
        case: Case,
        page: Page,
        settings: Settings,
        planners: PlannerSource,
        run: RunContext,
        report: CaseReport | None = None,
    ) -> None:
        self.case = case
        self.report = report or CaseReport(active=False)
        self.page = page
        self.settings = settings
        self.run_context = run
        self.secrets = run.secrets
        self.memory = Memory(self.secrets)  # values remembered from the page, for later steps
        self.executor = Executor(page, self._browser_value)  # the only place values are used
        self.allowed = AllowedOrigins.for_case(settings.allowed_origins, run.base_url, case)
        self.watch = self._watch_page(page)
        self.actor = Actor(page, self.executor, self.watch)
        self.resolver = Resolver(self.actor, planners, settings, run, case)
        self.tabs = CaseTabs(page, self.watch, self._watch_page)  # popups the case moves into
        self.tabs.on_change(self._use_page)
        self.actor.tabs = self.executor.more.tabs = self.tabs
        self.executor.more.remember = self._remember
        self.executor.more.files_from = case.location.path.parent  # upload paths start here
        self.executor.more.project_root = run.project_root
        self.results: list[StepResult] = []
        self.steps: list[Step] = []  # the steps run so far, in order
        # Placeholders belong to the case, so one table serves every step's recorded actions.
        self.values: dict[str, str] = {}
        for step in case.steps:
            self.values.update(step_values(step))

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def failed_usage(self) -> Usage:
        """Model requests of steps that failed: still paid for, so still counted."""
        return self.resolver.failed_usage

    def run(self) -> list[StepResult]:
        """Run the whole case: open its URL, then every step in order."""
        self.start()
        for step in self.case.steps:
            self.run_step(step)
        return self.results

    def start(self) -> None:
        """Open the case's start page, if it has one."""
        with self._scrubbing():
            if self.case.url:
                self._open(self.case.url)

    def run_step(self, step: Step) -> StepResult | None:
        """Run the next step of the case (None: an optional step failed, with a warning).

        Steps may come one at a time (a Python test calling the agent), so the step is added to
        the case's steps here, and its placeholder values to the table replay fills in.
        """
        with self._scrubbing():
            return self._run_next(step)

    def entries(self) -> list[Entry]:
        """The trajectory entries of this case in step order, after a passing run."""
        by_step = {id(result.step): result.entry for result in self.results}
        entries: list[Entry] = []
        for step in self.steps:
            entry = by_step.get(id(step)) or self.run_context.trajectory.lookup(
                self.run_context.case_id, step
            )
            if entry is not None and step.kind is not StepKind.JUDGE:
                entries.append(entry)
        return entries

    @contextlib.contextmanager
    def _scrubbing(self) -> Iterator[None]:
        try:
            yield
        except BaseException as error:
            # pytest, Allure and junit-xml print exception messages; a page or Playwright may
            # have quoted a secret value in them.
            self.secrets.scrub_exception(error)
            raise

    def _browser_value(self, value: str) -> str:
        """A value as the browser gets it: remembered values and secrets filled in."""
        return self.secrets.resolve(self.memory.resolve(value))

    def _watch_page(self, page: Page) -> PageWatch:
        accept = self.run_context.accept_downloads
        return PageWatch(page, self.allowed, accept_downloads=accept, case=self.case)

    def _use_page(self, page: Page, watch: PageWatch) -> None:
        """Later steps act in ``page`` (a tab the case opened or switched to)."""
        self.page = self.executor.page = self.actor.page = self.resolver.page = page
        self.watch = self.actor.watch = watch

    def _remember(self, name: str, value: str, secret: bool) -> None:
        self.memory.remember(name, value, secret)
        if not secret:  # replay fills recorded placeholders from this table
            self.values[name] = value

    def _run_next(self, step: Step) -> StepResult | None:
        step = self.memory.fill_step(step)
        self.steps.append(step)
        self.values.update(step_values(step))
        number = len(self.steps)
        try:
            with self.report.step(number, step) as step_report:
                with self.watch.step(number):
                    result = self._run_step(step, step_report)
                detail = result.drift.describe() if result.drift else ""
                step_report.resolved(result.resolution, detail, result.usage)
                if result.actions:
                    step_report.attach_json("actions", result.actions)
                self.report.after_step(self.page, self.executor.secret_fields)
            self.results.append(result)
            return result
        except (StepFailed, WebagentError) as failure:
            self.report.failure(self.page, self.executor.secret_fields)
            if isinstance(failure, StepFailed):
                failure.attach(step_context(self.case, number, step, self.mode))
            else:
                failure.args = (f"{where(self.case, number, step)}: {failure}",)
            if not step.optional:
                raise
            self.secrets.scrub_exception(failure)
            warnings.warn(OptionalStepWarning(str(failure)), stacklevel=1)
            return None

    def _open(self, url: str) -> None:
        if not urlparse(url).scheme and not self.run_context.base_url:
            raise WebagentError(
                f"{self.case.location}: case {self.case.name!r} starts at the relative URL "
                f"{url!r} but no base URL is set: pass --base-url or set base_url in the ini file"
            )
        try:
            # The browser gets the secret; what a failure shows keeps the placeholder.
            self.watch.open(self.secrets.resolve(url), url, self.settings.step_timeout_ms)
        except StepFailed as failure:
            location = type(self.case.location)(self.case.location.path, self.case.url_line)
            failure.attach(StepContext(self.case.item_name, location, 0, f"url: {url}", self.mode))
            raise

    def _timeout_ms(self, step: Step) -> float:
        return step.timeout * 1000 if step.timeout is not None else self.settings.step_timeout_ms

    def _run_step(self, step: Step, report: StepReport) -> StepResult:
        timeout = self._timeout_ms(step)
        history = [f"step: {r.step.text} ({r.resolution})" for r in self.results]
        context = ResolveContext(report, self.values, history, self.memory.plain())
        if step.kind is StepKind.JUDGE:
            return self.resolver.judge(step, timeout, context)
        trajectory, case_id = self.run_context.trajectory, self.run_context.case_id
        entry = None if self.mode == "refresh" else trajectory.lookup(case_id, step)
        if entry is None:
            if self.mode == "replay":
                raise missing_step(trajectory, case_id, step, self.run_context.nodeid)
            return self.resolver.resolve(step, timeout, None, [], context)
        drift, done = self.actor.replay(entry, self.values, timeout, report)
        if drift is None:
            return StepResult(step, "replayed", entry["actions"], entry)
        if self.mode == "replay":
            advice = [rerun_hint(self.run_context.nodeid)]
            raise drifted_step(drift, "replay mode never re-plans", advice)
        try:
            return self.resolver.resolve(step, timeout, drift, done, context)
        except UnresolvableStep as failure:
            # Say what drifted, not only why re-planning was impossible.
            # Re-planning was already allowed: what to do is what made it impossible.
            raise drifted_step(
                drift, f"cannot re-plan: {failure.reason}", failure.hints
            ) from failure
