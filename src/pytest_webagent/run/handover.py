"""A replayed step's effect, handed over to the next step's first action to wait for.

Waiting for a step's expected elements and values costs a Playwright call of its own; the next
step's first action makes a call anyway, so it runs within the effect's locator and waits for
both (:mod:`pytest_webagent.replay.selector_engines`, :class:`.effects.PendingEffect`). Only when
the runner runs that next step itself: a step of the Python API is followed by the test's code,
which may rely on the effect having come.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from pytest_webagent.browser.effect_wait import StepStart
from pytest_webagent.cases.model import Step
from pytest_webagent.replay.trajectory import Entry
from pytest_webagent.run.acting import Actor
from pytest_webagent.run.effects import EffectDrift, PendingEffect, StepEffects


@dataclass(frozen=True)
class HandedOver:
    number: int  # of the step the effect belongs to
    step: Step
    effect: PendingEffect


class EffectHandover:
    def __init__(self) -> None:
        self.pending: HandedOver | None = None
        self.allowed = False  # set while the runner runs a step it will run the next one of

    def carried(self, entry: Entry | None, actor: Actor, page: Page) -> PendingEffect | None:
        """The pending effect, when ``entry``'s first action can wait for it (same page, an
        action that runs narrowed to its target); None otherwise."""
        if self.pending is None or entry is None or self.pending.effect.wait.page is not page:
            return None
        return self.pending.effect if actor.carries(entry) else None

    def settle(self, timeout_ms: float) -> EffectDrift | None:
        """Wait for the pending effect now (nothing of the next step can carry it)."""
        if self.pending is None:
            return None
        drift = self.pending.effect.settle(timeout_ms)
        if drift is None:
            self.pending = None
        return drift

    def after_replay(
        self,
        effects: StepEffects,
        entry: Entry,
        values: dict[str, str],
        start: StepStart,
        timeout_ms: float,
        number: int,
        step: Step,
    ) -> EffectDrift | None:
        """A step replayed: wait for its effect, or hand what needs a locator over."""
        self.pending = None
        if not self.allowed:
            return effects.check(entry, values, start, timeout_ms)
        outcome = effects.check_later(entry, values, start, timeout_ms)
        if isinstance(outcome, PendingEffect):
            self.pending = HandedOver(number, step, outcome)
            return None
        return outcome

    def take(self) -> HandedOver:
        """The pending effect, which turned out not to have come: the caller handles it."""
        assert self.pending is not None
        pending, self.pending = self.pending, None
        return pending
