"""Step effects in the run: recorded when a step is resolved, waited for when it is replayed.

Resolving an action step observes the page before and after its actions and records the durable
part of the change in the entry (:mod:`pytest_webagent.replay.effect`). When a model planned the
step and nothing changed, the model is told so and may go on, ``webagent_effect_reflections``
times, before the step is recorded. Replaying waits for the recorded effect after the actions; an
effect that does not come is an :class:`EffectDrift`: a failure in ``replay`` mode, re-planned in
the other modes (:meth:`StepEffects.heal`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from pytest_webagent.browser.effect_wait import EffectWait, StepStart
from pytest_webagent.browser.effects import EffectObserver, Observed, PageEvents
from pytest_webagent.browser.executor import FRAME_HOP, Action
from pytest_webagent.cases.model import Step, StepKind
from pytest_webagent.errors import StepFailed
from pytest_webagent.replay.effect import MAX_ELEMENTS, Effect, describe, summarize, with_values
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import Entry
from pytest_webagent.resolve import direct
from pytest_webagent.run.results import StepResult
from pytest_webagent.secret_values import Secrets

# resolve(drift, done, notes): resolve the step anew, ``done`` already run, ``notes`` for the model
Resolve = Callable[[Drift | None, list[Action], list[str]], StepResult]
NOTHING_CHANGED = (
    "the actions of this step so far changed nothing on the page (the URL, the elements, the "
    "values and dialogs are as before); if the step is not done yet, go on; if it is, answer done"
)


@dataclass(frozen=True)
class EffectDrift(Drift):
    """A replayed step's actions ran on the recorded elements, but their effect did not come."""

    held: Effect | None = None  # the part of the recorded effect that did come

    def describe(self) -> str:
        return f"effect drifted: {self.detail}"


@dataclass(frozen=True)
class PendingEffect:
    """A replayed step's expected elements and values, as one locator (``together``: the page's
    root holding them) that the next step's first action runs within, so that they cost no round
    trip of their own; ``settle`` waits for them apart, when that action cannot carry them."""

    together: Locator
    wait: EffectWait
    entry: Entry

    def settle(self, timeout_ms: float) -> EffectDrift | None:
        self.wait.wait_together(self.together, timeout_ms)
        return _drift(self.wait, self.entry)

    def drift(self) -> EffectDrift | None:
        """After the action that carried them failed: what of them did not come, if anything."""
        self.wait.look()
        return _drift(self.wait, self.entry)


class EarlierEffectDrift(Exception):
    """The previous step's effect (pending, waited for inside this step's first action) did not
    come: that step drifted, before this one did anything."""

    def __init__(self, drift: EffectDrift) -> None:
        super().__init__(drift.describe())
        self.drift = drift


class EffectDrifted(StepFailed):
    headline = "effect drifted"
    # (number, step) when found during the next step, whose first action waited for it.
    earlier: tuple[int, Step] | None = None


def effect_drifted(drift: Drift, why: str, advice: list[str]) -> EffectDrifted:
    hints = [f"recorded effect: {drift.recorded}", *advice]
    return EffectDrifted(f"{drift.describe()} ({why})", hints=hints)


