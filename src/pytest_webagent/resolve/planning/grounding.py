"""Refs the model chose become durable targets: Playwright's normalised locator + signature.

Refs (``e12``) die with the snapshot that printed them, so they are never stored; each element is
re-described by ``Locator.normalize()`` (test id, role and name, label…) and by its signature.
All refs of an answer are resolved before any signature is taken: an element's ARIA snapshot
starts a new snapshot and invalidates the page's refs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import TARGET_KEYS, Action
from pytest_webagent.compat import selector_of
from pytest_webagent.replay.signature import (
    Candidate,
    describe,
    inspect,
    split_nth,
)
from pytest_webagent.resolve.planning.answers import InvalidAnswer


def ground_all(
    page: Page,
    planned: list[dict[str, Any]],
    timeout_ms: float,
    mask: Callable[[str], str] = lambda text: text,
) -> list[Action]:
    """The grounded form of planned actions (their ``{"ref": ...}`` targets made durable).

    ``mask`` puts secret placeholders back: an element whose name holds a secret is located by
    its whole name, so that the recorded locator holds the whole placeholder.
    """
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
    return [_whole_secret_name(page, action, mask) for action in grounded]


def _whole_secret_name(page: Page, action: Action, mask: Callable[[str], str]) -> Action:
    """Playwright cuts long names at a word (``Continue as alice.secret@corp``): part of a
    secret, which masking cannot recognise, would be recorded. Such an element (the target, or a
    drag's drop target) is located by its whole name instead (the signature has it), which
    masking turns into the placeholder."""
    located: dict[str, Any] = {
        key: _by_whole_name(page, action[key])
        for key in TARGET_KEYS
        if key in action and _names_a_secret(action[key], mask)
    }
    return {**action, **located} if located else action


def _names_a_secret(target: dict[str, Any], mask: Callable[[str], str]) -> bool:
    name = target.get("signature", {}).get("name", "")
    return bool(name) and mask(name) != name


def _by_whole_name(page: Page, target: dict[str, Any]) -> dict[str, Any]:
    signature = target["signature"]
    locator = page.get_by_role(signature["role"], name=signature["name"], exact=True)
    if locator.count() != 1:
        raise InvalidAnswer("the element's name holds a secret and is not unique; choose another")
    return {**target, "selector": selector_of(locator), "code": str(locator)}


def _durable(page: Page, ref: str) -> tuple[Locator, str]:
    try:
        element = page.locator(f"aria-ref={ref}")
        if element.count() != 1:
            raise InvalidAnswer(f"ref {ref!r} does not identify one element on the page")
        locator = element.normalize()
        if locator.count() != 1:
            raise InvalidAnswer(f"ref {ref!r} has no unique locator; choose another element")
        _check_tellable(page, ref, selector_of(locator))
        return locator, str(locator)
    except PlaywrightError as error:
        raise InvalidAnswer(f"ref {ref!r} cannot be used: {str(error).splitlines()[0]}") from None


# What can tell a target chosen by position from its look-alikes on replay.
_TELLING = ("name", "href", "context", "test_id", "name_attr", "placeholder", "input_type", "tag")
LOOK_ALIKES_LIMIT = 200  # candidates compared when a locator picks one by position


def _check_tellable(page: Page, ref: str, selector: str) -> None:
    """A locator that picks one of several matches (``.first``, ``.nth(2)``) is recorded only when
    something replay verifies (name, full href, context, an attribute) sets the target apart:
    otherwise reordered look-alikes would pass the identity check and be acted on."""
    nth = split_nth(selector)
    if nth is None:
        return
    base, index = nth
    count, candidates = inspect(page.locator(base), limit=LOOK_ALIKES_LIMIT)
    if not count:
        return
    keys = [_telling(candidate) for candidate in candidates]
    position = index % count
    if position >= len(keys) or keys.count(keys[position]) > 1:
        raise InvalidAnswer(
            f"ref {ref!r} is one of {count} elements that nothing tells apart (same role, name, "
            "link and no named row, list item, section, dialog or fieldset around it); choose an "
            "element that is unique on the page, or answer no_match"
        )


def _telling(candidate: Candidate) -> tuple[str, ...]:
    # A name the page cannot guess counts as none: refusing a tellable target is a retry for the
    # model, accepting an untellable one a possible wrong-element act.
    fields = {**candidate.fields, "name": candidate.name_guess or ""}
    return tuple(fields.get(key, "") for key in _TELLING)


def _grounded(
    planned: dict[str, Any], found: tuple[Locator, str] | None, timeout_ms: float
) -> Action:
    action: Action = {k: v for k, v in planned.items() if k not in TARGET_KEYS}
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
