"""Stopping a main-frame navigation to a disallowed origin before its request leaves the browser.

A link, a script, a redirect or a form can take the page anywhere, with what the case typed in the
URL or the body. Noticing it afterwards (``framenavigated``) is too late: the other site has the
request. In Chromium one CDP session per browser pauses the *document* requests (``Fetch.enable``
with ``resourceType: Document``) whose origin is not one that every guarded page allows
(``document_patterns``): navigations within the application are never paused, and a new page costs
no call. Chromium's interception still slows every request of the browser while it is on (about 1.5
ms each, paused or not: benchmarks/README.md), so it is switched off before a test that does not
use the plugin (``rest_idle_pauses``): pytest-playwright's browser is shared. A paused request of a
page's main frame to a URL its guard refuses is failed (``BlockedByClient``); every other one is
continued. While every open guard has the same rule (one case at a time, its tabs), any page of the
browser is held to it; when pages of different rules are open, each page's target id is learnt and
each page is held to its own guard. Frames may go anywhere. Images, scripts and XHR are never
paused, and the HTTP cache stays on (a Playwright route would pause every request and switch the
cache off: docs/decisions.md). Redirects are paused again, so a redirect to another origin is
stopped too. Other browsers get a route per page that does the same check.

A paused request is answered when Playwright next delivers events, that is while the test waits
on any Playwright call: the navigation simply waits until then.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from playwright.sync_api import Browser, CDPSession, Page, Route
from playwright.sync_api import Error as PlaywrightError

from pytest_webagent.browser.document_patterns import document_patterns_outside
from pytest_webagent.browser.origins import AllowedOrigins


class NavigationGuard:
    """Fails ``page``'s main-frame requests to URLs ``allowed`` refuses; remembers the first."""

    def __init__(self, page: Page, allowed: AllowedOrigins) -> None:
        self.page = page
        self.allowed = allowed
        self.origins = allowed.origins  # never ANY_ORIGIN: no guard is made for that
        self._blocked: str | None = None
        self.target_id: str | None = None  # learnt only when pages of other rules are open
        pauses = DocumentPauses.of(page)
        if pauses is None:  # not Chromium: CDP sessions are Chromium's
            page.route("**/*", self._on_route)
        else:
            pauses.guard(self)

    def take(self) -> str | None:
        """The first URL stopped since the last call, if any."""
        blocked, self._blocked = self._blocked, None
        return blocked

    def stop(self, url: str) -> None:
        """Note that a request of this page to ``url`` was stopped (the first one is reported)."""
        self._blocked = self._blocked or url

    def identify(self) -> None:
        """Learn the page's target id, which is its main frame's id in paused requests."""
        if self.target_id is None:
            with suppress(PlaywrightError):  # the page closed: nothing of it will be paused
                session = self.page.context.new_cdp_session(self.page)
                try:
                    info = session.send("Target.getTargetInfo")["targetInfo"]
                    self.target_id = str(info["targetId"])
                finally:
                    session.detach()

    def _on_route(self, route: Route) -> None:
        request = route.request
        with suppress(PlaywrightError):
            main = request.is_navigation_request() and request.frame.parent_frame is None
            if main and not self.allowed.allows(request.url):
                self.stop(request.url)
                route.abort("blockedbyclient")
            else:
                route.fallback()  # the user's own routes, if any, come next


