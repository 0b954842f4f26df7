"""Find the element a ``TargetQuery`` describes, with Playwright's semantic locators.

Strategies are grouped in tiers of equal standing (all roles that fit the usage; then label;
placeholder; visible text; test id). The first tier that matches anything decides, and it must
match exactly one element: a button and a link both named "Sign in" is ambiguity to report, not a
coin to toss. Exact names are tried first, then names folded as pages decorate them (``Password:``,
case, typographic quotes: ``normalise``), then case-insensitive substrings; then fields labelled
by nearby text (``fields``) and elements that act as controls without a role (a ``<span>`` with a
pointer cursor). Prose never wins: a substring of a sentence is no match for a click.
A scope (``in the "qa-user" row``) is found first (``scoping``); an ordinal picks among matches.
A target in a frame (``in the "X" frame``, or one the page lacks but a same-origin frame has) is
looked for from that frame (``frames``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.errors import TargetAmbiguous, TargetNotFound
from pytest_webagent.replay.signature import describe
from pytest_webagent.resolve import frames
from pytest_webagent.resolve.ambiguity import ambiguous, nearest_candidates
from pytest_webagent.resolve.fields import near_label
from pytest_webagent.resolve.locating import (
    TEXT_FIELDS,
    Deadline,
    Found,
    Root,
    Scoped,
    Strategy,
    literal,
    regex_code,
)
from pytest_webagent.resolve.normalise import ICON_NAMES, bare_name, name_pattern
from pytest_webagent.resolve.not_found import not_found, too_few
from pytest_webagent.resolve.page_scripts import CONTROLS_JS, INNERMOST_JS
from pytest_webagent.resolve.phrases import CONTAINER_ROLES, TargetQuery
from pytest_webagent.resolve.presence import appears
from pytest_webagent.resolve.scoping import loose_scope, scope_root, xpath_literal

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
    # Pointer verbs (hover, double-click, right-click, drag, scroll to): any element a person
    # can point at, text included, since what they act on is often no control (a list item that
    # reveals its buttons on hover, a draggable card).
    "point": ["button", "link", "heading", "textbox", "checkbox", "radio", "combobox", "tab",
              "menuitem", "img", "alert", "status", "dialog", "cell"],
    "visible": ["button", "link", "heading", "textbox", "checkbox", "radio", "combobox", "tab",
                "img", "alert", "status", "dialog", "cell"],
    "hidden": [],
}  # fmt: skip
MATCHING = ("exact", "folded", "substring")
DECIDING_MS = 1000.0


def tiers(root: Root, query: TargetQuery, matching: str, prefix: str = "") -> list[list[Strategy]]:
    name = query.name
    join = (lambda code: f"{prefix}.{code}") if prefix else (lambda code: code)
    roles = [query.role] if query.role else USAGE_ROLES[query.usage]
    if query.child_role:
        roles = [role for role in roles if role != "heading"]  # a heading holds no rows
    exact = matching == "exact"
    value: str | re.Pattern[str] = name
    arg, flag = literal(name), ", exact=True" if exact else ""
    if matching == "folded":
        value, arg, flag = (
            re.compile(name_pattern(name), re.IGNORECASE),
            regex_code(name_pattern(name)),
            "",
        )
    role_tier = [
        Strategy(
            root.get_by_role(role, name=value, exact=exact),  # type: ignore[arg-type]
            join(f"get_by_role({literal(role)}, name={arg}{flag})"),
        )
        for role in roles
    ]

    def visible(locator: Locator, code: str) -> list[Strategy]:
        return [Strategy(locator.filter(visible=True), join(f"{code}.filter(visible=True)"))]

    by_label = visible(root.get_by_label(value, exact=exact), f"get_by_label({arg}{flag})")
    by_placeholder = visible(
        root.get_by_placeholder(value, exact=exact), f"get_by_placeholder({arg}{flag})"
    )
    by_text = visible(root.get_by_text(value, exact=exact), f"get_by_text({arg}{flag})")
    by_test_id = visible(root.get_by_test_id(name), f"get_by_test_id({literal(name)})")
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
    return find_all(page, query, timeout_ms)[0]


def find_all(page: Page, query: TargetQuery, timeout_ms: float) -> list[Found]:
    """Like ``find``; several only for ``every`` ("both text fields"). The whole search, scope
    included, is bounded by ``timeout_ms``."""
    deadline = Deadline(timeout_ms)
    if query.scope:
        roots = scope_root(page, query.scope, deadline)
    else:
        frame = frames.scope_for(page, query, lambda root: _matches_now(root, query))
        roots = [Scoped(frame.root, frame.code.rstrip("."))]
    last: TargetNotFound | None = None
    for scoped in roots:
        try:
            return _find_in(page, scoped, query, deadline)
        except TargetNotFound as error:
            last = error
    assert last is not None
    raise last


def _find_in(page: Page, scoped: Scoped, query: TargetQuery, deadline: Deadline) -> list[Found]:
    if not query.name:
        return _by_role_only(page, scoped, query, deadline)
    names = [query.name]
    if query.name.strip().lower() in ICON_NAMES:
        names.insert(0, ICON_NAMES[query.name.strip().lower()])  # "x" means a close button
    if bare_name(query.name) != query.name:
        names.append(bare_name(query.name))  # `Fill "Password:"` copied with its colon
    if not appears(page, names, deadline.left_ms()):
        raise not_found(page, query, deadline.timeout_ms, absent=True)
    _wait_for_any(scoped, [TargetQuery(n, query.usage, query.role) for n in names], deadline)
    refused: list[str] = []  # found by the name, but not of the role the step's role word says
    for name in names:
        named = TargetQuery(name, query.usage, query.role, query.child_role, query.ordinal)
        found = _search(page, scoped, named, deadline, refused)
        if found is not None:
            return [_with_child(found, query)]
    raise not_found(page, query, deadline.timeout_ms, refused=refused)


def _search(
    page: Page, scoped: Scoped, query: TargetQuery, deadline: Deadline, refused: list[str]
) -> Found | None:
    for matching in MATCHING:
        if matching == "substring" and len(query.name.strip()) < 2:
            continue  # "x" inside "Next" or "Box" is no match
        for tier in tiers(scoped.root, query, matching, scoped.code):
            try:
                found = _decide(
                    tier, query, matching, scoped, lambda: _check_deadline(page, query, deadline)
                )
            except TargetAmbiguous:
                # Texts that read the same, one of them a control (a menu item, and the same
                # word in bold in the instructions above it): a click means the control.
                if query.usage != "click" or "get_by_text(" not in tier[0].code:
                    raise
                found = _acting_text(page, scoped, query, [])
                if found is None:
                    raise
            if found is not None:
                return found
        if matching == "folded" and query.usage in ("input", "select", "toggle"):
            fields = near_label(scoped, query.name, query.usage)
            if len(fields) == 1 or (fields and query.ordinal):
                return fields[_index(query.ordinal, len(fields))]
            if fields:
                raise ambiguous(query, [Strategy(f.locator, f.code) for f in fields], page)
    if query.usage in ("click", "any", "point") and not query.child_role:
        return _acting_text(page, scoped, query, refused)
    return None


def _matches_now(root: Root, query: TargetQuery) -> bool:
    """Whether anything ``query`` could mean is in ``root`` already (no waiting)."""
    if not query.name:
        return True  # a role alone ("the textbox") is looked for in the page
    return any(s.locator.count() for tier in tiers(root, query, "substring") for s in tier)


def _check_deadline(page: Page, query: TargetQuery, deadline: Deadline) -> None:
    if deadline.passed():
        raise not_found(page, query, deadline.timeout_ms)


def _wait_for_any(scoped: Scoped, queries: list[TargetQuery], deadline: Deadline) -> None:
    # Inexact strategies match everything the exact ones do, so waiting on them alone covers
    # both, with a selector half the size (each role selector computes accessible names).
    loose: list[Strategy] = []
    for query in queries:
        matching = "substring" if len(query.name.strip()) > 1 else "exact"
        loose += [s for tier in tiers(scoped.root, query, matching) for s in tier]
        if re.search(r"['\"\u2018\u2019\u201c\u201d\u00a0-]", query.name):
            # Typographic quotes and dashes only match folded; other names match as substrings.
            loose += [s for tier in tiers(scoped.root, query, "folded") for s in tier]
        if query.usage in ("input", "select", "toggle"):
            loose.append(Strategy(scoped.root.get_by_text(query.name), ""))  # labels beside
    anything = loose[0].locator
    for strategy in loose[1:]:
        anything = anything.or_(strategy.locator)
    # None appearing is no verdict yet: the search below says what is missing, with the nearest
    # names. Deciding gets at least a second, so that a short step timeout on a busy machine (a
    # cold page answers its first query slowly) does not turn "there" into "not found".
    with contextlib.suppress(PlaywrightError):
        anything.first.wait_for(state="attached", timeout=max(deadline.left_ms(), 1))
    deadline.at_least(DECIDING_MS)


def _decide(
    tier: list[Strategy],
    query: TargetQuery,
    matching: str,
    scoped: Scoped,
    in_time: Callable[[], None] = lambda: None,
) -> Found | None:
    in_time()
    anything = tier[0].locator
    for strategy in tier[1:]:
        anything = anything.or_(strategy.locator)
    if len(tier) > 1 and anything.count() == 0:
        return None  # one round trip for a tier that matches nothing, the usual case
    matched = []
    for strategy in tier:
        in_time()  # each count may take long on a huge page: the step timeout bounds them all
        matched.append((strategy, strategy.locator.count()))
    hits = [(s, n) for s, n in matched if n]
    if hits and matching == "substring" and query.usage in ("click", "any", "visible", "point"):
        hits = _controls_only(hits, query, controls=query.usage != "point")
    if not hits:
        return None
    if query.ordinal:
        if len(hits) == 1 and abs(query.ordinal) <= hits[0][1]:
            strategy, count = hits[0]
            index = _index(query.ordinal, count)
            return Found(strategy.locator.nth(index), f"{strategy.code}.nth({index})")
        if len(hits) == 1:
            raise too_few(query, hits[0][1])
        raise ambiguous(query, [s for s, _ in hits], scoped.root, ordinal_missing=True)
    if len(hits) == 1 and hits[0][1] == 1:
        return Found(hits[0][0].locator, hits[0][0].code)
    inner = _innermost(hits)
    if inner is not None:
        return inner
    raise ambiguous(query, [s for s, _ in hits], scoped.root)


def _index(ordinal: int, count: int) -> int:
    return count + ordinal if ordinal < 0 else max(ordinal, 1) - 1


def _controls_only(
    hits: list[tuple[Strategy, int]], query: TargetQuery, *, controls: bool = True
) -> list[tuple[Strategy, int]]:
    """Substring matches that are controls: a sentence that contains the words is no target.
    Pointer verbs (``controls=False``) keep any element that is not a sentence."""
    kept = []
    words = len(query.name.split())
    for strategy, count in hits:
        if "get_by_text(" not in strategy.code.rsplit(".get_by_role(", 1)[-1]:
            kept.append((strategy, count))
            continue
        try:
            facts = strategy.locator.evaluate_all(CONTROLS_JS, words)
        except PlaywrightError:
            continue
        if all((f["interactive"] or not controls) and not f["sentence"] for f in facts):
            kept.append((strategy, count))
    return kept


def _innermost(hits: list[tuple[Strategy, int]]) -> Found | None:
    """A control inside another of the same name (a button in a tab, both "Submit") is one
    target: the innermost, which a click on the outer one would reach anyway."""
    if sum(count for _, count in hits) > 4:
        return None
    handles = [(s, h) for s, _ in hits for h in s.locator.element_handles()]
    page = handles[0][1].owner_frame()
    if page is None:
        return None
    index = page.evaluate(INNERMOST_JS, [h for _, h in handles])
    if index < 0:
        return None
    strategy = handles[index][0]
    if strategy.locator.count() != 1:
        return None
    return Found(strategy.locator, strategy.code)


def fits_role(role: str, found: str) -> bool:
    """Whether an element of role ``found`` may be what a step's role word (``role``) names: one
    with no role of its own (a ``<span>`` that acts as a button) or that role; a label is a
    checkbox's or radio's caption, never a button's (clicking it would act on its field)."""
    if not role or found in ("", "generic", "none", "presentation"):
        return True
    if found == "label":
        return role in ("checkbox", "radio")
    return found == role or {found, role} <= {"textbox", "searchbox"}


