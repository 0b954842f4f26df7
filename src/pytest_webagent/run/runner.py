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
from pytest_webagent.browser.origins import AllowedOrigins, navigate_urls
from pytest_webagent.browser.page_watch import PageWatch
from pytest_webagent.cases.model import Case, Step, StepKind
from pytest_webagent.errors import (
    ActionFailed,
    ModelError,
    StepContext,
    StepFailed,
    TargetAmbiguous,
    TargetNotFound,
    UnresolvableStep,
    WebagentError,
)
from pytest_webagent.replay.effect import describe
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import Entry, step_values
from pytest_webagent.report.allure_report import CaseReport, StepReport
from pytest_webagent.resolve import direct
from pytest_webagent.resolve.optional import loosened_before, skipped_differently
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.run.acting import Actor
from pytest_webagent.run.effects import (
    EarlierEffectDrift,
    EffectDrift,
    Resolve,
    StepEffects,
    effect_drifted,
)
from pytest_webagent.run.failures import (
    DriftedStep,
    OptionalStepWarning,
    drifted_step,
    heal_failure,
    missing_step,
    rerun_hint,
    step_context,
    unhealed_drift,
    where,
)
from pytest_webagent.run.handover import EffectHandover
from pytest_webagent.run.remembered import Memory
from pytest_webagent.run.resolving import ResolveContext, Resolver
from pytest_webagent.run.results import PlannerSource, RunContext, StepResult
from pytest_webagent.run.tabs import CaseTabs
from pytest_webagent.secret_values import secret_names
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
        # The only place values are used: typed into fields, and in URLs the case names itself.
        self.executor = Executor(page, self._browser_value, self._navigate_url)
        self.allowed = AllowedOrigins.for_case(settings.allowed_origins, run.base_url, case)
        self.watch = self._watch_page(page)
        self.actor = Actor(page, self.executor, self.watch, self.secrets.reveal_target)
        self.resolver = Resolver(self.actor, planners, settings, run, case)
        self.tabs = CaseTabs(page, self.watch, self._watch_page)  # popups the case moves into
        self.tabs.on_change(self._use_page)
        self.actor.tabs = self.executor.more.tabs = self.tabs
        self.executor.more.remember = self._remember
        self.executor.more.files_from = case.location.path.parent  # upload paths start here
        self.executor.more.project_root = run.project_root
        # Settings built from a partial table (benchmarks, embedders) get the option's default.
        self.reflections = int(settings.values.get("webagent_effect_reflections", "1"))
        self.effects = StepEffects(page, self.secrets, self.reflections)
        self.results: list[StepResult] = []
        self.steps: list[Step] = []  # the steps run so far, in order
        self.unhealed: list[dict[str, str]] = []  # drifted steps that failed, for the drift report
        self.handover = EffectHandover()  # a step's effect, waited for in the next step's action
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
        for number, step in enumerate(self.case.steps, 1):
            # A step's effect may wait inside the next step's action when the runner runs that
            # step too; a step of the Python API is followed by the test's own code.
            self.handover.allowed = number < len(self.case.steps)
            try:
                self.run_step(step)
            finally:
                self.handover.allowed = False
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
        return PageWatch(
            page, self.allowed, accept_downloads=accept, case=self.case, mask=self.secrets.mask
        )

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
                detail = self.secrets.mask(result.drift.describe()) if result.drift else ""
                step_report.resolved(result.resolution, detail, result.usage)
                if result.actions:
                    step_report.attach_json("actions", result.actions)
                if result.entry and result.entry.get("effect"):
                    step_report.attach_text("effect", "\n".join(describe(result.entry["effect"])))
                self.report.after_step(self.page, self.executor.secret_fields)
            if result.resolution != "replayed" and self.results:
                previous = self.results[-1]
                loosened = loosened_before(previous.entry, result.entry)
                previous.entry = loosened if loosened is not None else previous.entry
            self.results.append(result)
            return result
        except (StepFailed, WebagentError) as failure:
            self.report.failure(self.page, self.executor.secret_fields)
            # A failure found in this step may be an earlier one's (its effect did not come).
            at_number, at_step = getattr(failure, "earlier", None) or (number, step)
            if isinstance(failure, StepFailed):  # its report says where, from the context
                failure.attach(step_context(self.case, at_number, at_step, self.mode))
                if isinstance(failure, DriftedStep):
                    self.unhealed.append(unhealed_drift(number, step, failure))
            else:
                failure.args = (f"{where(self.case, at_number, at_step)}: {failure}",)
            if not step.optional:
                raise
            self.secrets.scrub_exception(failure)
            warnings.warn(OptionalStepWarning(str(failure)), stacklevel=1)
            return None

    def _navigate_url(self, url: str) -> str:
        """``url`` for the browser: secrets only go into the URL of a ``Go to`` step of the case,
        never into one a model planned (an open redirect would carry them off-site)."""
        if not secret_names(url):
            return url
        if url in navigate_urls([*self.case.steps, *self.steps]):
            return self.secrets.resolve(url)
        raise ActionFailed(
            f"refused to go to {url}: a URL the model planned never receives secrets; "
            'secrets go into fields, or into the URL of a Go to "..." step of the case'
        )

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
        if self.effects.page is not self.page:
            # The case moved to another tab: effects are observed there from this step on (a
            # step that opens a tab keeps observing the page it started on, recorded and
            # replayed alike).
            self.effects = StepEffects(self.page, self.secrets, self.reflections)
        trajectory, case_id = self.run_context.trajectory, self.run_context.case_id
        entry = None if self.mode == "refresh" else trajectory.lookup(case_id, step)
        carried = self.handover.carried(entry, self.actor, self.page)
        if step.kind is StepKind.JUDGE or carried is None:
            earlier_drift = self.handover.settle(timeout)
            if earlier_drift is not None:
                return self._earlier_drifted(earlier_drift, step, report, context)
        if step.kind is StepKind.JUDGE:
            return self.resolver.judge(step, timeout, context)
        if entry is None:
            if self.mode == "replay":
                raise missing_step(trajectory, case_id, step, self._rerun)
            return self._resolve(step, timeout, None, [], context)
        start = self.effects.start()
        try:
            drift, done = self.actor.replay(entry, self.values, timeout, report, carried)
        except EarlierEffectDrift as earlier:
            return self._earlier_drifted(earlier.drift, step, report, context)
        self.handover.pending = None  # it came: the first action waited for it
        if drift is None:
            if not skipped_differently(entry["actions"], done):  # an optional action's effect
                drift = self.handover.after_replay(
                    self.effects, entry, self.values, start, timeout, len(self.steps), step
                )
            if drift is None:
                return StepResult(step, "replayed", entry["actions"], entry)
        failed = effect_drifted if isinstance(drift, EffectDrift) else drifted_step
        if self.mode == "replay":
            raise failed(drift, "replay mode never re-plans", [rerun_hint(self._rerun)])
        if isinstance(drift, EffectDrift):
            try:
                resolve = self._resolving(step, timeout, context)
                return self.effects.heal(step, entry, drift, timeout, resolve, self.values)
            except UnresolvableStep as failure:
                # Re-planning was allowed: what to do is what made it impossible.
                raise failed(drift, f"cannot re-plan: {failure.reason}", failure.hints) from failure
        return self._heal(step, timeout, drift, done, context)

    def _earlier_drifted(
        self, drift: EffectDrift, step: Step, report: StepReport, context: ResolveContext
    ) -> StepResult:
        """The previous step's effect did not come (found before this step did anything): that
        step drifted. Replay fails, naming it; other modes heal it, then run this step."""
        handed = self.handover.take()
        number, earlier, pending = handed.number, handed.step, handed.effect
        if self.mode == "replay":
            failure = effect_drifted(
                drift,
                f"found before step {len(self.steps)} acted; replay mode never re-plans",
                [rerun_hint(self._rerun)],
            )
            failure.earlier = (number, earlier)
            raise failure
        timeout = self._timeout_ms(earlier)
        resolve = self._resolving(earlier, timeout, context)
        try:
            healed = self.effects.heal(earlier, pending.entry, drift, timeout, resolve, self.values)
        except UnresolvableStep as failure:
            unhealed = effect_drifted(drift, f"cannot re-plan: {failure.reason}", failure.hints)
            unhealed.earlier = (number, earlier)
            raise unhealed from failure
        self.results = [healed if r.step is earlier else r for r in self.results]
        return self._run_step(step, report)

    @property
    def _rerun(self) -> str:
        nodeid = self.run_context.nodeid
        return self.run_context.rerun or f"pytest --webagent --webagent-mode missing '{nodeid}'"

    def _heal(
        self, step: Step, timeout: float, drift: Drift, done: list[Action], context: ResolveContext
    ) -> StepResult:
        """Re-resolve a drifted step by the rules of a new one: an explicit step by the direct
        resolver and, where its words find nothing (or too much) on the new page, by the model
        when one is configured. Any failure says that the step drifted, not only why it failed."""
        failures: list[StepFailed | ModelError] = []
        asked = self._model_requests()
        try:
            return self._resolve(step, timeout, drift, done, context)
        except UnresolvableStep as failure:
            # Re-planning was allowed: what to do is what made it impossible.
            raise drifted_step(
                drift, f"cannot re-plan: {failure.reason}", failure.hints
            ) from failure
        except (StepFailed, ModelError) as failure:
            failures.append(failure)
            # Only a direct resolution that found no single target, before acting, hands over;
            # and not when the model was asked already (it failed too).
            if not (
                isinstance(failure, (TargetNotFound, TargetAmbiguous))
                and self._model_may_plan(step)
                and self._model_requests() == asked
            ):
                raise heal_failure(drift, failures) from failure
        try:
            return self._resolve(step, timeout, drift, done, context, direct_allowed=False)
        except (StepFailed, ModelError) as failure:
            failures.append(failure)
            raise heal_failure(drift, failures) from failure

    def _model_may_plan(self, step: Step) -> bool:
        explicit = self.settings.resolver != "llm" and direct.parse(step) is not None
        return explicit and self.settings.resolver != "direct" and bool(self.settings.model)

    def _model_requests(self) -> int:
        usage = self.resolver.failed_usage
        return usage.calls + usage.memo_hits

    def _resolve(
        self,
        step: Step,
        timeout: float,
        drift: Drift | None,
        done: list[Action],
        context: ResolveContext,
        *,
        direct_allowed: bool = True,
    ) -> StepResult:
        """Resolve the step anew, its effect observed and recorded (run/effects.py)."""
        resolve = self._resolving(step, timeout, context, direct_allowed=direct_allowed)
        return self.effects.record(step, timeout, self.values, resolve, drift, done)

    def _resolving(
        self, step: Step, timeout: float, context: ResolveContext, *, direct_allowed: bool = True
    ) -> Resolve:
        def resolve(drift: Drift | None, done: list[Action], notes: list[str]) -> StepResult:
            history = [*context.history, *notes]
            again = ResolveContext(context.report, context.values, history, context.remembered)
            return self.resolver.resolve(
                step, timeout, drift, done, again, direct_allowed=direct_allowed
            )

        return resolve
