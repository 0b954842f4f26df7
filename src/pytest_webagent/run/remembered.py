"""Values a case remembers from the page (``Remember the text of "Order number" as order_id``),
used by later steps as ``{{ order_id }}``.

A remembered value lives for one case run. Later steps get it substituted into their text before
they run, so the direct resolver and the model see the value and a trajectory keeps the
placeholder (as for a parameter). A value remembered as ``secret`` is never written into a step:
it stays a placeholder until the browser gets it, and is masked everywhere else.
"""

from __future__ import annotations

from dataclasses import replace

from pytest_webagent.cases.model import Step
from pytest_webagent.cases.templating import PLACEHOLDER
from pytest_webagent.secret_values import Secrets


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
