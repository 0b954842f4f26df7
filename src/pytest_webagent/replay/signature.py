"""An element's identity: what is recorded, and read again before replay acts.

Recorded (at resolve time, where speed does not matter): role and accessible name from
Playwright's ARIA snapshot of the element (the browser computes them), tag and stable attributes,
the full ``href`` of a link (path and query), and, for a target chosen by its position among
look-alikes (``.first``/``.nth()``), its context and occurrence. Generated ``id``s are left out:
frameworks renumber them between builds.

Read at replay (per action, where every round trip counts): ONE ``evaluate_all`` returns the match
count and, for the first matches, every field, including a fast in-page guess of role and name.
The guess is only trusted when it agrees with the recording; otherwise the ARIA snapshot decides,
so a wrong guess can cost time, never a false verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator

from pytest_webagent.compat import selector_of
from pytest_webagent.errors import TargetNotFound

Signature = dict[str, str]

# `internal:role=link[name="Yes"i] >> nth=1`: the target is a position among look-alikes.
_TRAILING_NTH = re.compile(r"^(?P<base>.+?) >> nth=(?P<index>-?\d+)$")

# The fields of one element, as `fields(e)`: shared by the identity check that reads them
# (FIELDS_JS) and the one that runs inside an action (replay/selector_engines.py).
FIELD_HELPERS_JS = """
  const clean = s => (s || "").replace(/\\s+/g, " ").trim();
  const text = e => clean(e.textContent);
  const byIds = (e, attr) => clean((e.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)
      .map(id => { const r = document.getElementById(id); return r ? r.textContent : ""; })
      .join(" "));
  const ownName = e => byIds(e, "aria-labelledby") || clean(e.getAttribute("aria-label"));
  const explicitRole = e => clean(e.getAttribute("role")).split(" ")[0];
  const INPUT = {button: "button", checkbox: "checkbox", image: "button", number: "spinbutton",
                 radio: "radio", range: "slider", reset: "button", submit: "button",
                 file: "button"};
  const TAGS = {BUTTON: "button", TEXTAREA: "textbox", H1: "heading", H2: "heading",
                H3: "heading", H4: "heading", H5: "heading", H6: "heading", LI: "listitem",
                P: "paragraph", OPTION: "option", DIALOG: "dialog", TR: "row"};
  const roleOf = e => {  // null: not sure, ask the browser
    const explicit = explicitRole(e);
    if (explicit) return explicit;
    if (e.tagName === "INPUT") {
      const type = (e.getAttribute("type") || "").toLowerCase();
      if (type === "hidden" || e.hasAttribute("list")) return null;
      return type === "search" ? "searchbox" : (INPUT[type] || "textbox");
    }
    if (e.tagName === "A") return e.hasAttribute("href") ? "link" : null;
    if (e.tagName === "SELECT") return e.multiple || e.size > 1 ? "listbox" : "combobox";
    return TAGS[e.tagName] || null;
  };
  const FROM_CONTENT = new Set(["button", "link", "heading", "checkbox", "radio", "menuitem",
    "menuitemcheckbox", "menuitemradio", "option", "tab", "treeitem", "switch", "cell",
    "columnheader", "rowheader", "row", "tooltip"]);
  const nameOf = (e, role) => {
    const own = ownName(e);
    if (own) return own;
    const type = (e.getAttribute("type") || "").toLowerCase();
    const pressable = ["button", "submit", "reset"].includes(type);
    if (e.tagName === "INPUT" && pressable) return clean(e.value);
    if (["INPUT", "TEXTAREA", "SELECT"].includes(e.tagName)) {
      const labels = Array.from(e.labels || []).map(text).filter(Boolean).join(" ");
      return labels || clean(e.getAttribute("title")) || clean(e.getAttribute("placeholder"));
    }
    if (e.tagName === "IMG") return clean(e.getAttribute("alt"));
    return FROM_CONTENT.has(role) ? text(e) : "";
  };
  const LANDMARKS = {NAV: "navigation", navigation: "navigation", HEADER: "banner",
                     banner: "banner", FOOTER: "contentinfo", contentinfo: "contentinfo",
                     MAIN: "main", main: "main", ASIDE: "complementary",
                     complementary: "complementary", FORM: "form", form: "form"};
  // Named rows, list items, sections, dialogs, fieldsets, and landmarks, around e.
  const contextOf = e => {
    const parts = [];
    for (let a = e.parentElement; a && parts.length < 3; a = a.parentElement) {
      const role = explicitRole(a), tag = role ? "" : a.tagName;
      const kind = role === "row" || tag === "TR" ? "row"
        : role === "listitem" || tag === "LI" ? "listitem"
        : role === "region" || tag === "SECTION" ? "section"
        : role === "dialog" || role === "alertdialog" || tag === "DIALOG" ? "dialog"
        : role === "group" || tag === "FIELDSET" ? "fieldset"
        : LANDMARKS[role] || LANDMARKS[tag] || "";
      if (!kind) continue;
      let name = ownName(a);
      const heading = () => a.querySelector("h1, h2, h3, h4, h5, h6, [role=heading]");
      const legend = () => a.querySelector(":scope > legend");
      if (!name && kind === "fieldset") name = legend() ? text(legend()) : "";
      const titled = kind === "section" || kind === "dialog";
      if (!name && titled) name = heading() ? text(heading()) : "";
      if (!name && kind === "row") name = Array.from(a.children).map(text).find(Boolean) || "";
      if (!name && kind === "listitem") name = text(a);
      if (name) parts.push(kind + ' "' + name.slice(0, 80) + '"');
      else if (Object.values(LANDMARKS).includes(kind)) parts.push(kind);  // its role tells
    }
    return parts.join(" < ");
  };
  const fields = e => {
    const attr = name => e.getAttribute(name) || "";
    let href = "", hrefPath = "";
    if (e.hasAttribute("href")) {
      try {
        const url = new URL(e.getAttribute("href"), document.baseURI);
        hrefPath = url.pathname;
        href = (url.origin === location.origin ? "" : url.origin) + url.pathname + url.search;
      } catch (_) {}
    }
    const role = roleOf(e);
    return {tag: e.tagName.toLowerCase(), input_type: e.tagName === "INPUT" ? attr("type") : "",
            test_id: attr("data-testid"), name_attr: attr("name"), placeholder: attr("placeholder"),
            href: href, href_path: hrefPath, context: contextOf(e),
            role_guess: role, name_guess: role === null ? null : nameOf(e, role)};
  };
