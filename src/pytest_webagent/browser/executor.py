"""Run one grounded action in the browser, with Playwright's auto-waiting and a step timeout.

Failures come back as ``ActionFailed`` / ``CheckFailed`` with one readable line instead of
Playwright's call log, which the user can still get with ``-vv`` via the chained exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from pytest_webagent.browser.more_actions import MORE_ACTIONS, MoreActions
from pytest_webagent.browser.origins import origin_of
from pytest_webagent.errors import ActionFailed, CheckFailed, StepFailed

Action = dict[str, Any]
TARGET_KEYS = ("target", "destination")  # the keys of an action that name elements
FRAME_HOP = "internal:control=enter-frame"  # how a selector goes into an iframe
ValueResolver = Callable[[str], str]


def describe_action(action: Action) -> str:
    """``click get_by_role("button", name="Sign in")`` — how an action is shown to people."""
    parts = [action["type"]]
    if "target" in action and "code" in action["target"]:
        parts.append(action["target"]["code"])
    if "destination" in action and "code" in action["destination"]:
        parts.append(f"to {action['destination']['code']}")
    for key in ("url", "key", "value", "text", "count", "state", "match", "file", "name", "title"):
        if key in action:
            parts.append(f"{key}={action[key]!r}")
    return " ".join(str(part) for part in parts)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# What Playwright last waited for, from its call log: "Timeout exceeded" alone does not say that
# the button was disabled or covered.
_WAITED_FOR = re.compile(
    r"^\s*-\s+(element is not \w+|element is outside of the viewport|.* intercepts pointer events)"
    r"\s*$",
    re.MULTILINE,
)


# Where Playwright stopped when the page itself is at fault, in words for people.
_PAGE_WAITS = (
    (re.compile(r"waiting for scheduled navigations to finish\s*$"),
     "the page it opened did not respond"),
    (re.compile(r'waiting until "load"\s*$'), "the page did not finish loading"),
    # An event handler that never returned: usually a dialog left open by a dialog listener of
    # the user's (without one, Playwright closes dialogs itself), or a script in a busy loop.
    (re.compile(r"- performing \w+ action\s*$"),
     "the page stopped responding during the action: a dialog left open, or a busy script"),
)  # fmt: skip


def _reason(error: BaseException) -> str:
    text = str(error)
    found = _WAITED_FOR.findall(text)
    timed_out = "Timeout" in _first_line(error)
    stuck = [said for where, said in _PAGE_WAITS if timed_out and where.search(text)]
    because = found[-1:] or stuck
    return f"{_first_line(error)} ({because[0]})" if because else _first_line(error)


class Executor:
    def __init__(
        self,
        page: Page,
        resolve_value: ValueResolver = lambda value: value,
        resolve_url: ValueResolver = lambda url: url,
    ) -> None:
        self.page = page
        self._resolve_value = resolve_value  # secrets become real values only here
        self._resolve_url = resolve_url  # and in URLs the case names itself
        # Fields a secret was typed into: screenshots paint over them.
        self.secret_fields: list[Locator] = []
        self.more = MoreActions()  # the verbs beyond click and fill (browser/more_actions.py)
        self._narrowed_to = ""  # during a replayed action: its identity check, as a selector part
        self._within: Locator | None = None  # and what the page must hold meanwhile

    def locate(self, action: Action) -> Locator:
        """The action's target; when replayed, narrowed to the recorded element (the identity
        check runs inside the action: replay/selector_engines.py)."""
        where = self._within or self.page
        return where.locator(action["target"]["selector"] + self._narrowed_to)

    def _refuse_other_origin_frame(self, action: Action, target: Locator, timeout: float) -> None:
        """Never act in a frame of another origin: a page can embed any site (one that collects
        what is typed) and make it look like part of itself. Only targets that enter a frame
        cost the extra round trip."""
        if FRAME_HOP not in action["target"]["selector"]:
            return
        frame_origin = target.evaluate("e => e.ownerDocument.location.origin", timeout=timeout)
        page_origin = origin_of(self.page.url)
        if frame_origin != page_origin:
            raise ActionFailed(
                f"refused to {action['type']} {action['target']['code']}: it is in a frame of "
                f"another origin ({frame_origin}), and frames of other origins are never acted on"
            )

    def run(
        self,
        action: Action,
        timeout_ms: float,
        narrowed_to: str = "",
        within: Locator | None = None,
    ) -> None:
        """Run ``action``; ``narrowed_to``: a selector part that keeps only the recorded element;
        ``within``: the page's root, filtered to hold what the previous step's effect expects
        (the action waits for it too)."""
        kind = action["type"]
        self._narrowed_to, self._within = narrowed_to, within
        try:
            if kind.startswith("expect_"):
                self._check(action, timeout_ms)
            else:
                self._act(action, timeout_ms)
        except StepFailed:
            raise  # already says what failed (a refused URL or upload), in words for people
        except AssertionError as error:
            expectation = self._expectation(action)
            if action["type"] in ("expect_url", "expect_title"):
                # Already says what was expected and what the page has; Playwright's own line
                # would show the pattern it was given, `re.compile('...')`, not the user's text.
                raise CheckFailed(expectation) from error
            raise CheckFailed(f"{expectation}: {_first_line(error)}") from error
        except PlaywrightError as error:
            raise ActionFailed(f"{describe_action(action)} failed: {_reason(error)}") from error
        finally:
            self._narrowed_to, self._within = "", None

    def _act(self, action: Action, timeout: float) -> None:
        kind = action["type"]
        if kind == "navigate":
            self.page.goto(self._resolve_url(action["url"]), timeout=timeout)
            return
        if kind == "press" and "target" not in action:
            self.page.keyboard.press(action["key"])
            return
        if kind in MORE_ACTIONS:
            target = self.locate(action) if "target" in action else None
            if target is not None:
                self._refuse_other_origin_frame(action, target, timeout)
            value = self._resolve_value(action.get("value", ""))
            self.more.run(self.page, target, action, value, timeout)
            return
        target = self.locate(action)
        self._refuse_other_origin_frame(action, target, timeout)
        if kind == "click":
            target.click(timeout=timeout)
        elif kind == "fill":
            value = self._resolve_value(action["value"])
            target.fill(value, timeout=timeout)
            if value != action["value"]:
                # Masked in screenshots later, by the plain selector: the page may have changed.
                self.secret_fields.append(self.page.locator(action["target"]["selector"]))
        elif kind == "select":
            target.select_option(self._resolve_value(action["value"]), timeout=timeout)
        elif kind == "check":
            target.check(timeout=timeout)
        elif kind == "uncheck":
            target.uncheck(timeout=timeout)
        elif kind == "press":
            target.press(action["key"], timeout=timeout)
        elif kind == "hover":
            target.hover(timeout=timeout)
        elif kind == "wait_for":
            target.first.wait_for(state=action.get("state", "visible"), timeout=timeout)
        else:
            raise ActionFailed(f"unknown action type {kind!r}")

    def _check(self, action: Action, timeout: float) -> None:
        kind = action["type"]
        if kind == "expect_url":
            expect(self.page).to_have_url(self._pattern(action), timeout=timeout)
        elif kind == "expect_title":
            expect(self.page).to_have_title(self._pattern(action), timeout=timeout)
        elif kind == "expect_text":
            where = self.locate(action) if "target" in action else self.page.locator("body")
            text = self._resolve_value(action["text"])
            expect(where).to_contain_text(text, use_inner_text=True, timeout=timeout)
        elif kind == "expect_visible":
            expect(self.locate(action)).to_be_visible(timeout=timeout)
        elif kind == "expect_hidden":
            expect(self.locate(action)).to_be_hidden(timeout=timeout)
        elif kind == "expect_value":
            expect(self.locate(action)).to_have_value(
                self._resolve_value(action["value"]), timeout=timeout
            )
        elif kind == "expect_count":
            expect(self.locate(action)).to_have_count(action["count"], timeout=timeout)
        else:
            raise CheckFailed(f"unknown check type {kind!r}")

    def _pattern(self, action: Action) -> str | re.Pattern[str]:
        value: str = self._resolve_value(action["value"])
        match = action.get("match", "contains")
        if match == "equals":
            return value
        if match == "regex":
            return re.compile(value)
        return re.compile(re.escape(value))

    def _expectation(self, action: Action) -> str:
        kind = action["type"]
        where = action["target"]["code"] if "target" in action else "the page"
        if kind in ("expect_url", "expect_title"):
            subject = "URL" if kind == "expect_url" else "title"
            actual = self.page.url if kind == "expect_url" else self.page.title()
            verb = {"contains": "contain", "equals": "be", "regex": "match"}[
                action.get("match", "contains")
            ]
            return f"expected the {subject} to {verb} {action['value']!r}, it is {actual!r}"
        if kind == "expect_text":
            return f"expected {where} to show the text {action['text']!r}"
        if kind == "expect_value":
            return f"expected {where} to have the value {action['value']!r}"
        if kind == "expect_count":
            return f"expected {where} to match {action['count']} elements"
        state = "visible" if kind == "expect_visible" else "hidden"
        return f"expected {where} to be {state}"
