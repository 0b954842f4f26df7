"""Observing what a step's actions changed in the page, when the step is resolved (recorded).

Before the actions: the URL, the named elements of the page's ARIA snapshot (role and accessible
name, counted) and how many dialogs and new tabs the page has opened so far. After them: the same,
once the page has settled (two snapshots in a row agree and no document, fetch or XHR is still
loading; bounded), so what an asynchronous load brings is seen, not the loading state before it.
What of this is durable enough to record is decided by :mod:`pytest_webagent.replay.effect`.

Replay never takes these snapshots: it waits for the recorded effect with targeted locators
(:mod:`.effect_wait`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field

from playwright.sync_api import Dialog, Page, Request
from playwright.sync_api import Error as PlaywrightError

from pytest_webagent.browser.executor import Action

# (role, accessible name, "name") or, for a live region named by the text it shows, (role, text,
# "text"): Playwright finds the first by name, the other by its text.
NamedElement = tuple[str, str, str]
MAX_SNAPSHOT_LINES = 4000  # a bounded read of a huge page: the effect is a summary anyway
SETTLE_INTERVAL_MS = 100
SETTLE_ROUNDS = 30  # at most ~3 s of waiting for the page to stop changing and loading
# `- role "name"`, with attributes or children after it (`[level=1]`, `:`).
_NAMED = re.compile(r'^\s*- (?P<role>[a-z]+) "(?P<name>(?:[^"\\]|\\.)*)"')
# `- status: 3 reports loaded`: live regions are named by the text they announce.
_TEXT_CHILD = re.compile(r"^\s*- (?P<role>alert|alertdialog|status|log|dialog): (?P<text>.+)$")
VALUE_ACTIONS = ("fill", "select")
LOADS = frozenset({"document", "fetch", "xhr"})  # what brings content a step waits for


class PageEvents:
    """Dialogs and new tabs a page opened, counted from events Playwright delivers anyway.

    ``dialogclosed`` (not ``dialog``) keeps Playwright's own handling: a listener of ``dialog``
    would have to accept or dismiss every dialog itself.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []  # dialog types, in order
        self.tabs = 0
        self._loading: set[Request] = set()  # documents, fetches and XHRs not answered yet
        self._tracking_loads = False
        page.on("dialogclosed", self._on_dialog)
        page.on("popup", self._on_popup)

    def track_loads(self) -> None:
        """Follow the page's requests from now on. Only observing a step (when it is resolved)
        needs them: a replay never asks, and is spared the subscription and two events a
        request."""
        if self._tracking_loads:
            return
        self._tracking_loads = True
        self.page.on("request", self._on_request)
        self.page.on("requestfinished", self._on_answered)
        self.page.on("requestfailed", self._on_answered)

    @property
    def loading(self) -> bool:
        return bool(self._loading)

    def _on_request(self, request: Request) -> None:
        if request.resource_type in LOADS:
            self._loading.add(request)

    def _on_answered(self, request: Request) -> None:
        self._loading.discard(request)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.type)

    def _on_popup(self, _: Page) -> None:
        self.tabs += 1


@dataclass(frozen=True)
class PageState:
    url: str
    snapshot: str  # the whole ARIA snapshot: text that names no element changes it too
    elements: Counter[NamedElement]
    order: list[NamedElement]  # document order, first occurrence of each
    dialogs: int
    tabs: int


@dataclass(frozen=True)
class Observed:
    """What changed between two page states, before any filtering."""

    url_before: str
    url_after: str
    appeared: list[NamedElement]  # in document order
    disappeared: list[NamedElement]
    dialogs: list[str] = field(default_factory=list)
    tabs: int = 0
    values: dict[str, str] = field(default_factory=dict)  # target code -> value after the step
    changed: bool = True  # anything at all: URL, any text of the ARIA snapshot, a dialog, a tab