class StepEffects:
    def __init__(self, page: Page, secrets: Secrets, reflections: int) -> None:
        self.page = page
        self.secrets = secrets
        self.reflections = reflections
        self.events = PageEvents(page)
        self.observer = EffectObserver(page, self.events)

    # -- replay ------------------------------------------------------------------------------
    def start(self) -> StepStart:
        return StepStart.of(self.page, self.events)

    def check(
        self, entry: Entry, values: dict[str, str], start: StepStart, timeout_ms: float
    ) -> EffectDrift | None:
        """Wait for ``entry``'s recorded effect; None when it came (or none was recorded)."""
        wait = self._wait(entry, start)
        if wait is None:
            return None
        wait.run(with_values(entry["effect"], values), _selectors(entry), timeout_ms)
        return _drift(wait, entry)

    def check_later(
        self, entry: Entry, values: dict[str, str], start: StepStart, timeout_ms: float
    ) -> EffectDrift | PendingEffect | None:
        """Like :meth:`check`, but the elements and values the effect expects are left for the
        next step's first action to wait for, inside its own Playwright call (a pending effect);
        what needs no locator (URL, dialog, tab) is waited for now."""
        wait = self._wait(entry, start)
        if wait is None:
            return None
        together = wait.begin(with_values(entry["effect"], values), _selectors(entry), timeout_ms)
        if wait.mismatches:
            if together is not None:
                wait.look()
            return _drift(wait, entry)
        return None if together is None else PendingEffect(together, wait, entry)

    def _wait(self, entry: Entry, start: StepStart) -> EffectWait | None:
        if not entry.get("effect") or self.page.is_closed():
            return None  # recorded before effects existed, or the step changed nothing durable
        return EffectWait(self.page, self.events, start, self.secrets.resolve, self.secrets.mask)

    def heal(
        self,
        step: Step,
        entry: Entry,
        drift: EffectDrift,
        timeout_ms: float,
        resolve: Resolve,
        values: dict[str, str],
    ) -> StepResult:
        """Re-plan a step whose effect drifted (its actions have run).

        An explicit step's words name its actions, and they ran on the recorded elements: the
        direct resolver would choose them again, so what is re-planned is the effect, recorded
        as far as it is known (what came of the recorded one, and the URL). A model-planned step
        goes back to the model, told what happened, which may act further.
        """
        held = dict(drift.held or {})
        if entry.get("resolved_by") == direct.RESOLVER_NAME:
            healed = {key: value for key, value in entry.items() if key != "effect"}
            if held:
                healed["effect"] = held
            return StepResult(step, "re-planned", entry["actions"], healed, drift)
        note = f"this step's recorded effect did not come: {drift.detail}"
        before = self.observer.state(timeout_ms)
        result = resolve(drift, list(entry["actions"]), [note])
        observed = self.observer.changes(before, result.actions, timeout_ms)
        return self._with_effect(
            result, _merged(held, self._summary(observed, step, result, values))
        )

    # -- resolving ---------------------------------------------------------------------------
    def record(
        self,
        step: Step,
        timeout_ms: float,
        values: dict[str, str],
        resolve: Resolve,
        drift: Drift | None,
        done: list[Action],
    ) -> StepResult:
        """Resolve an action step with its effect observed; reflect when a model did nothing."""
        if step.kind is not StepKind.ACTION:
            return resolve(drift, done, [])
        before = self.observer.state(timeout_ms)
        result = resolve(drift, done, [])
        if self.page.is_closed():
            return result  # the step closed the tab it started in: no page to observe
        observed = self.observer.changes(before, result.actions, timeout_ms)
        for _ in range(self.reflections):
            if observed.changed or not _planned(result) or not _meant_to_change(result.actions):
                break
            result = resolve(drift, result.actions, [NOTHING_CHANGED])
            observed = self.observer.changes(before, result.actions, timeout_ms)
        return self._with_effect(result, self._summary(observed, step, result, values))

    def _summary(
        self, observed: Observed, step: Step, result: StepResult, values: dict[str, str]
    ) -> Effect:
        return summarize(observed, step.text, result.actions, values, self.secrets.mask)

    def _with_effect(self, result: StepResult, effect: Effect) -> StepResult:
        if result.entry is None:
            return result
        recorded = result.entry
        if recorded.get("effect") == (effect or None):
            return result
        entry = {key: value for key, value in recorded.items() if key != "effect"}
        if effect:
            entry["effect"] = self.secrets.mask_data(effect)
        result.entry = entry  # an unchanged entry keeps its resolved_at: only the effect is new
        return result


def _selectors(entry: Entry) -> dict[str, str]:
    """The selector of each target of the entry, by the code its effect names fields by."""
    return {a["target"]["code"]: a["target"]["selector"] for a in entry["actions"] if "target" in a}


def _drift(wait: EffectWait, entry: Entry) -> EffectDrift | None:
    if not wait.mismatches:
        return None
    detail = "; ".join(f"expected {m.expected}, but {m.happened}" for m in wait.mismatches)
    recorded = "; ".join(describe(entry["effect"]))
    return EffectDrift(
        "effect", detail, recorded, [m.happened for m in wait.mismatches], held=wait.held
    )


def _planned(result: StepResult) -> bool:
    entry = result.entry or {}
    return str(entry.get("resolved_by", "")).startswith("model:")


def _meant_to_change(actions: list[Action]) -> bool:
    """Hovering, scrolling and waiting change nothing by design; other actions are meant to.
    An action inside a frame is not judged: the observer reads the page's own document, and a
    change in a frame's content would look like nothing."""
    return any(
        action["type"] not in ("hover", "wait_for", "scroll_into_view")
        and FRAME_HOP not in action.get("target", {}).get("selector", "")
        for action in actions
    )


def _merged(first: Effect, second: Effect) -> Effect:
    merged = dict(second)
    merged.update({k: v for k, v in first.items() if k not in ("appeared", "disappeared")})
    for key in ("appeared", "disappeared", "values"):
        known = first.get(key, [])
        items = [*known, *(item for item in second.get(key, ()) if item not in known)]
        if items:
            merged[key] = items[:MAX_ELEMENTS] if key != "values" else items
    return merged
