"""The tabs of one case: a step that opens a tab or popup moves the case into it.

Popups are noticed from Playwright's ``popup`` event (no round trip per action). The action that
opened one is recorded with ``opens_tab``, so replay waits for the tab to open and fails clearly
when it does not. ``Switch to the "X" tab`` and ``Close the tab`` move between the case's tabs.
Every page the case acts in gets its own ``PageWatch`` (allowed origins, crashes, dialogs).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pytest_webagent.browser.executor import Action, describe_action
from pytest_webagent.browser.page_watch import PageWatch
from pytest_webagent.errors import ActionFailed

WatchFactory = Callable[[Page], PageWatch]
SWITCH_POLL_MS = 100
MAY_OPEN_TABS = frozenset({"click", "double_click", "right_click", "press"})
POPUP_GRACE_MS = 300


class CaseTabs:
    """The pages a case opened, the one it acts in now, and a watch for each."""

    def __init__(self, first: Page, watch: PageWatch, new_watch: WatchFactory) -> None:
        self._new_watch = new_watch
        self._watches: dict[int, PageWatch] = {id(first): watch}
        self._popups: list[Page] = []
        self._listening: set[int] = set()
        self.current = first
        self._on_change: list[Callable[[Page, PageWatch], None]] = []
        self._listen(first)

    def on_change(self, callback: Callable[[Page, PageWatch], None]) -> None:
        """``callback(page, watch)`` whenever the case moves to another page."""
        self._on_change.append(callback)

    @property
    def watch(self) -> PageWatch:
        return self._watches[id(self.current)]

    @contextlib.contextmanager
    def around(self, action: Action, timeout_ms: float, recording: bool) -> Iterator[None]:
        """Run one action; follow a tab it opened (required when the recording says it did)."""
        self._popups.clear()
        yield
        if action.get("opens_tab") and not self._popups:
            self._wait_for_popup(action, timeout_ms)
        elif recording and action["type"] in MAY_OPEN_TABS and not self._popups:
            # Playwright reports a popup once it is set up, which can be after the click
            # returned: a recording waits a moment, so the entry says whether a tab opened.
            with contextlib.suppress(PlaywrightError):
                self.current.wait_for_event("popup", timeout=POPUP_GRACE_MS)
        if self._popups:
            action["opens_tab"] = True  # recorded: replay waits for this tab
            popup = self._popups[-1]
            self._popups.clear()
            with contextlib.suppress(PlaywrightError):  # the watch tells what went wrong
                popup.wait_for_load_state("domcontentloaded", timeout=timeout_ms)
            self.use(popup)

    def _wait_for_popup(self, action: Action, timeout_ms: float) -> None:
        try:
            self.current.wait_for_event("popup", timeout=timeout_ms)
        except PlaywrightError:
            raise ActionFailed(
                f"{describe_action(action)} was recorded opening a new tab, and no tab opened "
                f"within {timeout_ms / 1000:g}s",
                hints=["hint: if the page now opens it in the same tab, re-record the step"],
            ) from None

    def switch_to(self, title: str, timeout_ms: float) -> None:
        """Move to the open tab whose title or URL contains ``title``, waiting for it."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            pages = [page for page in self.current.context.pages if not page.is_closed()]
            for page in reversed(pages):
                with contextlib.suppress(PlaywrightError):
                    if title in page.title() or title in page.url:
                        self.use(page)
                        page.bring_to_front()
                        return
            if time.monotonic() >= deadline:
                shown = ", ".join(repr(_title(page)) for page in pages)
                raise ActionFailed(f"no open tab's title or URL contains {title!r}; open: {shown}")
            self.current.wait_for_timeout(SWITCH_POLL_MS)

    def close_current(self) -> None:
        """Close the current tab; the case goes on in the last tab still open."""
        context = self.current.context
        self.current.close()
        remaining = [page for page in context.pages if not page.is_closed()]
        if not remaining:
            raise ActionFailed("closed the last tab: no page is left to go on in")
        self.use(remaining[-1])
        remaining[-1].bring_to_front()

    def use(self, page: Page) -> None:
        if id(page) not in self._watches:
            self._watches[id(page)] = self._new_watch(page)
        self._listen(page)
        self.current = page
        for callback in self._on_change:
            callback(page, self._watches[id(page)])

    def _listen(self, page: Page) -> None:
        if id(page) not in self._listening:
            self._listening.add(id(page))
            page.on("popup", self._on_popup)

    def _on_popup(self, page: Page) -> None:
        self._popups.append(page)


def _title(page: Page) -> str:
    try:
        return page.title() or page.url
    except PlaywrightError:
        return page.url
