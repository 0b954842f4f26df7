"""Before a replayed action: is the recorded element still there, alone, and the same element?

No match, several matches or a different element is *drift*; acting anyway could click the wrong
control and pass. A check costs ONE ``evaluate_all`` (match count + every signature field, with
an in-page guess of role and name). The ARIA snapshot, a second round trip, is taken only when
neither the selector (``internal:role=button[name="Sign in"s]``, what the direct resolver
records) nor the guess agrees with the recorded role and name. It waits only when the element is
not there yet (pages that load late).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.replay import selector_engines
from pytest_webagent.replay.comparison import Comparison, compare
from pytest_webagent.replay.signature import (
    Candidate,
    Signature,
    current_signature,
    describe_all,
    inspect,
    role_and_name,
)
from pytest_webagent.resolve.targets import nearest_candidates

# Actions that fail when their target matches several elements (Playwright's strict mode), so
# the identity check can run inside them. Not `wait_for` (it waits for the first match) and not
# the checks of absence or counts (they carry no identity).
STRICT_ACTIONS = frozenset({
    "click", "fill", "select", "check", "uncheck", "press", "hover", "expect_visible",
    "expect_text", "expect_value", "double_click", "right_click", "upload", "type",
    "scroll_into_view", "remember",
})  # fmt: skip

# A whole selector that is one role with an exact (case-sensitive, `s`) name and nothing else.
_EXACT_ROLE = re.compile(r'internal:role=(?P<role>[\w-]+)\[name=(?P<name>"(?:[^"\\]|\\.)*")s\]')


@dataclass(frozen=True)
class Drift:
    """Why a recorded target no longer holds."""

    kind: str  # removed | duplicated | changed
    detail: str
    recorded: str  # the recorded locator, as code
    now: list[str] = field(default_factory=list)  # what the page holds instead
    signature: Signature = field(default_factory=dict)  # what was recorded

    def describe(self) -> str:
        return f"target {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Verified:
    """The recorded target holds: which fields matched, which changes were tolerated."""

    comparison: Comparison


def verify(page: Page, action: Action, timeout_ms: float) -> Drift | Verified | None:
    """Whether the action's recorded target is still the same single element.

    None: the action carries no identity to verify (absence checks, counts, page-level actions).
    """
    target = action.get("target")
    if not target or "signature" not in target:
        return None
    locator = page.locator(target["selector"])
    count, found = inspect(locator)
    if not count:
        try:
            locator.first.wait_for(state="attached", timeout=timeout_ms)
        except PlaywrightError:
            return _removed(page, target)
        count, found = inspect(locator)
    if count > 1:
        return Drift(
            "duplicated",
            f"{target['code']} now matches {count} elements",
            target["code"],
            describe_all(locator),
            target["signature"],
        )
    if not count:
        return _removed(page, target)
    recorded: Signature = target["signature"]
    comparison = compare(recorded, _current(locator, found[0], target, timeout_ms))
    if not comparison.changed:
        return Verified(comparison)
    current = _current(locator, found[0], target, timeout_ms, exact=True)
    comparison = compare(recorded, current)
    if not comparison.changed:
        return Verified(comparison)
    return Drift(
        "changed",
        f"{target['code']} now finds a different element ({'; '.join(comparison.changed)})",
        target["code"],
        [_described(current)],
        recorded,
    )


def narrowing(action: Action) -> str | None:
    """The identity check of ``action``, as a selector part its action can run with (None: the
    action checks its target first, apart): see :mod:`.selector_engines`."""
    if not narrowable(action):
        return None
    target = action["target"]
    signature: Signature = target["signature"]
    return selector_engines.narrowing(signature, _pins_role_and_name(target["selector"], signature))


def narrowable(action: Action) -> bool:
    """Whether ``action``'s identity check can run inside it (see :func:`narrowing`)."""
    target = action.get("target")
    return bool(
        target
        and "signature" in target
        and "destination" not in action
        and action["type"] in STRICT_ACTIONS
    )


def held(action: Action) -> Verified:
    """What an action that ran narrowed to its recorded element verified: every recorded field
    held as recorded (anything else would have been handed to :func:`verify`)."""
    signature: Signature = action["target"]["signature"]
    return Verified(compare(signature, signature))


def _current(
    locator: Locator,
    candidate: Candidate,
    target: dict[str, Any],
    timeout_ms: float,
    *,
    exact: bool = False,
) -> Signature:
    """What the page holds now. Role and name: pinned by the selector (the engine matched them
    already), else the in-page guess, else (``exact``, or no guess) the browser's ARIA snapshot."""
    recorded: Signature = target["signature"]
    if _pins_role_and_name(target["selector"], recorded):
        return current_signature(recorded["role"], recorded["name"], candidate.fields)
    if not exact and candidate.role_guess is not None and candidate.name_guess is not None:
        return current_signature(candidate.role_guess, candidate.name_guess, candidate.fields)
    role, name = role_and_name(locator.aria_snapshot(timeout=timeout_ms))
    return current_signature(role, name, candidate.fields)


def _described(signature: Signature) -> str:
    text = f'{signature["role"]} "{signature["name"]}"'
    return text + (f" in {signature['context']}" if signature.get("context") else "")


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
    code = target["code"]
    return Drift("removed", f"{code} matches no element", code, now, signature)


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
