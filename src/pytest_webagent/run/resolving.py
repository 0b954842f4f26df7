"""Resolving a step anew: the direct resolver for explicit steps, else the model; and judging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlparse

from playwright.sync_api import Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.browser.origins import AllowedOrigins
from pytest_webagent.cases.model import Case, Step
from pytest_webagent.errors import TargetAmbiguous, TargetNotFound, UnresolvableStep
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import Entry, TrajectoryFile, with_placeholders
from pytest_webagent.report.allure_report import StepReport
from pytest_webagent.resolve import direct
from pytest_webagent.resolve.phrases import Intent
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.resolve.planning.planner import Execute, Planner, PlanResult, StepRequest
from pytest_webagent.run.acting import Actor
from pytest_webagent.run.remembered import generalise_targets
from pytest_webagent.run.results import PlannerSource, RunContext, StepResult
from pytest_webagent.secret_values import Secrets
from pytest_webagent.settings import Settings


class Resolver:
    """Turns a step into actions in the current page and the trajectory entry that records them."""

    def __init__(
        self, actor: Actor, planners: PlannerSource, settings: Settings, run: RunContext, case: Case
    ) -> None:
        self.actor = actor
        self.page: Page = actor.page
        self.planners = planners
        self.settings = settings
        self.secrets: Secrets = run.secrets
        self.trajectory: TrajectoryFile = run.trajectory
        self.case_id = run.case_id
        self.case = case
        self.allowed: AllowedOrigins = actor.watch.allowed
        self.failed_usage = Usage()  # model requests of steps that failed (still paid for)

    def resolve(
        self,
        step: Step,
        timeout: float,
        drift: Drift | None,
        done: list[Action],
        context: ResolveContext,
        *,
        direct_allowed: bool = True,
    ) -> StepResult:
        """Resolve ``step`` and run its actions; ``done`` are the actions already replayed.

        An explicit step goes to the direct resolver even after some of its recorded actions
        ran (a drift midway): its words are the whole step, and the entry records what ran.
        """
        url_path = self.secrets.mask(urlparse(self.page.url).path)
        explicit = self.settings.resolver != "llm" and direct_allowed
        intents = direct.parse(step) if explicit else None
        if done and self._recorded_by_direct(step):
            intents = _still_to_do(intents, len(done))
        usage = Usage()
        report = context.report
        fallback = ""  # why an explicit step went to the model
        if intents is not None:
            try:
                actions = direct.resolve_all(
                    self.page,
                    intents,
                    timeout,
                    lambda action: self.actor.execute(action, timeout, report),
                )
            except (TargetNotFound, TargetAmbiguous) as error:
                # An explicit step the page does not settle: the model may, when there is one.
                if self.settings.resolver == "direct" or not self.settings.model:
                    raise
                fallback = self.secrets.mask(f"the direct resolver: {error.reason.splitlines()[0]}")
                intents = None
                report.attach_text("direct resolver", fallback)
            else:
                resolved_by = direct.RESOLVER_NAME
        if intents is None:
            planner = self._planner()
            result = self._plan(
                planner,
                self._request(step, timeout, done, context.history),
                lambda action: self.actor.execute(action, timeout, report),
                report,
            )
            actions, resolved_by, usage = result.actions, planner.name, result.usage
        # The browser may have been handed a secret a page echoed into a planned value: the
        # trajectory keeps placeholders only.
        actions = [
            *done,
            *self.secrets.mask_data(
                generalise_targets(
                    with_placeholders(actions, step, context.values), context.remembered
                )
            ),
        ]
        resolution = "re-planned" if drift else ("direct" if intents else "planned")
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
            step, resolution, actions, self._unless_unchanged(step, entry), drift, usage, fallback
        )

    def judge(self, step: Step, timeout: float, context: ResolveContext) -> StepResult:
        if self.settings.mode == "replay":
            raise UnresolvableStep(
                "judge steps ask a model at every run, and replay mode never calls a model",
                hints=["hint: run judge steps with --webagent-mode missing, or make them expect:"],
            )
        request = self._request(step, timeout, [], context.history)
        result = self._plan(self._planner(), request, lambda _: None, context.report)
        return StepResult(step, "judged", [], None, None, result.usage)

    def _recorded_by_direct(self, step: Step) -> bool:
        """Whether the step's recorded actions came from the direct resolver, one per intent."""
        recorded = self.trajectory.lookup(self.case_id, step)
        return recorded is not None and recorded.get("resolved_by") == direct.RESOLVER_NAME

    def _unless_unchanged(self, step: Step, entry: Entry) -> Entry:
        """The recorded entry when re-resolving gave the same actions: a refresh of an unchanged
        page must not rewrite every entry just for a new ``resolved_at``."""
        recorded = self.trajectory.lookup(self.case_id, step)
        same = ("actions", "url_path", "resolved_by")
        if recorded is not None and all(recorded.get(k) == entry.get(k) for k in same):
            return recorded
        return entry

    def _plan(
        self, planner: Planner, request: StepRequest, execute: Execute, report: StepReport
    ) -> PlanResult:
        record = PlanResult()  # filled as planning goes, so a failing step still reports it
        try:
            return planner.plan(self.page, request, execute, record=record)
        except BaseException:
            self.failed_usage.add(record.usage)
            raise
        finally:
            for number, (observation, answer) in enumerate(record.exchanges, 1):
                report.attach_text(f"model request {number}", observation)
                report.attach_text(f"model answer {number}", answer)

    def _planner(self) -> Planner:
        if self.settings.resolver == "direct":
            raise UnresolvableStep(
                "this step is not explicit and webagent_resolver is 'direct'",
                hints=['hint: quote targets and values, e.g. Click "Sign in"'],
            )
        return self.planners.planner()

    def _request(
        self, step: Step, timeout: float, done: list[Action], history: list[str]
    ) -> StepRequest:
        history = [*history, *(f"this step (replayed): {action['type']}" for action in done)]
        return StepRequest(
            self.case.goal,
            step.text,
            step.kind,
            history,
            timeout,
            mask=self.secrets.mask,
            allowed=self.allowed,
            continuing=bool(done),
        )


@dataclass(frozen=True)
class ResolveContext:
    """What resolving one step needs from the run so far."""

    report: StepReport
    values: dict[str, str]  # the case's placeholder table: recorded values keep placeholders
    history: list[str]  # the earlier steps and how each was resolved, for the model
    # Values remembered from the page so far (not secret ones): targets they name are recorded
    # with the placeholder.
    remembered: dict[str, str] = field(default_factory=dict)


def _still_to_do(intents: list[Intent] | None, replayed: int) -> list[Intent] | None:
    """The intents of an explicit step left after ``replayed`` of its recorded actions ran.

    Only for entries the direct resolver recorded, whose actions follow the intents one by one: a
    drift midway (``Enter "x" into "Name" and press "Save"``, the button renamed) heals by
    resolving only what did not run. An intent aimed at every element that fits ("both text
    fields") records one action per element, whose share cannot be known without the page as it
    was; then the direct resolver stands aside (None) and the model, if any, plans the rest. An
    entry a model recorded has no such correspondence: its step is resolved whole.
    """
    if intents is None:
        return None
    if any(intent.target is not None and intent.target.every for intent in intents[:replayed]):
        return None
    return intents[replayed:] or None
