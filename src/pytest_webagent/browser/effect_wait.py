"""On replay, after a step's actions: wait for the step's recorded effect to come.

Each recorded change is one targeted wait, Playwright's own auto-waiting: the URL from the page's
known state (no round trip), an element by role and exact name (one round trip when it is already
there, else polled until it comes: asynchronous loads and animations are waited for, not failed),
a field's value by ``expect``. No ARIA snapshot is taken unless the effect did not come, to say
what the page holds instead. The first missing change gets the step's timeout; once one is
missing the others are only looked at, so a drift reports every difference without waiting for
each in turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from pytest_webagent.browser.effects import PageEvents, element_text, named_elements

LOOK_ONLY_MS = 100  # once the effect is known to have drifted: look, do not wait
MAX_SHOWN = 5


@dataclass(frozen=True)
class StepStart:
    """What the page had opened before a replayed step's actions (read without a round trip)."""

    url: str
    dialogs: int
    tabs: int

    @classmethod
    def of(cls, page: Page, events: PageEvents) -> StepStart:
        return cls(page.url, len(events.dialogs), events.tabs)


@dataclass(frozen=True)
class Mismatch:
    expected: str
    happened: str


class EffectWait:
    """The waits of one replayed step; ``mismatches`` lists what did not come."""

    def __init__(
        self,
        page: Page,
        events: PageEvents,
        start: StepStart,
        resolve: Callable[[str], str],
        mask: Callable[[str], str],
    ) -> None:
        self.page, self.events, self.start = page, events, start
        self.resolve, self.mask = resolve, mask  # secrets: real values to the page only
        self.mismatches: list[Mismatch] = []
        self.held: dict[str, Any] = {}  # the part of the effect that came, in the same form

    def run(self, effect: dict[str, Any], selectors: dict[str, str], timeout_ms: float) -> None:
        self._timeout = timeout_ms
        if "url_path" in effect:
            self._url(effect["url_path"])
        for key in ("appeared", "disappeared"):
            for element in effect.get(key, ()):
                if self._element(element, present=key == "appeared"):
                    self.held.setdefault(key, []).append(element)
        for value in effect.get("values", ()):
            field = value["field"]
            if field in selectors and self._value(field, selectors[field], value["value"]):
                self.held.setdefault("values", []).append(value)
        if "dialog" in effect and self._dialog(effect["dialog"]):
            self.held["dialog"] = effect["dialog"]
        if effect.get("new_tab") and self._event(
            "popup", self.start.tabs, lambda: self.events.tabs, "a new tab opens"
        ):
            self.held["new_tab"] = True

    @property
    def wait_ms(self) -> float:
        return LOOK_ONLY_MS if self.mismatches else self._timeout

    def _path(self, url: str) -> str:
        return self.mask(urlparse(url).path)

    def _url(self, expected: str) -> None:
        try:
            self.page.wait_for_url(
                lambda url: self._path(url) == expected, wait_until="commit", timeout=self.wait_ms
            )
        except PlaywrightError:
            now = self._path(self.page.url)
            self._miss(f"the URL path becomes {expected!r}", f"it is {now!r}")
            if now != self._path(self.start.url):
                self.held["url_path"] = now
        else:
            self.held["url_path"] = expected

    def _element(self, element: dict[str, str], *, present: bool) -> bool:
        role = element["role"]
        shown = element_text(element)
        if "text" in element:  # a live region: its accessible name is not what it shows
            text = re.compile(rf"^\s*{re.escape(self.resolve(element['text']))}\s*$")
            locator = self.page.get_by_role(role).filter(has_text=text)  # type: ignore[arg-type]
        else:
            name = self.resolve(element["name"])
            locator = self.page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
        try:
            locator.first.wait_for(
                state="attached" if present else "detached", timeout=self.wait_ms
            )
        except PlaywrightError:
            if present:
                self._miss(f"{shown} appears", self._instead(role))
            else:
                self._miss(f"{shown} disappears", "it is still there")
            return False
        return True

    def _value(self, field: str, selector: str, value: str) -> bool:
        locator = self.page.locator(selector)
        try:
            expect(locator).to_have_value(self.resolve(value), timeout=self.wait_ms)
        except (AssertionError, PlaywrightError):
            try:
                now = self.mask(locator.input_value(timeout=LOOK_ONLY_MS))
                happened = f"it holds {now!r}"
            except PlaywrightError:
                happened = "the field is gone"
            self._miss(f"{field} keeps the value {value!r}", happened)
            return False
        return True

    def _dialog(self, kind: str) -> bool:
        expected = f"a {kind} dialog opens"
        if not self._event("dialogclosed", self.start.dialogs, lambda: len(self.events.dialogs),
                           expected):  # fmt: skip
            return False
        opened = self.events.dialogs[self.start.dialogs]
        if opened != kind:
            self._miss(expected, f"a {opened} dialog opened")
            return False
        return True

    def _event(self, event: str, before: int, count: Callable[[], int], expected: str) -> bool:
        if count() > before:
            return True  # events arrive only while Playwright runs a call: no race with the wait
        try:
            self.page.wait_for_event(event, timeout=self.wait_ms)
        except PlaywrightError:
            self._miss(expected, "none opened")
            return False
        return True

    def _instead(self, role: str) -> str:
        """What the page holds of that role, and its alerts: the failure path only."""
        try:
            elements = named_elements(self.page.locator("body").aria_snapshot(timeout=1000))
        except PlaywrightError:
            return "it did not appear"
        live = ("alert", "alertdialog", "dialog", "status")
        shown = [element_text({"role": r, by: n}) for r, n, by in dict.fromkeys(elements)
                 if r == role or r in live]  # fmt: skip
        if not shown:
            return f"it did not appear (no {role} on the page)"
        return f"it did not appear; the page holds {', '.join(shown[:MAX_SHOWN])}"

    def _miss(self, expected: str, happened: str) -> None:
        self.mismatches.append(Mismatch(expected, self.mask(happened)))
