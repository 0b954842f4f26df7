"""Optional actions: ``Click "Cancel" if it appears``, ``Click "Accept cookies" if present``.

A popup, a cookie banner, a "what's new" dialog that shows on some runs and not on others: the
step acts when its target shows within a short bound (``OPTIONAL_WAIT_MS``, never more than the
step timeout) and otherwise passes as *skipped*. Both are recorded: an action that ran carries its
grounded target (with the element's signature); a skipped one carries ``"skipped": true`` and a
target built from the step's words, exact names only, so replay can look for it. On replay an
optional action runs when its recorded target is there within the same bound (identity-checked
when a signature was recorded) and is skipped when it is not; its absence never fails the step.
What the optional action dismisses shows on some runs only, so the step before it records no
element appearing or going (``loosened_before``), and a replay that skips an optional action the
recording ran (or the reverse) does not wait for the step's recorded effect.
"""

from __future__ import annotations

import re
from dataclasses import replace

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.compat import selector_of
from pytest_webagent.replay.trajectory import Entry
from pytest_webagent.resolve import frames
from pytest_webagent.resolve.locating import TEXT_FIELDS, Root, literal
from pytest_webagent.resolve.phrases import Intent, TargetQuery
from pytest_webagent.resolve.scoping import loose_scope

OPTIONAL_WAIT_MS = 2000.0
# The endings that make an action optional. "When it appears" is not one: it means "wait".
_IF_PRESENT = re.compile(
    r"^(?P<step>.+?),?\s+if\s+(?:(?:it|they|one)\s+(?:appears?|shows?(?:\s+up)?)"
    r"|(?:(?:it|they)\s*(?:is|are|['\u2019]s|['\u2019]re)\s+)?(?:present|shown|visible|there)"
    r"|there\s+is\s+one|any)$",
    re.IGNORECASE,
)


def split_optional(phrase: str) -> tuple[str, bool]:
    """``(step, True)`` for a step ending in ``if it appears`` / ``if present`` / …"""
    match = _IF_PRESENT.match(phrase)
    return (match["step"], True) if match else (phrase, False)


def optional(intent: Intent) -> Intent | None:
    """``intent`` made optional; None when it cannot be (nothing to look for, or a wait)."""
    if (
        intent.target is None
        or intent.type in ("wait_for", "remember")
        or intent.type.startswith("expect_")
    ):
        return None
    return replace(intent, optional=True)


def bound_ms(timeout_ms: float) -> float:
    return min(timeout_ms, OPTIONAL_WAIT_MS)


def skipped_action(page: Page, action: Action, query: TargetQuery) -> Action:
    """The record of an optional action whose target did not show: what to look for on replay."""
    from pytest_webagent.resolve.targets import tiers  # targets imports this module's callers

    scope = frames.scope_for(page, query, lambda root: True)  # a named frame, else the page
    root: Root = scope.root
    code = scope.code.rstrip(".")
    if query.scope is not None:
        root, code = loose_scope(root, query.scope, code)
    join = (lambda text: f"{code}.{text}") if code else (lambda text: text)
    if query.name:
        strategies = [s for tier in tiers(root, query, "exact", code) for s in tier]
        locator, text = strategies[0].locator, strategies[0].code
        for strategy in strategies[1:]:
            locator = locator.or_(strategy.locator)
            text = f"{text}.or_(page.{strategy.code})"
    elif query.role == "textbox":
        locator, text = root.locator(TEXT_FIELDS), join(f"locator({literal(TEXT_FIELDS)})")
    else:
        locator = root.get_by_role(query.role or "button")  # type: ignore[arg-type]
        text = join(f"get_by_role({literal(query.role or 'button')})")
    if query.ordinal:
        index = query.ordinal - 1 if query.ordinal > 0 else query.ordinal
        locator, text = locator.nth(index), f"{text}.nth({index})"
    target = {"selector": selector_of(locator), "code": text}
    return {**action, "optional": True, "skipped": True, "target": target}


def present(page: Page, action: Action, timeout_ms: float) -> bool:
    """Whether an optional action's recorded target shows within the bound (replay)."""
    locator: Locator = page.locator(action["target"]["selector"])
    try:
        locator.first.wait_for(state="visible", timeout=max(bound_ms(timeout_ms), 1))
    except PlaywrightError:
        return False
    return True


def loosened_before(entry: Entry | None, resolved: Entry | None) -> Entry | None:
    """The entry of the step before one whose optional action ran when it was resolved, without
    the elements its effect saw appear or go: what the optional action dismissed (a popup the
    previous step's click opened) shows on some runs only, and must not be waited for at replay.
    None when there is nothing to loosen."""
    ran = resolved is not None and any(
        a.get("optional") and not a.get("skipped") for a in resolved["actions"]
    )
    effect = entry.get("effect") if entry is not None and ran else None
    if entry is None or not effect or not {"appeared", "disappeared"} & set(effect):
        return None
    kept = {k: v for k, v in effect.items() if k not in ("appeared", "disappeared")}
    loosened = {k: v for k, v in entry.items() if k != "effect"}
    return {**loosened, "effect": kept} if kept else loosened


def skipped_differently(recorded: list[Action], replayed: list[Action]) -> bool:
    """Whether replay skipped an optional action the recording ran, or ran one it skipped: the
    step's recorded effect then says nothing about this run."""
    return any(
        bool(r.get("skipped")) != bool(p.get("skipped"))
        for r, p in zip(recorded, replayed, strict=False)
        if r.get("optional")
    )
