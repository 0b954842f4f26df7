"""Before a replayed action: is the recorded element still there, alone, and the same element?

No match, several matches or a different element is *drift*; acting anyway could click the wrong
control and pass. A check costs one ``evaluate_all`` (count + attributes) and one ARIA snapshot of
the element; it waits only when the element is not there yet (pages that load late).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from .executor import Action
from .signature import attributes_of_all, describe_all, differences, signature_of
from .targets import nearest_candidates


@dataclass(frozen=True)
class Drift:
    """Why a recorded target no longer holds."""

    kind: str  # removed | duplicated | changed
    detail: str
    recorded: str  # the recorded locator, as code
    now: list[str] = field(default_factory=list)  # what the page holds instead

    def describe(self) -> str:
        return f"target {self.kind}: {self.detail}"


def verify(page: Page, action: Action, timeout_ms: float) -> Drift | None:
    """None when the action's recorded target is still the same single element."""
    target = action.get("target")
    if not target or "signature" not in target:
        return None  # absence checks and counts carry no identity to verify
    locator = page.locator(target["selector"])
    found = attributes_of_all(locator)
    if not found:
        try:
            locator.first.wait_for(state="attached", timeout=timeout_ms)
        except PlaywrightError:
            return _removed(page, target)
        found = attributes_of_all(locator)
    if len(found) > 1:
        return Drift(
            "duplicated",
            f"{target['code']} now matches {len(found)} elements",
            target["code"],
            describe_all(locator),
        )
    if not found:
        return _removed(page, target)
    current = signature_of(locator, found[0], timeout_ms)
    changes = differences(target["signature"], current)
    if changes:
        return Drift(
            "changed",
            f"{target['code']} now finds a different element ({'; '.join(changes)})",
            target["code"],
            [f'{current["role"]} "{current["name"]}"'],
        )
    return None


def _removed(page: Page, target: dict[str, Any]) -> Drift:
    nearest = nearest_candidates(page, target["signature"].get("name", ""))
    return Drift("removed", f"{target['code']} matches no element", target["code"], nearest)