def _acting_text(
    page: Page, scoped: Scoped, query: TargetQuery, refused: list[str]
) -> Found | None:
    """Text that acts as a control with no role (`<span class="alink" style="cursor:pointer">`):
    `Click the "In" link` means it. Recorded as its tag and text, checked to be the only one.
    With a role word, an element that has another role is refused (listed in ``refused``)."""
    for exact in (True, False) if len(query.name.strip()) > 1 else (True,):
        text = scoped.root.get_by_text(query.name, exact=exact).filter(visible=True)
        try:
            facts = text.evaluate_all(CONTROLS_JS, len(query.name.split()))
            tags = text.evaluate_all("els => els.map(e => e.tagName.toLowerCase())")
        except PlaywrightError:
            continue
        acting = [i for i, f in enumerate(facts) if f["interactive"] and not f["sentence"]]
        for i in acting:
            what = f'{facts[i]["role"]} "{facts[i]["text"]}"'
            if facts[i]["control"]:
                what += f" (of a {facts[i]['control']})"
            if not fits_role(query.role, facts[i]["role"]) and what not in refused:
                refused.append(what)
        acting = [i for i in acting if fits_role(query.role, facts[i]["role"])]
        if not acting:
            continue
        tag = tags[acting[0]]
        if any(tags[i] != tag for i in acting):
            return None
        flag = ", exact=True" if exact else ""
        locator = scoped.root.locator(tag).get_by_text(query.name, exact=exact)
        locator = locator.filter(visible=True)
        code = scoped.join(
            f"locator({literal(tag)}).get_by_text({literal(query.name)}{flag}).filter(visible=True)"
        )
        count = locator.count()
        if count == 1 or (query.ordinal and abs(query.ordinal) <= count):
            if query.ordinal:
                index = _index(query.ordinal, count)
                return Found(locator.nth(index), f"{code}.nth({index})")
            return Found(locator, code)
        if count > 1 and exact and len(acting) == 1:
            # The tag's texts include the same words in another element inside a <div> of
            # that tag (a bold word in the instructions): the element whose own text it is.
            own = f"xpath=//{tag}[normalize-space(.)={xpath_literal(query.name.strip())}]"
            alone = scoped.root.locator(own).filter(visible=True)
            if alone.count() == 1:
                return Found(alone, scoped.join(f"locator({literal(own)}).filter(visible=True)"))
        if count > 1:
            raise ambiguous(query, [Strategy(locator, code)], scoped.root)
    return None


