"""Locators for the direct resolver: where they start (the page or a scope), what code rebuilds
them, a deadline that bounds a whole search, and a check that a locator finds exactly the element
chosen (for elements found by a page script rather than by a Playwright locator)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page

from pytest_webagent.resolve.page_scripts import IS_MARKED_JS

Root = Page | Locator | FrameLocator  # a frame: targets in a same-origin iframe (frames.py)


@dataclass(frozen=True)
class Strategy:
    """One way to look for the target, with the Python code that rebuilds it."""

    locator: Locator
    code: str


@dataclass(frozen=True)
class Found:
    locator: Locator
    code: str


@dataclass(frozen=True)
class Scoped:
    """Where a search starts: the page (code ""), or a scope locator or frame and the code that
    built it."""

    root: Root
    code: str = ""

    def join(self, code: str) -> str:
        return f"{self.code}.{code}" if self.code else code


class Deadline:
    """The step timeout, for the whole search: every wait and count takes what is left."""

    def __init__(self, timeout_ms: float) -> None:
        self.timeout_ms = timeout_ms
        self.end = time.monotonic() + timeout_ms / 1000

    def left_ms(self) -> float:
        return max(0.0, (self.end - time.monotonic()) * 1000)

    def at_least(self, ms: float) -> None:
        """Leave at least ``ms`` from now (never less than the step timeout gave)."""
        self.end = max(self.end, time.monotonic() + ms / 1000)

    def passed(self) -> bool:
        return time.monotonic() >= self.end


def literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def regex_code(pattern: str) -> str:
    return f"re.compile({literal(pattern)}, re.IGNORECASE)"


def finds_marked(locator: Locator, token: str) -> bool:
    """Whether ``locator`` finds exactly one element, the one marked with ``token``."""
    try:
        return bool(locator.evaluate_all(IS_MARKED_JS, token))
    except PlaywrightError:
        return False


def field_css(tag: str, input_type: str) -> str:
    """A CSS selector for a field of this kind (``input[type="password"]``, ``textarea``)."""
    if tag == "input" and input_type:
        return f'input[type="{input_type}"]'
    return tag


# Text fields, password fields included (they have no ARIA role, so get_by_role misses them).
TEXT_FIELDS = (
    "input:not([type]), input[type=text], input[type=password], input[type=email], "
    "input[type=search], input[type=tel], input[type=url], input[type=number], textarea"
)
