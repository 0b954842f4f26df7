"""Run one case in a page: open its URL, then replay or resolve each step, in order.

Per step: a recorded entry is replayed action by action, each target verified first; a missing
entry, or a target that drifted, is resolved anew (direct resolver for explicit steps, else the
model) when the mode allows, and recorded. Checks are never healed: a failing check fails.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from . import direct
from .allure_report import CaseReport, StepReport
from .errors import Location, StepContext, StepFailed, UnresolvableStep, WebagentError
from .executor import Action, Executor
from .identity import Drift, verify
from .llm import Usage
from .model import Case, Step, StepKind
from .origins import AllowedOrigins
from .page_watch import PageWatch
from .planner import Execute, Planner, PlanResult, StepRequest
from .secret_values import Secrets
from .settings import Settings
from .trajectory import Entry, TrajectoryFile, concrete, step_values, with_placeholders


class OptionalStepWarning(UserWarning):
    """An optional step failed; the case went on."""


class MissingStep(StepFailed):
    headline = "no recorded trajectory for this step"


class DriftedStep(StepFailed):
    headline = "recorded target drifted"


class PlannerSource(Protocol):
    def planner(self) -> Planner: ...


@dataclass
class StepResult:
    step: Step
    resolution: str  # replayed | direct | planned | re-planned | judged
    actions: list[Action]
    entry: Entry | None = None  # what the trajectory should hold for this step
    drift: Drift | None = None
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class RunContext:
    case_id: str
    nodeid: str
    base_url: str | None
    trajectory: TrajectoryFile
    secrets: Secrets = field(default_factory=Secrets)
    accept_downloads: bool = False  # the case opted in (browser_context_args)


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
        self._step_report = StepReport(active=False)
        self.page = page
        self.settings = settings
        self.planners = planners
        self.run_context = run
        self.secrets = run.secrets
        self.executor = Executor(page, self.secrets.resolve)  # the only place values are used
        self.allowed = AllowedOrigins.for_case(settings.allowed_origins, run.base_url, case)
        self.watch = PageWatch(page, self.allowed, accept_downloads=run.accept_downloads, case=case)
        self.results: list[StepResult] = []
        self.steps: list[Step] = []  # the steps run so far, in order
        self.failed_usage = Usage()  # model requests of steps that failed (still paid for)
        # Placeholders belong to the case, so one table serves every step's recorded actions.
        self.values: dict[str, str] = {}
        for step in case.steps:
            self.values.update(step_values(step))

    @property
    def mode(self) -> str:
        return self.settings.mode

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
            with self.report.step(number, step) as self._step_report:
                with self.watch.step(number):
                    result = self._run_step(step)
                detail = result.drift.describe() if result.drift else ""
                self._step_report.resolved(result.resolution, detail, result.usage)
                if result.actions:
                    self._step_report.attach_json("actions", result.actions)
                self.report.after_step(self.page, self.executor.secret_fields)
            self.results.append(result)
            return result
        except (StepFailed, WebagentError) as failure:
            self.report.failure(self.page, self.executor.secret_fields)
            if isinstance(failure, StepFailed):
                failure.attach(self._context(number, step))
            else:
                failure.args = (f"{self._where(number, step)}: {failure}",)
            if not step.optional:
                raise
            self.secrets.scrub_exception(failure)
            warnings.warn(OptionalStepWarning(str(failure)), stacklevel=1)
            return None

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

    def _run_step(self, step: Step) -> StepResult:
        timeout = self._timeout_ms(step)
        if step.kind is StepKind.JUDGE:
            return self._judge(step, timeout)
        trajectory, case_id = self.run_context.trajectory, self.run_context.case_id
        entry = None if self.mode == "refresh" else trajectory.lookup(case_id, step)
        if entry is None:
            if self.mode == "replay":
                raise self._missing(step)
            return self._resolve(step, timeout, drift=None, done=[])
        drift, done = self._replay(entry, timeout)
        if drift is None:
            return StepResult(step, "replayed", entry["actions"], entry)
        if self.mode == "replay":
            raise self._drifted(drift, "replay mode never re-plans")
        try:
            return self._resolve(step, timeout, drift=drift, done=done)
        except UnresolvableStep as failure:
            # Say what drifted, not only why re-planning was impossible.
            # Re-planning was already allowed: what to do is what made it impossible.
            raise self._drifted(
                drift, f"cannot re-plan: {failure.reason}", failure.hints
            ) from failure

    def _replay(self, entry: Entry, timeout: float) -> tuple[Drift | None, list[Action]]:
        done: list[Action] = []
        for action in entry["actions"]:
            self._settle(timeout)
            drift = verify(self.page, action, timeout)
            if drift is not None:
                return drift, done
            self._execute(concrete(action, self.values), timeout)
            done.append(action)
        return None, done

    def _execute(self, action: Action, timeout: float) -> None:
        self.watch.before(action)
        with self._step_report.action(action):
            self.executor.run(action, timeout)
        self.watch.check()

    def _settle(self, timeout: float) -> None:
        """Let a page that the previous action opened run its deferred scripts first.

        Replay is faster than the recording was: typing into a form whose submit handler is not
        attached yet (Enter then reloads the page) is a race the recording never ran into.
        Free when the page is loaded: Playwright answers from the load states it already knows.
        """
        # Still loading after the timeout: the identity check that follows waits for its element.
        with contextlib.suppress(PlaywrightError):
            self.page.wait_for_load_state("domcontentloaded", timeout=timeout)

    def _resolve(
        self, step: Step, timeout: float, drift: Drift | None, done: list[Action]
    ) -> StepResult:
        url_path = self.secrets.mask(urlparse(self.page.url).path)
        intent = direct.parse(step) if self.settings.resolver != "llm" and not done else None
        usage = Usage()
        if intent is not None:
            actions = direct.resolve(self.page, intent, timeout)
            for action in actions:
                self._execute(action, timeout)
            resolved_by = direct.RESOLVER_NAME
        else:
            planner = self._planner()
            result = self._plan(
                planner,
                self._request(step, timeout, done),
                lambda action: self._execute(action, timeout),
            )
            actions, resolved_by, usage = result.actions, planner.name, result.usage
        # The browser may have been handed a secret a page echoed into a planned value: the
        # trajectory keeps placeholders only.
        actions = [*done, *self.secrets.mask_data(with_placeholders(actions, step, self.values))]
        resolution = "re-planned" if drift else ("direct" if intent else "planned")
        entry: Entry = {
            "kind": step.kind.value,
            "text": step.template,
            "occurrence": step.occurrence,
            "actions": actions,
            "url_path": url_path,
            "resolved_by": resolved_by,
            "resolved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        return StepResult(
            step, resolution, actions, self._unless_unchanged(step, entry), drift, usage
        )

    def _unless_unchanged(self, step: Step, entry: Entry) -> Entry:
        """The recorded entry when re-resolving gave the same actions: a refresh of an unchanged
        page must not rewrite every entry just for a new ``resolved_at``."""
        recorded = self.run_context.trajectory.lookup(self.run_context.case_id, step)
        same = ("actions", "url_path", "resolved_by")
        if recorded is not None and all(recorded.get(k) == entry.get(k) for k in same):
            return recorded
        return entry

    def _judge(self, step: Step, timeout: float) -> StepResult:
        if self.mode == "replay":
            raise UnresolvableStep(
                "judge steps ask a model at every run, and replay mode never calls a model",
                hints=["hint: run judge steps with --webagent-mode missing, or make them expect:"],
            )
        result = self._plan(self._planner(), self._request(step, timeout, []), lambda _: None)
        return StepResult(step, "judged", [], None, None, result.usage)

    def _plan(self, planner: Planner, request: StepRequest, execute: Execute) -> PlanResult:
        record = PlanResult()  # filled as planning goes, so a failing step still reports it
        try:
            return planner.plan(self.page, request, execute, record=record)
        except BaseException:
            self.failed_usage.add(record.usage)
            raise
        finally:
            for number, (observation, answer) in enumerate(record.exchanges, 1):
                self._step_report.attach_text(f"model request {number}", observation)
                self._step_report.attach_text(f"model answer {number}", answer)

    def _planner(self) -> Planner:
        if self.settings.resolver == "direct":
            raise UnresolvableStep(
                "this step is not explicit and webagent_resolver is 'direct'",
                hints=['hint: quote targets and values, e.g. Click "Sign in"'],
            )
        return self.planners.planner()

    def _request(self, step: Step, timeout: float, done: list[Action]) -> StepRequest:
        history = [f"step: {r.step.text} ({r.resolution})" for r in self.results]
        history += [f"this step (replayed): {action['type']}" for action in done]
        return StepRequest(
            self.case.goal,
            step.text,
            step.kind,
            history,
            timeout,
            mask=self.secrets.mask,
            allowed=self.allowed,
        )

    def _rerun_hint(self) -> str:
        return f"re-plan it with: pytest --webagent-mode missing '{self.run_context.nodeid}'"

    def _missing(self, step: Step) -> MissingStep:
        path = self.run_context.trajectory.path
        nearest = self.run_context.trajectory.nearest(self.run_context.case_id, step)
        hints = [f"looked in: {path}" + ("" if path.exists() else " (file does not exist)")]
        if nearest:
            hints.append(f"nearest recorded step: {nearest!r} (reworded?)")
        hints.append(self._rerun_hint())
        return MissingStep(
            "replay mode never plans, and this step has no recorded entry", hints=hints
        )

    def _drifted(self, drift: Drift, why: str, advice: list[str] | None = None) -> DriftedStep:
        hints = [f"recorded: {drift.recorded}"]
        if drift.now:
            hints.append(f"the page now holds: {', '.join(drift.now)}")
        hints.extend(advice if advice is not None else [self._rerun_hint()])
        return DriftedStep(f"{drift.describe()} ({why})", hints=hints)

    def _where(self, number: int, step: Step) -> str:
        return f"{step.source or self.case.location.path}:{step.line}: step {number} {step.text!r}"

    def _context(self, number: int, step: Step) -> StepContext:
        location = Location(step.source or self.case.location.path, step.line)
        return StepContext(self.case.item_name, location, number, step.text, self.mode)
