"""Before a replayed action: is the recorded element still there, alone, and the same element?

No match, several matches or a different element is *drift*; acting anyway could click the wrong
control and pass. A check costs one ``evaluate_all`` (count + attributes) and, unless the recorded
selector itself pins role and exact name (``internal:role=button[name="Sign in"s]``, what the
direct resolver records), one ARIA snapshot of the element for its accessible name. It waits only
when the element is not there yet (pages that load late).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.replay.signature import (
    Signature,
    attributes_of_all,
    describe_all,
    differences,
    signature_of,
)
from pytest_webagent.resolve.targets import nearest_candidates

# A whole selector that is one role with an exact (case-sensitive, `s`) name and nothing else.
_EXACT_ROLE = re.compile(r'internal:role=(?P<role>[\w-]+)\[name=(?P<name>"(?:[^"\\]|\\.)*")s\]')


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
    current = _current_signature(locator, found[0], target, timeout_ms)
    changes = differences(target["signature"], current)
    if changes:
        return Drift(
            "changed",
            f"{target['code']} now finds a different element ({'; '.join(changes)})",
            target["code"],
            [f'{current["role"]} "{current["name"]}"'],
        )
    return None


def _current_signature(
    locator: Locator, attributes: dict[str, str], target: dict[str, Any], timeout_ms: float
) -> Signature:
    recorded: Signature = target["signature"]
    if not _pins_role_and_name(target["selector"], recorded):
        return signature_of(locator, attributes, timeout_ms)
    # The selector engine matched this role and exact name already: asking the browser for them
    # again would cost a round trip per action and could only agree.
    current = {"role": recorded["role"], "name": recorded["name"], "tag": attributes.get("tag", "")}
    current.update({key: value for key, value in attributes.items() if value and key != "tag"})
    return current


def _pins_role_and_name(selector: str, recorded: Signature) -> bool:
    match = _EXACT_ROLE.fullmatch(selector)
    if match is None:
        return False
    try:
        name = json.loads(match["name"])  # Playwright escapes the name as a JSON string
    except ValueError:
        return False
    return bool(match["role"] == recorded.get("role") and name == recorded.get("name"))


def _removed(page: Page, target: dict[str, Any]) -> Drift:
    signature = target["signature"]
    now = nearest_candidates(page, signature.get("name", "")) or _same_role(page, signature)
    return Drift("removed", f"{target['code']} matches no element", target["code"], now)


def _same_role(page: Page, signature: dict[str, str]) -> list[str]:
    """Elements of the recorded role, when none has a similar name: a rename ("Send" ->
    "Submit") shares no letters worth matching, yet the reader should see what is there now."""
    role = signature.get("role", "")
    if not role or role == "generic":
        return []
    try:
        return describe_all(page.get_by_role(role), limit=5)  # type: ignore[arg-type]
    except PlaywrightError:
        return []  # only an explanation: never let it hide the drift itself
