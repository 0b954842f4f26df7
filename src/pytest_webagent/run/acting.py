"""Acting in the page: run actions under the page watch, and replay a recorded entry verified."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import Action, Executor
from pytest_webagent.browser.page_watch import PageWatch
from pytest_webagent.compat import load_state_reached
from pytest_webagent.errors import StepFailed
from pytest_webagent.replay import selector_engines
from pytest_webagent.replay.identity import Drift, Verified, held, narrowable, narrowing, verify
from pytest_webagent.replay.trajectory import Entry, concrete
from pytest_webagent.report.allure_report import StepReport
from pytest_webagent.resolve.optional import present
from pytest_webagent.run.effects import EarlierEffectDrift, EffectDrift, PendingEffect
from pytest_webagent.run.remembered import concrete_targets
from pytest_webagent.run.tabs import CaseTabs


class Actor:
    """Runs a case's actions in its page: each one watched and shown as a nested report step."""

    def __init__(
        self,
        page: Page,
        executor: Executor,
        watch: PageWatch,
        reveal: Callable[[Action], Action] = lambda action: action,
    ) -> None:
        self.page = page
        self.executor = executor
        self.watch = watch
        self._reveal = reveal  # secrets back into a recorded target, for the browser
        self.tabs: CaseTabs | None = None  # set by the runner: follows tabs an action opens
        # The identity check runs inside replayed actions until the browser context turns out
        # not to know the engine (a runner used without the plugin's registration).
        self.folds_identity = True
        self._failed_in_browser: StepFailed | None = None  # the last action Playwright failed

    def execute(
        self, action: Action, timeout: float, report: StepReport, *, recording: bool = True
    ) -> None:
        """Run ``action``; ``recording``: it is being resolved, not replayed from an entry."""
        self._run(action, timeout, report, recording, narrowed_to="")

    def _run(
        self,
        action: Action,
        timeout: float,
        report: StepReport,
        recording: bool,
        narrowed_to: str,
        within: Locator | None = None,
    ) -> bool:
        """``narrowed_to``: a replayed action's identity check (a selector part); ``within``: what
        the page must hold too. False: the check refused the element, before anything was done."""
        self.watch.before(action)
        tabs = (
            self.tabs.around(action, timeout, recording) if self.tabs else contextlib.nullcontext()
        )
        try:
            with report.action(action), tabs:
                try:
                    self.executor.run(action, timeout, narrowed_to, within)
                except StepFailed as failure:
                    if narrowed_to and _refused(failure):
                        # Raised through the report step (it shows why) and the tab watch (no
                        # tab is waited for: nothing was clicked).
                        raise _Refused(str(failure)) from failure
                    self._failed_in_browser = failure  # not, say, a tab that did not open
                    raise
        except _Refused:
            return False  # not acted: the full identity check decides
        self.watch.check()
        return True

    def carries(self, entry: Entry) -> bool:
        """Whether the entry's first action can run within a locator of what the page must hold
        (the previous step's effect): it is checked inside its action."""
        actions = entry["actions"]
        if not (self.folds_identity and actions) or actions[0].get("optional"):
            return False  # an optional action may not run at all: it cannot carry a wait
        return narrowable(actions[0])

    def replay(
        self,
        entry: Entry,
        values: dict[str, str],
        timeout: float,
        report: StepReport,
        pending: PendingEffect | None = None,
    ) -> tuple[Drift | None, list[Action]]:
        """Replay an entry's actions, each target verified first; stop at the first drift.

        ``pending`` (when :meth:`carries`): the previous step's effect, which the first action
        also waits for; :class:`EarlierEffectDrift` when it did not come.
        Returns the drift (None when every action ran) and the actions that ran before it.
        """
        done: list[Action] = []
        for number, recorded in enumerate(entry["actions"], 1):
            if recorded["type"] not in WAITING_CHECKS:
                self._settle(timeout)
            action = concrete_targets(recorded, values)  # a target named by a remembered value
            if action.get("optional"):
                # `Click "Cancel" if it appears`: runs when its target shows, else is skipped.
                if not present(self.page, self._reveal(action), timeout):
                    report.parameter(f"skipped {number}", f"{action['target']['code']} not shown")
                    done.append({**recorded, "skipped": True})
                    continue
                recorded = {k: v for k, v in recorded.items() if k != "skipped"}  # it runs
                action = {k: v for k, v in action.items() if k != "skipped"}
            name = "identity" if len(entry["actions"]) == 1 else f"identity {number}"
            drift = self._replay_one(action, values, timeout, report, name, pending)
            if drift is not None:
                return drift, done
            done.append(recorded)
            pending = None
        return None, done

    def _replay_one(
        self,
        action: Action,
        values: dict[str, str],
        timeout: float,
        report: StepReport,
        name: str,
        pending: PendingEffect | None,
    ) -> Drift | None:
        """Act on the recorded element only: the check inside the action when it can be (no
        round trip of its own), else before it; a drift when the element is not the same."""
        checked = self._reveal(action)  # secrets into the target; values into the rest:
        runnable = concrete(checked, values)
        narrowed = narrowing(checked) if self.folds_identity else None
        if narrowed is not None:
            within = pending.together if pending is not None else None
            try:
                if self._run(runnable, timeout, report, False, narrowed, within):
                    if pending is not None:
                        pending.wait.came_together()
                    report.parameter(name, held(checked).comparison.describe())
                    return None
            except StepFailed as failure:
                cause = failure.__cause__ or failure
                if selector_engines.unknown(cause):
                    self.folds_identity = False
                elif failure is not self._failed_in_browser or _acted(cause):
                    raise
                else:
                    # Not done (the element, or the previous step's effect, never came, or the
                    # element was not actionable): a drift says more than the timeout.
                    _earlier(pending.drift() if pending is not None else None, failure)
                    looked = verify(self.page, checked, LOOK_MS)
                    if isinstance(looked, Drift):
                        return looked
                    raise
        if pending is not None:  # not carried by the action after all: waited for apart
            _earlier(pending.settle(timeout), None)
        return self._checked_then_run(action, checked, runnable, timeout, report, name)

    def _checked_then_run(
        self,
        action: Action,
        checked: Action,
        runnable: Action,
        timeout: float,
        report: StepReport,
        name: str,
    ) -> Drift | None:
        """The full identity check (:func:`verify`), then the action on the plain selector."""
        verified = verify(self.page, checked, timeout)
        if not isinstance(verified, Drift) and "destination" in checked:
            # A drag's drop target is verified too.
            dropped = verify(self.page, {"target": checked["destination"]}, timeout)
            if isinstance(dropped, Drift):
                return dropped
        if isinstance(verified, Drift):
            return verified
        if isinstance(verified, Verified):
            report.parameter(name, verified.comparison.describe())
        self.execute(runnable, timeout, report, recording=False)
        return None

    def _settle(self, timeout: float) -> None:
        """Let a page that the previous action opened run its deferred scripts first.

        Replay is faster than the recording was: typing into a form whose submit handler is not
        attached yet (Enter then reloads the page) is a race the recording never ran into.
        Free when the page is loaded: the load states the client already knows say so, without
        Playwright's waiter (which reports to the driver even when it does not wait).
        """
        if load_state_reached(self.page, "domcontentloaded"):
            return
        # Still loading after the timeout: the identity check that follows waits for its element.
        with contextlib.suppress(PlaywrightError):
            self.page.wait_for_load_state("domcontentloaded", timeout=timeout)


class _Refused(Exception):
    """A replayed action's identity check refused its element before anything was done."""


# Checks that wait until the page holds what they expect: they pass only once it does, so waiting
# for the page's deferred scripts first adds nothing but time (about 20 ms per page opened).
# Negative and exact checks (hidden, a count) could pass before the scripts render what they
# look at: those wait like actions.
WAITING_CHECKS = frozenset(
    {"expect_visible", "expect_text", "expect_value", "expect_url", "expect_title"}
)
LOOK_MS = 100  # after a replayed action failed: look at its target, do not wait for it
# Playwright's call log once it has started acting (or waits for what the action started).
_ACTING = ("- performing ", "scheduled navigations", 'waiting until "')


def _refused(failure: StepFailed) -> bool:
    return selector_engines.refused(failure.__cause__ or failure)


def _acted(error: BaseException) -> bool:
    """Whether a failed action had begun to act: then it failed as an action, not as a drift."""
    return any(marker in str(error) for marker in _ACTING)


def _earlier(drift: EffectDrift | None, failure: StepFailed | None) -> None:
    """Raise the previous step's effect drift, if it drifted."""
    if drift is not None:
        raise EarlierEffectDrift(drift) from failure
