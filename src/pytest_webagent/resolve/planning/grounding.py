"""Refs the model chose become durable targets: Playwright's normalised locator + signature.

Refs (``e12``) die with the snapshot that printed them, so they are never stored; each element is
re-described by ``Locator.normalize()`` (test id, role and name, label…) and by its signature.
All refs of an answer are resolved before any signature is taken: an element's ARIA snapshot
starts a new snapshot and invalidates the page's refs.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.compat import selector_of
from pytest_webagent.replay.signature import describe
from pytest_webagent.resolve.planning.answers import InvalidAnswer


def ground_all(page: Page, planned: list[dict[str, Any]], timeout_ms: float) -> list[Action]:
    """The grounded form of planned actions (their ``{"ref": ...}`` targets made durable)."""
    durable = [_durable(page, action["target"]["ref"]) if "target" in action else None
               for action in planned]  # fmt: skip
    # A drag's second element, resolved with the first ones (before any signature is taken).
    drops = [_durable(page, action["destination"]["ref"]) if "destination" in action else None
             for action in planned]  # fmt: skip
    grounded = [
        _grounded(action, found, timeout_ms) for action, found in zip(planned, durable, strict=True)
    ]
    for action, drop in zip(grounded, drops, strict=True):
        if drop is not None:
            action["destination"] = _identified(*drop, timeout_ms)
    return grounded


def _durable(page: Page, ref: str) -> tuple[Locator, str]:
    try:
        element = page.locator(f"aria-ref={ref}")
        if element.count() != 1:
            raise InvalidAnswer(f"ref {ref!r} does not identify one element on the page")
        locator = element.normalize()
        if locator.count() != 1:
            raise InvalidAnswer(f"ref {ref!r} has no unique locator; choose another element")
        return locator, str(locator)
    except PlaywrightError as error:
        raise InvalidAnswer(f"ref {ref!r} cannot be used: {str(error).splitlines()[0]}") from None


def _grounded(
    planned: dict[str, Any], found: tuple[Locator, str] | None, timeout_ms: float
) -> Action:
    action: Action = {k: v for k, v in planned.items() if k not in ("target", "destination")}
    if found is None:
        return action
    locator, code = found
    role = action.pop("role", None) if action["type"] == "expect_count" else None
    if role:
        # Counting children: the count is the check, so there is no single identity to record.
        action["target"] = {
            "selector": selector_of(locator.get_by_role(role)),
            "code": f"{code}.get_by_role({json.dumps(role)})",
        }
        return action
    action["target"] = _identified(locator, code, timeout_ms)
    return action


def _identified(locator: Locator, code: str, timeout_ms: float) -> dict[str, Any]:
    return {
        "selector": selector_of(locator),
        "code": code,
        "signature": describe(locator, timeout_ms=max(timeout_ms, 1000)),
    }
