"""On replay, after a step's actions: wait for the step's recorded effect to come.

Each recorded change is a targeted wait, Playwright's own auto-waiting: the URL from the page's
known state (no round trip), the elements that appeared (and those that disappeared) as one union
of role-and-exact-name locators (one round trip when they are there, else polled until they come:
asynchronous loads and animations are waited for, not failed), a field's value by ``expect``.
No ARIA snapshot is taken unless the effect did not come, to say what the page holds instead. The
first missing change gets the step's timeout; once one is missing the others are only looked at,
so a drift reports every difference without waiting for each in turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

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
        self._late = False  # a wait ran out already

    def run(self, effect: dict[str, Any], selectors: dict[str, str], timeout_ms: float) -> None:
        self._timeout = timeout_ms
        if "url_path" in effect:
            self._url(effect["url_path"])
        for key in ("appeared", "disappeared"):
            elements = effect.get(key, [])
            if elements and self._all(elements, present=key == "appeared"):
                self.held[key] = list(elements)
                continue
            for element in elements:  # not all came: name the ones that did not
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
        return LOOK_ONLY_MS if self.mismatches or self._late else self._timeout

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

    def _locator(self, element: dict[str, str]) -> Locator:
        role = element["role"]
        if "text" in element:  # a live region: its accessible name is not what it shows
            text = re.compile(rf"^\s*{re.escape(self.resolve(element['text']))}\s*$")
            return self.page.get_by_role(role).filter(has_text=text)  # type: ignore[arg-type]
        name = self.resolve(element["name"])
        return self.page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]

    def _all(self, elements: list[dict[str, str]], *, present: bool) -> bool:
        """All of them there (or none of them): one wait, one round trip when they are.

        Each element counts once (``first``) and different roles or names are different
        elements, so the union has as many elements as the list exactly when all are there.
        """
        union = self._locator(elements[0]).first
        for element in elements[1:]:
            union = union.or_(self._locator(element).first)
        try:
            expect(union).to_have_count(len(elements) if present else 0, timeout=self.wait_ms)
        except AssertionError:
            self._late = True  # waited out: the look at each one that follows does not wait
            return False
        return True

    def _element(self, element: dict[str, str], *, present: bool) -> bool:
        role = element["role"]
        shown = element_text(element)
        locator = self._locator(element)
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