"""

FIELDS_JS = (
    "(elements, limit) => {"
    + FIELD_HELPERS_JS
    + "return {count: elements.length, items: elements.slice(0, limit).map(fields)}; }"
)

# Read from the page, never recorded as such: the guesses, and `href_path` (what trajectories
# recorded before `href`; still read so that they keep replaying).
_NOT_RECORDED = ("role_guess", "name_guess", "href_path", "context")


@dataclass(frozen=True)
class Candidate:
    """What the page holds for one match of a selector: attributes and a guess of role/name."""

    fields: dict[str, str]
    role_guess: str | None
    name_guess: str | None


def inspect(locator: Locator, limit: int = 2) -> tuple[int, list[Candidate]]:
    """How many elements ``locator`` matches, and the fields of the first ``limit`` (one trip)."""
    found: dict[str, Any] = locator.evaluate_all(FIELDS_JS, limit)
    candidates = []
    for item in found["items"]:
        role, name = item.pop("role_guess"), item.pop("name_guess")
        candidates.append(Candidate({k: str(v) for k, v in item.items()}, role, name))
    return int(found["count"]), candidates


_FIRST_LINE = re.compile(r'^- (?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')


def role_and_name(snapshot: str) -> tuple[str, str]:
    """``- button "Sign in" [ref=e3]`` -> ``("button", "Sign in")``."""
    match = _FIRST_LINE.match(snapshot.strip().splitlines()[0] if snapshot.strip() else "")
    if not match:
        return "generic", ""
    name = match["name"] or ""
    return match["role"], name.replace('\\"', '"').replace("\\\\", "\\")


def current_signature(role: str, name: str, fields: dict[str, str]) -> Signature:
    """The signature of what the page holds now, every field read (compared, never recorded)."""
    return {"role": role, "name": name, **fields}


def recorded_signature(
    role: str, name: str, fields: dict[str, str], occurrence: str = ""
) -> Signature:
    """What a trajectory records: non-empty stable fields; context and occurrence only for a
    target chosen by position, where they are what tells it from its look-alikes."""
    signature = {"role": role, "name": name, "tag": fields.get("tag", "")}
    signature.update(
        {key: value for key, value in fields.items() if value and key not in _NOT_RECORDED}
    )
    if occurrence:
        # Recorded even when empty: "in no container" tells it from a look-alike in a footer.
        signature["occurrence"] = occurrence
        signature["context"] = fields.get("context", "")
    return signature


def split_nth(selector: str) -> tuple[str, int] | None:
    """``(base selector, index)`` of a selector that picks one of several matches, else None."""
    match = _TRAILING_NTH.match(selector)
    return (match["base"], int(match["index"])) if match else None


def describe(locator: Locator, timeout_ms: float = 2000) -> Signature:
    """Signature of the single element ``locator`` matches, to record."""
    count, found = inspect(locator, limit=1)
    if not count:
        # Found a moment ago, gone now (a re-render): a step failure, not an IndexError.
        raise TargetNotFound(f"{locator} disappeared before its identity could be recorded")
    role, name = role_and_name(locator.aria_snapshot(timeout=timeout_ms))
    nth = split_nth(selector_of(locator))
    occurrence = ""
    if nth is not None:
        base, index = nth
        total, _ = inspect(locator.page.locator(base), limit=0)
        occurrence = f"{(index % total if total else index) + 1} of {total}"
    return recorded_signature(role, name, found[0].fields, occurrence)


def describe_all(locator: Locator, limit: int = 8) -> list[str]:
    """``role "name"`` of each element matched, for messages about ambiguity."""
    described: list[str] = []
    for element in locator.all()[:limit]:
        role, name = role_and_name(element.aria_snapshot(timeout=2000))
        described.append(f'{role} "{name}"' if name else role)
    return described
