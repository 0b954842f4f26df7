"""Stopping a main-frame navigation to a disallowed origin before its request leaves the browser.

A link, a script, a redirect or a form can take the page anywhere, with what the case typed in
the URL or the body. Noticing it afterwards (``framenavigated``) is too late: the other site has
the request. In Chromium a CDP session of the plugin's own pauses only *document* requests
(``Fetch.enable`` with ``resourceType: Document``); the main frame's ones are checked against the
allowed origins and failed (``BlockedByClient``) or continued, frames' ones continued at once.
Images, scripts, XHR are never paused, and the HTTP cache stays on (a Playwright route would pause
every request and switch the cache off: docs/decisions.md). Redirects are paused again, so a
redirect to another origin is stopped too. Other browsers get a route that does the same check.

A paused request is answered when Playwright next delivers events, that is while the test waits
on any Playwright call: the navigation simply waits until then.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from playwright.sync_api import CDPSession, Page, Route
from playwright.sync_api import Error as PlaywrightError

DOCUMENTS = [{"urlPattern": "*", "resourceType": "Document", "requestStage": "Request"}]


class NavigationGuard:
    """Fails the main frame's requests to URLs ``allows`` refuses; remembers the first one."""

    def __init__(self, page: Page, allows: Callable[[str], bool]) -> None:
        self._page = page
        self._allows = allows
        self._blocked: str | None = None
        self._session: CDPSession | None = None
        self._main_frame = ""
        try:
            self._session = page.context.new_cdp_session(page)
            tree = self._session.send("Page.getFrameTree")
            self._main_frame = tree["frameTree"]["frame"]["id"]
            self._session.on("Fetch.requestPaused", self._on_paused)
            self._session.send("Fetch.enable", {"patterns": DOCUMENTS})
        except PlaywrightError:  # not Chromium: CDP sessions are Chromium's
            self._session = None
            page.route("**/*", self._on_route)

    def take(self) -> str | None:
        """The first URL stopped since the last call, if any."""
        blocked, self._blocked = self._blocked, None
        return blocked

    def _refuse(self, url: str) -> bool:
        if self._allows(url):
            return False
        self._blocked = self._blocked or url
        return True

    def _on_paused(self, event: dict[str, Any]) -> None:
        assert self._session is not None
        request_id = event.get("requestId")
        main = event.get("frameId") == self._main_frame
        url = str(event.get("request", {}).get("url", ""))
        # A page closing meanwhile makes the answer fail: nothing is left to stop then. Every
        # paused request is answered, or the page would wait for it until the step times out.
        with suppress(PlaywrightError):
            if main and self._refuse(url):
                self._session.send(
                    "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}
                )
            else:
                self._session.send("Fetch.continueRequest", {"requestId": request_id})

    def _on_route(self, route: Route) -> None:
        request = route.request
        with suppress(PlaywrightError):
            main = request.is_navigation_request() and request.frame.parent_frame is None
            if main and self._refuse(request.url):
                route.abort("blockedbyclient")
            else:
                route.fallback()  # the user's own routes, if any, come next