def _by_role_only(
    page: Page, scoped: Scoped, query: TargetQuery, deadline: Deadline
) -> list[Found]:
    """`Click the textbox`, `the 3rd input textbox`, `both text fields`: the role alone."""
    if query.role == "textbox":
        locator, code = scoped.root.locator(TEXT_FIELDS), f"locator({literal(TEXT_FIELDS)})"
    elif query.role == "expandable":
        # A collapsed header that controls a panel; a header with no panel expands nothing.
        css = '[aria-expanded="false"][aria-controls]'
        if scoped.root.locator(css).filter(visible=True).count() == 0:
            css = '[aria-expanded="false"]'
        locator, code = scoped.root.locator(css), f"locator({literal(css)})"
    else:
        locator = scoped.root.get_by_role(query.role)  # type: ignore[arg-type]
        code = f"get_by_role({literal(query.role)})"
    locator, code = locator.filter(visible=True), scoped.join(f"{code}.filter(visible=True)")
    try:
        locator.first.wait_for(state="visible", timeout=max(deadline.left_ms(), 1))
    except PlaywrightError:
        raise not_found(page, query, deadline.timeout_ms) from None
    count = locator.count()
    if query.every:
        return [Found(locator.nth(i), f"{code}.nth({i})") for i in range(count)]
    if query.ordinal:
        if abs(query.ordinal) > count:
            raise too_few(query, count)
        index = _index(query.ordinal, count)
        return [Found(locator.nth(index), f"{code}.nth({index})")]
    if count == 1:
        return [Found(locator, code)]
    raise ambiguous(query, [Strategy(locator, code)], scoped.root, ordinal_missing=True)


def _with_child(found: Found, query: TargetQuery) -> Found:
    if not query.child_role:
        return found
    return Found(
        found.locator.get_by_role(query.child_role),  # type: ignore[arg-type]
        f"{found.code}.get_by_role({literal(query.child_role)})",
    )


def hidden_target(page: Page, query: TargetQuery) -> Found:
    """A target for checks that it is absent: it may legitimately match nothing right now. A
    scope (``in the "qa-user" row``) is looked for where it would be, without waiting for it: a
    row that is gone holds nothing visible either."""
    scope = frames.scope_for(page, query, lambda root: True)  # a named frame, else the page
    root: Root = scope.root
    code = scope.code.rstrip(".")
    if query.scope is not None:
        root, code = loose_scope(root, query.scope, code)
    strategy = tiers(root, query, "exact", code)[0][0]
    if query.ordinal:
        index = query.ordinal - 1 if query.ordinal > 0 else query.ordinal
        return Found(strategy.locator.nth(index), f"{strategy.code}.nth({index})")
    return Found(strategy.locator, strategy.code)


__all__ = ["CONTAINER_ROLES", "Found", "TargetAmbiguous", "describe", "find", "find_all",
           "hidden_target", "nearest_candidates", "tiers"]  # fmt: skip
