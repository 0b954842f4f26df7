"""An element's identity: what replay compares before it acts.

Role and accessible name come from Playwright's ARIA snapshot of the element (the browser computes
them; there is no DOM API for the accessible name). Tag and stable attributes come from one
``evaluate_all`` that also yields the match count, so checking a recorded target costs two round
trips. Generated ``id``s are deliberately left out: frameworks renumber them between builds.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator

from pytest_webagent.errors import TargetNotFound

Signature = dict[str, str]

ATTRIBUTES_JS = """elements => elements.map(e => {
  const attr = name => e.getAttribute(name) || "";
  let hrefPath = "";
  if (e.hasAttribute("href")) {
    try { hrefPath = new URL(e.getAttribute("href"), document.baseURI).pathname; } catch (_) {}
  }
  return {tag: e.tagName.toLowerCase(), input_type: e.tagName === "INPUT" ? attr("type") : "",
          test_id: attr("data-testid"), name_attr: attr("name"), placeholder: attr("placeholder"),
          href_path: hrefPath};
})"""

_FIRST_LINE = re.compile(r'^- (?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')


def role_and_name(snapshot: str) -> tuple[str, str]:
    """``- button "Sign in" [ref=e3]`` -> ``("button", "Sign in")``."""
    match = _FIRST_LINE.match(snapshot.strip().splitlines()[0] if snapshot.strip() else "")
    if not match:
        return "generic", ""
    name = match["name"] or ""
    return match["role"], name.replace('\\"', '"').replace("\\\\", "\\")


def attributes_of_all(locator: Locator) -> list[dict[str, str]]:
    """Tag and stable attributes of every element ``locator`` matches (one round trip)."""
    found: list[dict[str, Any]] = locator.evaluate_all(ATTRIBUTES_JS)
    return [{key: str(value) for key, value in item.items()} for item in found]


def signature_of(locator: Locator, attributes: dict[str, str], timeout_ms: float) -> Signature:
    """The signature of the single element ``locator`` matches, given its attributes."""
    role, name = role_and_name(locator.aria_snapshot(timeout=timeout_ms))
    signature = {"role": role, "name": name, "tag": attributes.get("tag", "")}
    signature.update({key: value for key, value in attributes.items() if value and key != "tag"})
    return signature


def describe(locator: Locator, timeout_ms: float = 2000) -> Signature:
    """Signature of the single element ``locator`` matches."""
    found = attributes_of_all(locator)
    if not found:
        # Found a moment ago, gone now (a re-render): a step failure, not an IndexError.
        raise TargetNotFound(f"{locator} disappeared before its identity could be recorded")
    return signature_of(locator, found[0], timeout_ms)


def describe_all(locator: Locator, limit: int = 8) -> list[str]:
    """``role "name"`` of each element matched, for messages about ambiguity."""
    described: list[str] = []
    for element in locator.all()[:limit]:
        role, name = role_and_name(element.aria_snapshot(timeout=2000))
        described.append(f'{role} "{name}"' if name else role)
    return described


def differences(recorded: Signature, current: Signature) -> list[str]:
    """Human-readable differences between two signatures ("" list when they match)."""
    changes = []
    for key in sorted(set(recorded) | set(current)):
        if recorded.get(key, "") != current.get(key, ""):
            changes.append(f"{key}: {recorded.get(key, '')!r} -> {current.get(key, '')!r}")
    return changes
