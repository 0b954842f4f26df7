"""The direct resolver: explicit steps become grounded actions with no model.

A step is explicit when ``phrases`` can parse it. Its quoted target is then found on the live page
(``targets``), and the action records a durable selector, the Python code for it and the element's
signature, exactly as a planned action would, so replay treats both the same way.
"""

from __future__ import annotations

from playwright.sync_api import Page

from pytest_webagent.browser.executor import Action
from pytest_webagent.cases.model import Step, StepKind
from pytest_webagent.compat import selector_of
from pytest_webagent.replay.signature import describe
from pytest_webagent.resolve.phrases import Intent, parse_action, parse_assertion
from pytest_webagent.resolve.targets import Found, find, hidden_target
from pytest_webagent.resolve.verbs import DragIntent

RESOLVER_NAME = "direct"


def parse(step: Step) -> Intent | None:
    """The intent of ``step`` when it is explicit, else None (it needs a model)."""
    if step.kind is StepKind.ACTION:
        return parse_action(step.text)
    if step.kind is StepKind.ASSERTION:
        return parse_assertion(step.text)
    return None  # judge steps always need a model


def resolve(page: Page, intent: Intent, timeout_ms: float) -> list[Action]:
    action: Action = {"type": intent.type, **intent.fields}
    query = intent.target
    if query is not None:
        if query.usage == "hidden":
            # It may already be gone, so there is nothing to wait for and no identity to record.
            action["target"] = _target(hidden_target(page, query), signature=False, timeout=0)
        else:
            found = find(page, query, timeout_ms)
            action["target"] = _target(found, signature=not query.child_role, timeout=timeout_ms)
    if isinstance(intent, DragIntent):  # where a dragged element is dropped: a second target
        dropped_on = find(page, intent.destination, timeout_ms)
        action["destination"] = _target(dropped_on, signature=True, timeout=timeout_ms)
    return [action]


def _target(found: Found, *, signature: bool, timeout: float) -> dict[str, object]:
    target: dict[str, object] = {"selector": selector_of(found.locator), "code": found.code}
    if signature:
        target["signature"] = describe(found.locator, timeout_ms=max(timeout, 1000))
    return target
