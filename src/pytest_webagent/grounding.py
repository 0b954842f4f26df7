"""A ref the model chose becomes a durable target: Playwright's normalised locator + signature.

Refs (``e12``) die with the snapshot that printed them, so they are never stored; the element is
re-described by ``Locator.normalize()`` (test id, role and name, label…) and by its signature.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from .answers import InvalidAnswer
from .compat import selector_of
from .executor import Action
from .signature import describe


def ground(page: Page, planned: dict[str, Any], timeout_ms: float) -> Action:
    """The grounded form of a planned action (its ``{"ref": ...}`` target made durable)."""
    action: Action = {key: value for key, value in planned.items() if key != "target"}
    target = planned.get("target")
    if target is None:
        return action
    ref = target["ref"]
    try:
        element = page.locator(f"aria-ref={ref}")
        if element.count() != 1:
            raise InvalidAnswer(f"ref {ref!r} does not identify one element on the page")
        durable = element.normalize()
        code = str(durable)
        if durable.count() != 1:
            raise InvalidAnswer(f"ref {ref!r} has no unique locator; choose another element")
    except PlaywrightError as error:
        raise InvalidAnswer(f"ref {ref!r} cannot be used: {str(error).splitlines()[0]}") from None
    if action["type"] == "expect_count":
        role = action.pop("role", None)
        if role:
            children = durable.get_by_role(role)
            action["target"] = {
                "selector": selector_of(children),
                "code": f"{code}.get_by_role({json.dumps(role)})",
            }
            return action
    action["target"] = {
        "selector": selector_of(durable),
        "code": code,
        "signature": describe(durable, timeout_ms=max(timeout_ms, 1000)),
    }
    return action