class DocumentPauses:
    """The CDP session of one browser that pauses what the open pages' guards may refuse.

    Browser-wide so that a new page costs no call: the session is set up once per browser, its
    patterns with the first guard and again only when a case allows fewer origins than the ones
    left unpaused, or after they were switched off for a test that does not use the plugin.
    """

    # One per browser for its lifetime (per page in a persistent context); None: no CDP spoken.
    _of_browser: ClassVar[WeakKeyDictionary[Browser | Page, DocumentPauses | None]] = (
        WeakKeyDictionary()
    )

    def __init__(self, session: CDPSession) -> None:
        self._session = session
        self._guards: dict[Page, NavigationGuard] = {}  # the newest guard of each open page
        self._unpaused: frozenset[str] | None = None  # origins whose documents go unpaused
        self._identifying = False  # whether guards are told apart by their pages' target ids
        session.on("Fetch.requestPaused", self._on_paused)

    @classmethod
    def of(cls, page: Page) -> DocumentPauses | None:
        """The pauses of ``page``'s browser (of the page alone for a persistent context, which
        has no browser object); None where CDP is not spoken."""
        browser = page.context.browser
        owner: Browser | Page = page if browser is None else browser
        if owner in cls._of_browser:
            return cls._of_browser[owner]
        try:
            session = (
                browser.new_browser_cdp_session()
                if browser is not None
                else page.context.new_cdp_session(page)
            )
        except PlaywrightError:
            pauses = None
        else:
            pauses = cls(session)
        cls._of_browser[owner] = pauses
        return pauses

    def guard(self, guard: NavigationGuard) -> None:
        """Stop what ``guard`` refuses, in its page, until the page closes."""
        if guard.page not in self._guards:
            guard.page.once("close", self._forget)
        self._guards[guard.page] = guard
        self._identifying = (
            self._identifying or len({each.origins for each in self._guards.values()}) > 1
        )
        if self._identifying:
            # Pages with different rules have been open together: from then on each page's
            # main frame is told apart by its target id, asked now (a CDP session cannot be
            # opened while a request waits for the answer).
            for each in self._guards.values():
                each.identify()
        unpaused = self._unpaused
        if unpaused and unpaused <= guard.origins:
            return  # all left unpaused is allowed here too (nothing unpaused: widened if it can be)
        wanted = guard.origins.intersection(
            *(other.origins for other in self._guards.values() if other is not guard)
        )
        if wanted != unpaused:
            self._session.send("Fetch.enable", {"patterns": document_patterns_outside(wanted)})
            self._unpaused = wanted

    def _forget(self, page: Page) -> None:
        self._guards.pop(page, None)

    def rest(self) -> None:
        """Switch the pauses off if no guarded page is open; the next guard sets them again."""
        if not self._guards and self._unpaused is not None:
            self._unpaused, self._identifying = None, False
            with suppress(PlaywrightError):  # the browser closed: nothing is left to pause
                self._session.send("Fetch.disable")

    def _on_paused(self, event: dict[str, Any]) -> None:
        request_id = event.get("requestId")
        url = str(event.get("request", {}).get("url", ""))
        # A page closing meanwhile makes the answer fail: nothing is left to stop then. Every
        # paused request is answered, or the page would wait for it until the step times out.
        with suppress(PlaywrightError):
            told = self._stopping(url, event.get("frameId"))
            if told is not None:
                for guard in told:
                    guard.stop(url)
                self._session.send(
                    "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}
                )
            else:
                self._session.send("Fetch.continueRequest", {"requestId": request_id})

    def _stopping(self, url: str, frame_id: object) -> list[NavigationGuard] | None:
        """The guards to tell when a document request of ``frame_id`` to ``url`` is stopped
        (maybe none); None when it goes on."""
        refusing = [guard for guard in self._guards.values() if not guard.allowed.allows(url)]
        if not refusing:
            return None
        shown = self._main_frame_url(frame_id)
        if shown is None:
            return None  # a frame within a page: frames may show other origins
        identified = {guard.target_id: guard for guard in self._guards.values() if guard.target_id}
        if frame_id in identified:
            own = identified[frame_id]
            return [own] if own in refusing else None
        if identified:
            return []  # a page with no guard goes only where every guard allows
        # One rule for every page: the page is stopped, whichever it is. Told: the guard of the
        # page showing that URL; if none does (a popup, still blank), every guard, so that the
        # case's own watch names the URL whichever of its tabs it is in.
        showing = [guard for guard in refusing if guard.page.url == shown]
        return showing[:1] or refusing

    def _main_frame_url(self, frame_id: object) -> str | None:
        """The URL a page shows if ``frame_id`` is its main frame (a main frame's id is its page
        target's); None for a frame within a page."""
        try:
            info = self._session.send("Target.getTargetInfo", {"targetId": frame_id})
        except PlaywrightError:  # not a target: a frame in its parent's process
            return None
        target = info["targetInfo"]
        return str(target.get("url", "")) if target.get("type") == "page" else None


def rest_idle_pauses() -> None:
    """Switch the pauses off in every browser that has no guarded page open.

    Chromium's interception slows every request of the browser while it is on (about 1.5 ms
    each here, paused or not), and pytest-playwright shares one browser between the plugin's
    cases and the project's other tests: those go without it. Called before a test that does
    not use the plugin, not when a case's page closes: from one case to the next the pauses
    stay, which spares a ``Fetch.enable`` of some 2,000 patterns (15-25 ms) per case.
    """
    for pauses in list(DocumentPauses._of_browser.values()):
        if pauses is not None:
            pauses.rest()
