"""Values a case remembers from the page (``Remember the text of "Order number" as order_id``),
used by later steps as ``{{ order_id }}``.

A remembered value lives for one case run. Later steps get it substituted into their text before
they run, so the direct resolver and the model see the value and a trajectory keeps the
placeholder (as for a parameter). A value remembered as ``secret`` is never written into a step:
it stays a placeholder until the browser gets it, and is masked everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pytest_webagent.browser.executor import TARGET_KEYS
from pytest_webagent.cases.model import Step
from pytest_webagent.cases.templating import PLACEHOLDER, kept
from pytest_webagent.secret_values import Secrets

Action = dict[str, Any]


class Memory:
    """The values one case run remembered, plain and secret."""

    def __init__(self, secrets: Secrets) -> None:
        self.values: dict[str, str] = {}
        self.secret_names: set[str] = set()
        self._secrets = secrets

    def remember(self, name: str, value: str, secret: bool) -> None:
        self.values[name] = value
        if secret:
            self.secret_names.add(name)
            # Masked in reports, logs, prompts and trajectories from now on.
            self._secrets.add(Secrets({f"remembered.{name}": value}))
        else:
            self.secret_names.discard(name)

    def plain(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if k not in self.secret_names}

    def fill_step(self, step: Step) -> Step:
        """``step`` with the plain remembered values in its text (secret ones stay placeholders)."""
        if "{{" not in step.text:
            return step
        text = self._substitute(step.text, self.plain())
        return step if text == step.text else replace(step, text=text)

    def resolve(self, text: str) -> str:
        """Every remembered value in ``text``, secret ones too: only for the browser."""
        return self._substitute(text, self.values) if "{{" in text else text

    @staticmethod
    def _substitute(text: str, values: dict[str, str]) -> str:
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# -- targets named by a remembered value ----------------------------------------------------------
# `Click "{{ order_id }}"` finds a link named by this run's value. The recorded locator keeps the
# placeholder (selector, code and the name in the signature), and replay puts this run's value
# back before the identity check, as it does for values typed into fields.
TARGET_TEXTS = ("selector", "code")


def generalise_targets(actions: list[Action], remembered: dict[str, str]) -> list[Action]:
    """``actions`` with remembered values in their targets put back as placeholders."""
    if not remembered:
        return actions
    by_value = sorted(((v, kept(n)) for n, v in remembered.items() if v), key=lambda p: -len(p[0]))
    return [_map_targets(action, lambda text: _replace_all(text, by_value)) for action in actions]


def concrete_targets(action: Action, values: dict[str, str]) -> Action:
    """A recorded action with placeholders in its targets filled from ``values``."""
    targets = [action[key] for key in TARGET_KEYS if isinstance(action.get(key), dict)]
    if not any("{{" in str(target.get(text, "")) for target in targets for text in TARGET_TEXTS):
        return action  # the common case, on every replayed action: nothing to fill, no copy
    return _map_targets(action, lambda text: Memory._substitute(text, values))


def _map_targets(action: Action, change: Callable[[str], str]) -> Action:
    if not any(key in action for key in TARGET_KEYS):
        return action
    result = dict(action)
    for key in TARGET_KEYS:
        target = action.get(key)
        if not isinstance(target, dict):
            continue
        changed = {k: change(v) if k in TARGET_TEXTS else v for k, v in target.items()}
        signature = target.get("signature")
        if isinstance(signature, dict) and isinstance(signature.get("name"), str):
            changed["signature"] = {**signature, "name": change(signature["name"])}
        result[key] = changed
    return result


def _replace_all(text: str, by_value: list[tuple[str, str]]) -> str:
    for value, placeholder in by_value:
        text = text.replace(value, placeholder)
    return text
