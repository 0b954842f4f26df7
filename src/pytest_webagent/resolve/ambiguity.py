"""What the direct resolver says when a target is ambiguous or missing.

An ambiguity lists the candidates with what tells them apart (their row, the heading they sit
under, their dialog, their position) and proposes a phrasing that resolves to the first of them;
the proposal is checked by resolving it before it is shown. A hint that cannot help (the role
word, when every candidate has the same role) is never given.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import secrets
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Page

from pytest_webagent.errors import StepFailed, TargetAmbiguous
from pytest_webagent.replay.signature import role_and_name
from pytest_webagent.resolve.locating import Root, Strategy, finds_marked
from pytest_webagent.resolve.page_scripts import CONTEXT_JS, MARK_JS
from pytest_webagent.resolve.phrases import ROLE_WORDS, Scope, TargetQuery

LISTED = 8
ROLE_WORD = {role: word for word, role in reversed(list(ROLE_WORDS.items())) if role}


def ambiguous(
    query: TargetQuery, strategies: list[Strategy], root: Root, *, ordinal_missing: bool = False
) -> TargetAmbiguous:
    page: Page = (
        root
        if isinstance(root, Page)
        else (root.owner if isinstance(root, FrameLocator) else root).page
    )
    handles: list[tuple[Strategy, Any]] = []
    names: list[tuple[str, str]] = []
    total = 0
    for strategy in strategies:
        count = strategy.locator.count()
        total += count
        for index in range(min(count, LISTED - len(handles))):
            element = strategy.locator.nth(index)
            try:
                names.append(role_and_name(element.aria_snapshot(timeout=2000)))
                handles.append((strategy, element.element_handle(timeout=2000)))
            except PlaywrightError:
                continue  # gone meanwhile: nothing to list
    try:
        contexts = page.evaluate(CONTEXT_JS, [h for _, h in handles])
        roles = [
            role if role != "generic" else _role(strategy, handle)
            for (role, _), (strategy, handle) in zip(names, handles, strict=True)
        ]
    except PlaywrightError:
        contexts, roles = [{} for _ in handles], [role for role, _ in names]
    listed = _listed(roles, [name for _, name in names], contexts)
    what = repr(query.name) if query.name else f"the {query.role}"
    message = f"{what} matches {total} elements: {'; '.join(listed)}" + (
        "; ..." if total > len(listed) else ""
    )
    hints = []
    suggestion = _suggest(page, query, handles, roles, contexts) if handles else None
    if suggestion:
        hints.append(f"hint: say which one, e.g. {suggestion}")
    elif len(set(roles)) > 1 and not query.role:
        hints.append("hint: name the role to choose, e.g. 'Click the \"X\" button'")
    else:
        hints.append('hint: use a more specific name, a scope (in the "..." row) or an ordinal')
    del ordinal_missing  # an ordinal is proposed either way
    return TargetAmbiguous(message, hints=hints)


def _role(strategy: Strategy, handle: Any) -> str:
    match = re.search(r'get_by_role\("([\w-]+)"', strategy.code.rsplit(").", 1)[-1])
    if match:
        return match[1]
    role: str = handle.evaluate(
        "e => e.getAttribute('role') || ({A: 'link', BUTTON: 'button', INPUT: 'textbox', "
        "SELECT: 'combobox', TEXTAREA: 'textbox'}[e.tagName] || e.tagName.toLowerCase())"
    )
    return role


def _listed(roles: list[str], names: list[str], contexts: list[dict[str, Any]]) -> list[str]:
    """``button "Delete" row "qa-user"`` for each candidate: only what differs among them is
    said (their row, heading or dialog), and their position when nothing else does."""
    telling = [
        key for key in ("row", "heading", "dialog") if len({c.get(key) for c in contexts}) > 1
    ]
    same = len(set(zip(roles, names, strict=True))) < len(roles)
    listed = []
    for role, name, context in zip(roles, names, contexts, strict=True):
        parts = [f'{role} "{name}"' if name else role]
        for key in telling:
            if context.get(key):
                parts.append(f'{"under" if key == "heading" else key} "{context[key]}"')
        if same and len(parts) == 1:
            parts.append(f"#{context.get('position', '?')}")
        listed.append(" ".join(parts))
    return listed


def _suggest(
    page: Page, query: TargetQuery, handles: list[tuple[Strategy, Any]], roles: list[str],
    contexts: list[dict[str, Any]],
) -> str | None:  # fmt: skip
    """A target phrase that finds the first candidate alone, checked on the page."""
    first = contexts[0]
    name = f'"{query.name}"' if query.name else ""
    role_word = ROLE_WORD.get(roles[0], "")
    base = " ".join(part for part in (name, role_word) if part) or name
    options: list[tuple[str, TargetQuery]] = []
    if first.get("row") and sum(c.get("row") == first["row"] for c in contexts) == 1:
        options.append((f'{base} in the "{first["row"]}" row',
                        _with(query, scope=Scope(first["row"], "row"))))  # fmt: skip
    if first.get("heading") and sum(c.get("heading") == first["heading"] for c in contexts) == 1:
        options.append((f'{base} under "{first["heading"]}"',
                        _with(query, scope=Scope(first["heading"], "heading"))))  # fmt: skip
    if len(set(roles)) > 1 and role_word and not query.role:
        options.append((f"the {base}", _with(query, role=roles[0])))
    options.append((f"the first {base}", _with(query, ordinal=1)))
    token = secrets.token_hex(4)
    handles[0][1].evaluate(MARK_JS, token)
    from pytest_webagent.resolve.targets import find  # the resolver itself checks the proposal

    for phrase, candidate in options:
        try:
            found = find(page, candidate, 2000)
        except (StepFailed, PlaywrightError):
            continue
        if finds_marked(found.locator, token):
            return phrase
    return None


def _with(query: TargetQuery, **changes: Any) -> TargetQuery:
    return dataclasses.replace(query, **changes)


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
