"""Find the element a ``TargetQuery`` describes, with Playwright's semantic locators.

Strategies are grouped in tiers of equal standing (all roles that fit the usage; then label;
placeholder; visible text; test id). The first tier that matches anything decides, and it must
match exactly one element: a button and a link both named "Sign in" is ambiguity to report, not a
coin to toss. Exact names are tried before case-insensitive substrings.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page

from pytest_webagent.errors import TargetAmbiguous, TargetNotFound
from pytest_webagent.replay.signature import describe, describe_all
from pytest_webagent.resolve import frames
from pytest_webagent.resolve.phrases import TargetQuery

USAGE_ROLES = {
    "click": ["button", "link", "menuitem", "tab", "checkbox", "radio", "option", "switch",
              "treeitem"],
    "input": ["textbox", "searchbox", "combobox", "spinbutton"],
    "select": ["combobox", "listbox"],
    "toggle": ["checkbox", "radio", "switch"],
    "any": ["button", "link", "heading", "textbox", "checkbox", "radio", "combobox", "tab",
            "menuitem", "img", "alert", "status", "dialog", "cell"],
    "container": ["list", "table", "region", "dialog", "alert", "status", "navigation", "main",
                  "form", "group", "article", "heading", "listbox", "row"],
    "visible": ["button", "link", "heading", "textbox", "checkbox", "radio", "combobox", "tab",
                "img", "alert", "status", "dialog", "cell"],
    "hidden": [],
}  # fmt: skip


@dataclass(frozen=True)
class Strategy:
    """One way to look for the target, with the Python code that rebuilds it."""

    locator: Locator
    code: str


@dataclass(frozen=True)
class Found:
    locator: Locator
    code: str


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def tiers(page: Page | FrameLocator, query: TargetQuery, exact: bool) -> list[list[Strategy]]:
    name, flag = query.name, ", exact=True" if exact else ""
    roles = [query.role] if query.role else USAGE_ROLES[query.usage]
    role_tier = [
        Strategy(
            page.get_by_role(role, name=name, exact=exact),  # type: ignore[arg-type]
            f"get_by_role({_literal(role)}, name={_literal(name)}{flag})",
        )
        for role in roles
    ]

    def visible(locator: Locator, code: str) -> list[Strategy]:
        return [Strategy(locator.filter(visible=True), f"{code}.filter(visible=True)")]

    by_label = visible(
        page.get_by_label(name, exact=exact), f"get_by_label({_literal(name)}{flag})"
    )
    by_placeholder = visible(
        page.get_by_placeholder(name, exact=exact), f"get_by_placeholder({_literal(name)}{flag})"
    )
    by_text = visible(page.get_by_text(name, exact=exact), f"get_by_text({_literal(name)}{flag})")
    by_test_id = visible(page.get_by_test_id(name), f"get_by_test_id({_literal(name)})")
    if query.role:
        return [role_tier]
    if query.usage in ("input", "select"):
        return [role_tier, by_label, by_placeholder, by_test_id]
    if query.usage == "toggle":
        return [role_tier, by_label, by_test_id]
    if query.usage == "hidden":
        return [by_text]
    if query.usage == "visible":
        # "X is visible" is mostly about text; a dialog named by its heading is not ambiguity.
        return [by_text, role_tier, by_label, by_test_id]
    return [role_tier, by_label, by_text, by_test_id]


def find(page: Page, query: TargetQuery, timeout_ms: float) -> Found:
    """The one element ``query`` describes, waiting up to ``timeout_ms`` for it to appear."""
    # Inexact strategies match everything the exact ones do, so waiting on them alone covers
    # both, with a selector half the size (each role selector computes accessible names).
    scope = frames.scope_for(page, query, lambda root: _matches_now(root, query))
    loose = [strategy for tier in tiers(scope.root, query, exact=False) for strategy in tier]
    anything = loose[0].locator
    for strategy in loose[1:]:
        anything = anything.or_(strategy.locator)
    try:
        anything.first.wait_for(state="attached", timeout=timeout_ms)
    except PlaywrightError:
        raise _not_found(page, query, timeout_ms) from None
    for exact in (True, False):
        for tier in tiers(scope.root, query, exact):
            found = _decide(tier, query)
            if found is not None:
                return _with_child(Found(found.locator, scope.code + found.code), query)
    raise _not_found(page, query, timeout_ms)


def _matches_now(root: Page | FrameLocator, query: TargetQuery) -> bool:
    """Whether anything ``query`` could mean is in ``root`` already (no waiting)."""
    return any(s.locator.count() for tier in tiers(root, query, exact=False) for s in tier)


def _decide(tier: list[Strategy], query: TargetQuery) -> Found | None:
    matched = [(s, s.locator.count()) for s in tier]
    hits = [(s, n) for s, n in matched if n]
    if not hits:
        return None
    if len(hits) == 1 and hits[0][1] == 1:
        return Found(hits[0][0].locator, hits[0][0].code)
    seen: list[str] = []
    for strategy, _ in hits:
        seen.extend(describe_all(strategy.locator))
    total = sum(count for _, count in hits)  # describe_all lists a few; say how many there are
    hint = (
        "name the role to choose, e.g. 'Click the \"X\" button', or use a more specific name"
        if not query.role
        else "use a more specific name"
    )
    raise TargetAmbiguous(
        f"{query.name!r} matches {total} elements: {'; '.join(seen[:8])}"
        + ("; ..." if total > len(seen[:8]) else ""),
        hints=[f"hint: {hint}"],
    )


def _with_child(found: Found, query: TargetQuery) -> Found:
    if not query.child_role:
        return found
    return Found(
        found.locator.get_by_role(query.child_role),  # type: ignore[arg-type]
        f"{found.code}.get_by_role({_literal(query.child_role)})",
    )


def hidden_target(page: Page, query: TargetQuery) -> Found:
    """A target for checks that it is absent: it may legitimately match nothing right now."""
    scope = frames.scope_for(page, query, lambda root: True)  # a named frame, else the page
    strategy = tiers(scope.root, query, exact=True)[0][0]
    return Found(strategy.locator, scope.code + strategy.code)


def _not_found(page: Page, query: TargetQuery, timeout_ms: float) -> TargetNotFound:
    candidates = nearest_candidates(page, query.name)
    hints = [f"nearest on the page: {', '.join(candidates)}"] if candidates else []
    if _hidden_text(page, query.name):
        hints.append(f"an element with the text {query.name!r} exists but is not visible")
    hints.append(
        "hint: quote the exact visible name, label or placeholder; a step that describes its "
        "target in other words needs a model (webagent_model)"
    )
    return TargetNotFound(
        f"no element named {query.name!r} appeared within {timeout_ms / 1000:g}s", hints=hints
    )


def _hidden_text(page: Page, name: str) -> bool:
    """Whether some element with this text is on the page but not visible (why it was not found)."""
    try:
        text = page.get_by_text(name)
        return text.count() > text.filter(visible=True).count()
    except PlaywrightError:
        return False


# `- button "Sign in" [ref=e3]` or `- textbox "Email": typed text` (the value is left out: it is
# the user's data, possibly a secret, and no part of a name).
_NAMED_LINE = re.compile(r'^\s*-\s+([\w-]+)\s+"((?:[^"\\]|\\.)*)"')


def nearest_candidates(page: Page, name: str, limit: int = 5) -> list[str]:
    """Named elements on the page closest to ``name``, as ``role "name"`` strings."""
    try:
        snapshot = page.aria_snapshot(timeout=2000)
    except PlaywrightError:
        return []
    by_name: dict[str, list[str]] = {}  # a link and a button may share a name: list both
    for line in snapshot.splitlines():
        match = _NAMED_LINE.match(line)
        if match:
            entries = by_name.setdefault(match[2], [])
            entry = f'{match[1]} "{match[2]}"'
            if entry not in entries:
                entries.append(entry)
    close = difflib.get_close_matches(name, list(by_name), n=limit, cutoff=0.3)
    return [entry for found in close for entry in by_name[found]][:limit]


__all__ = ["Found", "describe", "find", "hidden_target", "nearest_candidates", "tiers"]
