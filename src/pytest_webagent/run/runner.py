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

from pytest_webagent.browser.executor import Action, Executor
from pytest_webagent.browser.origins import AllowedOrigins
from pytest_webagent.browser.page_watch import PageWatch
from pytest_webagent.cases.model import Case, Step, StepKind
from pytest_webagent.errors import StepContext, StepFailed, UnresolvableStep, WebagentError
from pytest_webagent.replay.effect import describe
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import Entry, step_values
from pytest_webagent.report.allure_report import CaseReport, StepReport
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.run.acting import Actor
from pytest_webagent.run.effects import EffectDrift, Resolve, StepEffects, effect_drifted
from pytest_webagent.run.failures import (
    OptionalStepWarning,
    drifted_step,
    missing_step,
    rerun_hint,
    step_context,
    where,
)
from pytest_webagent.run.resolving import ResolveContext, Resolver
from pytest_webagent.run.results import PlannerSource, RunContext, StepResult
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
        self.executor = Executor(page, self.secrets.resolve)  # the only place values are used
        self.allowed = AllowedOrigins.for_case(settings.allowed_origins, run.base_url, case)
        self.watch = PageWatch(page, self.allowed, accept_downloads=run.accept_downloads, case=case)
        self.actor = Actor(page, self.executor, self.watch)
        self.resolver = Resolver(self.actor, planners, settings, run, case)
        # Settings built from a partial table (benchmarks, embedders) get the option's default.
        reflections = int(settings.values.get("webagent_effect_reflections", "1"))
        self.effects = StepEffects(page, self.secrets, reflections)
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

    def _run_next(self, step: Step) -> StepResult | None:
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
                if result.entry and result.entry.get("effect"):
                    step_report.attach_text("effect", "\n".join(describe(result.entry["effect"])))
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
        context = ResolveContext(report, self.values, history)
        if step.kind is StepKind.JUDGE:
            return self.resolver.judge(step, timeout, context)
        trajectory, case_id = self.run_context.trajectory, self.run_context.case_id
        entry = None if self.mode == "refresh" else trajectory.lookup(case_id, step)
        if entry is None:
            if self.mode == "replay":
                raise missing_step(trajectory, case_id, step, self.run_context.nodeid)
            return self._resolve(step, timeout, None, [], context)
        start = self.effects.start()
        drift, done = self.actor.replay(entry, self.values, timeout, report)
        if drift is None:
            drift = self.effects.check(entry, self.values, start, timeout)
            if drift is None:
                return StepResult(step, "replayed", entry["actions"], entry)
        failed = effect_drifted if isinstance(drift, EffectDrift) else drifted_step
        if self.mode == "replay":
            advice = [rerun_hint(self.run_context.nodeid)]
            raise failed(drift, "replay mode never re-plans", advice)
        try:
            if isinstance(drift, EffectDrift):
                resolve = self._resolving(step, timeout, context)
                return self.effects.heal(step, entry, drift, timeout, resolve, self.values)
            return self._resolve(step, timeout, drift, done, context)
        except UnresolvableStep as failure:
            # Say what drifted, not only why re-planning was impossible.
            # Re-planning was already allowed: what to do is what made it impossible.
            raise failed(drift, f"cannot re-plan: {failure.reason}", failure.hints) from failure

    def _resolve(
        self,
        step: Step,
        timeout: float,
        drift: Drift | None,
        done: list[Action],
        context: ResolveContext,
    ) -> StepResult:
        """Resolve the step anew, its effect observed and recorded (run/effects.py)."""
        resolve = self._resolving(step, timeout, context)
        return self.effects.record(step, timeout, self.values, resolve, drift, done)

    def _resolving(self, step: Step, timeout: float, context: ResolveContext) -> Resolve:
        def resolve(drift: Drift | None, done: list[Action], notes: list[str]) -> StepResult:
            history = [*context.history, *notes]
            again = ResolveContext(context.report, context.values, history)
            return self.resolver.resolve(step, timeout, drift, done, again)

        return resolve
