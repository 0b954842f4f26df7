"""Acting in the page: run actions under the page watch, and replay a recorded entry verified."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pytest_webagent.browser.executor import Action, Executor
from pytest_webagent.browser.page_watch import PageWatch
from pytest_webagent.replay.identity import Drift, Verified, verify
from pytest_webagent.replay.trajectory import Entry, concrete
from pytest_webagent.report.allure_report import StepReport
from pytest_webagent.resolve.optional import present
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

    def execute(
        self, action: Action, timeout: float, report: StepReport, *, recording: bool = True
    ) -> None:
        """Run ``action``; ``recording``: it is being resolved, not replayed from an entry."""
        self.watch.before(action)
        tabs = (
            self.tabs.around(action, timeout, recording) if self.tabs else contextlib.nullcontext()
        )
        with report.action(action), tabs:
            self.executor.run(action, timeout)
        self.watch.check()

    def replay(
        self, entry: Entry, values: dict[str, str], timeout: float, report: StepReport
    ) -> tuple[Drift | None, list[Action]]:
        """Replay an entry's actions, each target verified first; stop at the first drift.

        Returns the drift (None when every action ran) and the actions that ran before it.
        """
        done: list[Action] = []
        for number, recorded in enumerate(entry["actions"], 1):
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
            checked = verify(self.page, self._reveal(action), timeout)
            if not isinstance(checked, Drift) and "destination" in action:
                # A drag's drop target is verified too.
                dropped = verify(
                    self.page, self._reveal({"target": action["destination"]}), timeout
                )
                if isinstance(dropped, Drift):
                    return dropped, done
            if isinstance(checked, Drift):
                return checked, done
            if isinstance(checked, Verified):
                name = "identity" if len(entry["actions"]) == 1 else f"identity {number}"
                report.parameter(name, checked.comparison.describe())
            self.execute(self._reveal(concrete(action, values)), timeout, report, recording=False)
            done.append(recorded)
        return None, done

    def _settle(self, timeout: float) -> None:
        """Let a page that the previous action opened run its deferred scripts first.

        Replay is faster than the recording was: typing into a form whose submit handler is not
        attached yet (Enter then reloads the page) is a race the recording never ran into.
        Free when the page is loaded: Playwright answers from the load states it already knows.
        """
        # Still loading after the timeout: the identity check that follows waits for its element.
        with contextlib.suppress(PlaywrightError):
            self.page.wait_for_load_state("domcontentloaded", timeout=timeout)
