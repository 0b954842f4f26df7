"""On replay, after a step's actions: wait for the step's recorded effect to come.

Each recorded change is a targeted wait, Playwright's own auto-waiting: the URL from the page's
known state (no round trip); the elements that appeared, those that disappeared and the values
fields kept, all as ONE locator, the page's root filtered to have each of them (and not the
disappeared ones), waited for with one ``expect`` (one round trip when they are there, else polled
until they come: asynchronous loads and animations are waited for, not failed). Values holding a
secret, and fields in frames, are waited for apart, by ``expect(...).to_have_value``.
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
from pytest_webagent.browser.executor import FRAME_HOP
from pytest_webagent.replay import selector_engines

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
        self._timeout: float = 0
        self._effect: dict[str, Any] = {}
        self._selectors: dict[str, str] = {}
        self._together_values: list[dict[str, str]] = []  # in the one locator, not apart

    def run(self, effect: dict[str, Any], selectors: dict[str, str], timeout_ms: float) -> None:
        """Wait for the whole effect now."""
        together = self.begin(effect, selectors, timeout_ms)
        if together is not None:
            self.wait_together(together, self.wait_ms)

    def wait_together(self, together: Locator, timeout_ms: float) -> None:
        """Wait for the locator of :meth:`begin`; what did not come is looked at after."""
        try:
            expect(together).to_have_count(1, timeout=timeout_ms)
        except (AssertionError, PlaywrightError) as error:
            self.look(late=not selector_engines.unknown(error))
        else:
            self.came_together()

    def begin(
        self, effect: dict[str, Any], selectors: dict[str, str], timeout_ms: float
    ) -> Locator | None:
        """Wait for what needs no locator (the URL, a dialog, a tab) and for the values waited
        for apart; return the one locator that holds the rest (None: nothing left), for the
        caller to wait for now (:meth:`run`) or inside its next action."""
        self._timeout, self._effect, self._selectors = timeout_ms, effect, selectors
        if "url_path" in effect:
            self._url(effect["url_path"])
        values = [v for v in effect.get("values", ()) if v["field"] in selectors]
        self._together_values = [v for v in values if self._together(v, selectors)]
        for value in values:
            if value not in self._together_values:
                self._kept(value)
        if "dialog" in effect and self._dialog(effect["dialog"]):
            self.held["dialog"] = effect["dialog"]
        if effect.get("new_tab") and self._event(
            "popup", self.start.tabs, lambda: self.events.tabs, "a new tab opens"
        ):
            self.held["new_tab"] = True
        return self._all_at_once(effect, self._together_values, selectors)

    def came_together(self) -> None:
        """The locator of :meth:`begin` matched: its elements and values all came."""
        for key in ("appeared", "disappeared"):
            if self._effect.get(key):
                self.held[key] = list(self._effect[key])
        if self._together_values:
            self.held.setdefault("values", []).extend(self._together_values)

    def look(self, *, late: bool = True) -> None:
        """The locator of :meth:`begin` did not match: look at each of its changes to say which
        did not come (without waiting, when ``late``: its wait ran out already)."""
        self._late = late
        self._each(self._effect)
        for value in self._together_values:
            self._kept(value)

    def _kept(self, value: dict[str, str]) -> None:
        field = value["field"]
        if self._value(field, self._selectors[field], value["value"]):
            self.held.setdefault("values", []).append(value)

    def _together(self, value: dict[str, str], selectors: dict[str, str]) -> bool:
        """Whether a kept value can be waited for in the one locator: not a secret (the real value
        would be in a selector, which call logs and traces show), not in a frame (``has``
        cannot enter one)."""
        plain = self.resolve(value["value"]) == value["value"]
        return plain and FRAME_HOP not in selectors[value["field"]]

    def _all_at_once(
        self, effect: dict[str, Any], values: list[dict[str, str]], selectors: dict[str, str]
    ) -> Locator | None:
        """Every element and plain value of the effect as one locator: the root of the page,
        filtered to have each appeared element and kept value and none of the disappeared
        elements. It matches one element exactly when they all came."""
        appeared, gone = effect.get("appeared", []), effect.get("disappeared", [])
        if not (appeared or gone or values):
            return None
        root = self.page.locator(":root")
        for element in appeared:
            root = root.filter(has=self._locator(element))
        for element in gone:
            root = root.filter(has_not=self._locator(element))
        for value in values:
            held = selectors[value["field"]] + selector_engines.holding(value["value"])
            root = root.filter(has=self.page.locator(held))
        return root

    def _each(self, effect: dict[str, Any]) -> None:
        """Not all came: which ones did not, each looked at (without waiting, once late)."""
        for key in ("appeared", "disappeared"):
            elements = effect.get(key, [])
            if elements and self._all(elements, present=key == "appeared"):
                self.held[key] = list(elements)
                continue
            for element in elements:  # not all came: name the ones that did not
                if self._element(element, present=key == "appeared"):
                    self.held.setdefault(key, []).append(element)

    @property
    def wait_ms(self) -> float:
        return LOOK_ONLY_MS if self.mismatches or self._late else self._timeout

    def _path(self, url: str) -> str:
        return self.mask(urlparse(url).path)

    def _url(self, expected: str) -> None:
        if self._path(self.page.url) == expected:  # known to the client: no waiter needed
            self.held["url_path"] = expected
            return
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