def named_elements(snapshot: str) -> list[NamedElement]:
    """The (role, name, how named) of each named element of an ARIA snapshot, in document order."""
    found: list[NamedElement] = []
    for line in snapshot.splitlines()[:MAX_SNAPSHOT_LINES]:
        named = _NAMED.match(line)
        if named is not None:
            found.append((named["role"], _unquote(named["name"], quoted=True), "name"))
            continue
        text = _TEXT_CHILD.match(line)
        if text is not None:
            found.append((text["role"], _unquote(text["text"].strip(), quoted=False), "text"))
    return found


def element_text(element: dict[str, str]) -> str:
    """``heading "Welcome"``, or ``status showing "3 reports loaded"`` for a live region."""
    if "text" in element:
        return f'{element["role"]} showing "{element["text"]}"'
    return f'{element["role"]} "{element["name"]}"'


def _unquote(text: str, *, quoted: bool) -> str:
    """Playwright writes names as YAML strings; the double-quoted ones use JSON's escapes."""
    if quoted:
        text = f'"{text}"'
    elif not text.startswith('"'):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text.strip('"')
    return value if isinstance(value, str) else text


class EffectObserver:
    """Takes the page state before a step's actions and tells what they changed after them."""

    def __init__(self, page: Page, events: PageEvents) -> None:
        self.page = page
        self.events = events

    def state(self, timeout_ms: float) -> PageState:
        self.events.track_loads()  # before the actions: their requests are all seen
        snapshot = self._snapshot(timeout_ms)
        order = named_elements(snapshot)
        return PageState(
            self.page.url,
            snapshot,
            Counter(order),
            list(dict.fromkeys(order)),
            len(self.events.dialogs),
            self.events.tabs,
        )

    def changes(self, before: PageState, actions: Iterable[Action], timeout_ms: float) -> Observed:
        after = self._settled(timeout_ms)
        return Observed(
            before.url,
            after.url,
            [e for e in after.order if before.elements[e] == 0],
            [e for e in before.order if after.elements[e] == 0],
            self.events.dialogs[before.dialogs :],
            self.events.tabs - before.tabs,
            self._values(actions),
            changed=after.url != before.url
            or after.snapshot != before.snapshot
            or after.dialogs != before.dialogs
            or after.tabs != before.tabs,
        )

    def _settled(self, timeout_ms: float) -> PageState:
        with suppress(PlaywrightError):  # still loading: the snapshot below says what there is
            self.page.wait_for_load_state("domcontentloaded", timeout=timeout_ms)
        state = self.state(timeout_ms)
        for _ in range(SETTLE_ROUNDS):
            self.page.wait_for_timeout(SETTLE_INTERVAL_MS)
            again = self.state(timeout_ms)
            stable = again.snapshot == state.snapshot and again.url == state.url
            if stable and not self.events.loading:
                return again
            state = again
        return state

    def _snapshot(self, timeout_ms: float) -> str:
        # A navigation the actions started can destroy the document mid-read: read it again.
        for attempt in range(3):
            try:
                return self.page.locator("body").aria_snapshot(timeout=timeout_ms)
            except PlaywrightError:
                if attempt == 2:
                    return ""  # an effect is a summary: never fail the step over it
                with suppress(PlaywrightError):
                    self.page.wait_for_load_state("domcontentloaded", timeout=timeout_ms)
        return ""

    def _values(self, actions: Iterable[Action]) -> dict[str, str]:
        """The value each filled or selected field holds after the step (last action wins)."""
        targets = {a["target"]["code"]: a["target"]["selector"] for a in actions
                   if a["type"] in VALUE_ACTIONS and "target" in a}  # fmt: skip
        values: dict[str, str] = {}
        for code, selector in targets.items():
            with suppress(PlaywrightError):  # gone after the step: no value kept to record
                # No waiting: a field the step removed has no value to keep.
                value = self.page.locator(selector).evaluate_all(_ONLY_VALUE)
                if isinstance(value, str):
                    values[code] = value
        return values


_ONLY_VALUE = "elements => elements.length === 1 ? String(elements[0].value ?? '') : null"
