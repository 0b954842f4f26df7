"""What happens to the page between and during actions: where it went, whether it crashed, which
dialogs it opened, which downloads it started. Failures say so instead of timing out later.

Everything is learnt from events Playwright delivers anyway (main-frame navigations, crashes,
closed dialogs) or only on failure (failed navigation requests): watching costs no round trip per
action. Dialogs are left to Playwright (it dismisses them when no listener of the user's handles
them), so a dialog never blocks a step; they are only named when a step fails. Downloads are
refused (``downloads``) unless the case opted in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from playwright.sync_api import Dialog, Frame, Page, Request
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pytest_webagent.browser.downloads import refuse_downloads
from pytest_webagent.browser.executor import Action, describe_action
from pytest_webagent.browser.navigation_guard import NavigationGuard
from pytest_webagent.browser.origins import AllowedOrigins, shown_url
from pytest_webagent.browser.page_faults import (
    DIALOG_HINT,
    NOT_LOADING_HINT,
    LeftAllowedOrigins,
    PageCrashed,
    PageNotLoaded,
    first_line,
    may_be_a_crash,
)
from pytest_webagent.cases.model import Case
from pytest_webagent.errors import StepFailed

ERROR_PAGE = "chrome-error://"  # what the main frame shows when a navigation could not load
MAX_DIALOGS = 5
# The crash event trails the error of the call that met the crash (by 0.2-0.4 s when measured
# on a loaded machine); waited for only after errors that a crash could explain.
CRASH_GRACE_MS = 1500


class PageWatch:
    def __init__(
        self,
        page: Page,
        allowed: AllowedOrigins,
        *,
        accept_downloads: bool,
        case: Case,
        mask: Callable[[str], str] = str,
    ) -> None:
        self.page = page
        self.allowed = allowed
        self._step = 0
        self._last_action = ""
        self._left_to: str | None = None  # first main-frame URL off the allowed origins
        self._failed_load: tuple[str, str] | None = None  # (URL, error) of the last one
        self._crashed = False
        self._dialogs: list[str] = []
        # Stops main-frame requests to other origins before they leave (none to stop with "*").
        self._guard = None if allowed.any else NavigationGuard(page, allowed)
        page.on("framenavigated", self._on_navigated)
        page.on("requestfailed", self._on_request_failed)
        page.on("crash", self._on_crash)
        page.on("dialogclosed", self._on_dialog)
        if not accept_downloads:
            refuse_downloads(page, f"{case.location}: case {case.item_name!r}", mask)

    # -- checks ------------------------------------------------------------------------------
    def open(self, target: str, url: str, timeout_ms: float) -> None:
        """Open a case's ``url:`` (named by the case, hence allowed) and check where it led.

        ``target`` is what the browser gets (secrets resolved), ``url`` what reports show.
        """
        self._last_action = f"opening {url}"
        try:
            self.page.goto(target, timeout=timeout_ms)
        except PlaywrightError as error:
            if may_be_a_crash(error):
                self.raise_if_crashed(error)
            self._raise_if_stopped(error)  # a redirect to another origin, for one
            if not isinstance(error, PlaywrightTimeout):
                raise PageNotLoaded(f"could not open {url}: {first_line(error)}") from error
            reached = self.page.url != "about:blank"
            why = "did not finish loading" if reached else "got no response from the server"
            raise PageNotLoaded(
                f"{url} {why} within {timeout_ms / 1000:g}s (webagent_step_timeout)",
                hints=[NOT_LOADING_HINT],
            ) from error
        self.check()

    def before(self, action: Action) -> None:
        """Refuse to act on a crashed or off-origin page, or to navigate off the allowed ones."""
        self.check()
        self._last_action = describe_action(action)
        if action["type"] == "navigate":
            target = self.allowed.absolute(action["url"], self.page.url)
            if self.allowed.refusal(target):
                raise LeftAllowedOrigins(
                    f"refused to go to {shown_url(target)}: not on an allowed origin "
                    f"(allowed: {self.allowed.describe()})",
                    hints=[self.allowed.how_to_allow(target)],
                )

    def check(self) -> None:
        if self._crashed:
            raise PageCrashed()
        self._raise_if_stopped(None)
        failed, self._failed_load = self._failed_load, None
        left, self._left_to = self._left_to, None
        on_error_page = self.page.url.startswith(ERROR_PAGE)
        if left is None and not on_error_page and not self.allowed.allows(self.page.url):
            left = self.page.url
        if failed is not None and on_error_page and not self.allowed.allows(failed[0]):
            left = left or failed[0]  # the request went out, even if nothing came back
        if left is not None:
            raise LeftAllowedOrigins(
                f"the page went to {shown_url(left)} ({self._after()}), which is not on an "
                f"allowed origin (allowed: {self.allowed.describe()})",
                hints=[self.allowed.how_to_allow(left)],
            )
        if failed is not None and on_error_page:
            raise PageNotLoaded(f"{shown_url(failed[0])} could not load ({self._after()}): "
                                f"{failed[1]}")  # fmt: skip

    def raise_if_crashed(self, error: BaseException) -> None:
        if not self._crashed:
            # The error of a call that met the crash can arrive before the crash event itself.
            with suppress(PlaywrightError):
                self.page.wait_for_event("crash", timeout=CRASH_GRACE_MS)
        if self._crashed:
            raise PageCrashed() from error

    @contextmanager
    def step(self, number: int) -> Iterator[None]:
        """Around one step: checks before and after, and failures told what the page did."""
        self._step = number
        try:
            self.check()
            yield
            self.check()
        except (StepFailed, PlaywrightError) as failure:
            self._failed_load = None  # this step failed already: not the next one's failure
            if not isinstance(failure, LeftAllowedOrigins):
                self._raise_if_stopped(failure)  # why a navigate action or a wait failed
            if not isinstance(failure, PageCrashed) and may_be_a_crash(failure):
                self.raise_if_crashed(failure)
            if isinstance(failure, StepFailed) and self._dialogs:
                # A dismissed confirm() shows only later, when a check fails: name it there.
                failure.hints.append(f"the page opened: {', '.join(self._dialogs)}; {DIALOG_HINT}")
            raise

    def _raise_if_stopped(self, error: BaseException | None) -> None:
        """Fail with the main-frame navigation the guard stopped, if it stopped one."""
        stopped = self._guard.take() if self._guard is not None else None
        if stopped is None:
            return
        self._failed_load, self._left_to = None, None  # the blocked request's error page
        raise LeftAllowedOrigins(
            f"stopped the page from going to {shown_url(stopped)} ({self._after()}) before the "
            f"request left the browser: not on an allowed origin "
            f"(allowed: {self.allowed.describe()})",
            hints=[self.allowed.how_to_allow(stopped)],
        ) from error

    # -- events ------------------------------------------------------------------------------
    def _on_navigated(self, frame: Frame) -> None:
        if frame.parent_frame is not None or self._left_to is not None:
            return
        if not frame.url.startswith(ERROR_PAGE) and not self.allowed.allows(frame.url):
            self._left_to = frame.url

    def _on_request_failed(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self._failed_load = (request.url, request.failure or "failed")

    def _on_crash(self, _: Page) -> None:
        self._crashed = True

    def _on_dialog(self, dialog: Dialog) -> None:
        message = " ".join(dialog.message.split())
        shown = f"{dialog.type} {message[:80]!r}" if message else dialog.type
        self._dialogs = [*self._dialogs, f"{shown} (step {self._step})"][-MAX_DIALOGS:]

    def _after(self) -> str:
        return f"after {self._last_action}" if self._last_action else "before any action"
