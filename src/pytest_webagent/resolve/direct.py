"""The direct resolver: explicit steps become grounded actions with no model.

A step is explicit when ``phrases`` can parse it. Its quoted target is then found on the live page
(``targets``), and the action records a durable selector, the Python code for it and the element's
signature, exactly as a planned action would, so replay treats both the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.cases.model import Step, StepKind
from pytest_webagent.compat import selector_of
from pytest_webagent.errors import TargetNotFound
from pytest_webagent.replay.signature import describe
from pytest_webagent.resolve.optional import bound_ms, skipped_action
from pytest_webagent.resolve.phrases import Intent, parse_assertion
from pytest_webagent.resolve.sentences import parse_actions
from pytest_webagent.resolve.targets import Found, find, find_all, hidden_target
from pytest_webagent.resolve.verbs import DragIntent

RESOLVER_NAME = "direct"


def parse(step: Step) -> list[Intent] | None:
    """The intents of ``step`` when it is explicit, else None (it needs a model)."""
    if step.kind is StepKind.ACTION:
        return parse_actions(step.text)
    if step.kind is StepKind.ASSERTION:
        intent = parse_assertion(step.text)
        return [intent] if intent is not None else None
    return None  # judge steps always need a model


def parse_text(text: str) -> list[Intent] | None:
    """The intents of an explicit action step's text, in order, or None when it is not explicit."""
    return parse_actions(text)


def resolve_all(
    page: Page, intents: list[Intent], timeout_ms: float, execute: Callable[[Action], None]
) -> list[Action]:
    """Resolve and run each intent in turn: a later action is found on the page the earlier ones
    left (a dialog opened, a field revealed)."""
    actions: list[Action] = []
    for intent in intents:
        for action in resolve(page, intent, timeout_ms):
            if not action.get("skipped"):  # an optional action whose target did not show
                execute(action)
            actions.append(action)
    return actions


def resolve(page: Page, intent: Intent, timeout_ms: float) -> list[Action]:
    action: Action = {"type": intent.type, **intent.fields}
    query = intent.target
    if query is None:
        return [action]
    if query.usage == "hidden":
        # It may already be gone, so there is nothing to wait for and no identity to record.
        action["target"] = _target(hidden_target(page, query), signature=False, timeout=0)
        return [action]
    shown: list[Found] = []  # an optional action's target, found within the short bound
    if intent.optional:
        try:
            shown = find_all(page, query, bound_ms(timeout_ms))
        except TargetNotFound:
            return [skipped_action(page, action, query)]
        action["optional"] = True
    if isinstance(intent, DragIntent):  # where a dragged element is dropped: a second target
        dragged = find(page, query, timeout_ms)
        dropped_on = find(page, intent.destination, timeout_ms)
        action["target"] = _target(dragged, signature=True, timeout=timeout_ms)
        action["destination"] = _target(dropped_on, signature=True, timeout=timeout_ms)
        return [action]
    # "both text fields" is one action per field; anything else is one element.
    return [
        {**action, "target": _target(found, signature=not query.child_role, timeout=timeout_ms)}
        for found in shown or find_all(page, query, timeout_ms)
    ]


def _target(found: Found, *, signature: bool, timeout: float) -> dict[str, object]:
    target: dict[str, object] = {"selector": selector_of(found.locator), "code": found.code}
    if signature:
        target["signature"] = describe(found.locator, timeout_ms=max(timeout, 1000))
    return target
