"""The in-memory shape of a case: what collection produces and the runner consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pytest_webagent.errors import Location
from pytest_webagent.resolve.phrases import is_assertion


class StepKind(str, Enum):
    ACTION = "action"
    ASSERTION = "assertion"
    JUDGE = "judge"


@dataclass(frozen=True)
class Step:
    """One natural-language step of a case."""

    kind: StepKind
    template: str  # as written, placeholders kept: this is what trajectories key on
    text: str  # parameters and vars substituted; secrets still as placeholders
    line: int
    occurrence: int  # how many earlier steps of the case have the same kind and template
    timeout: float | None = None  # seconds
    optional: bool = False
    # The file the step is written in, when not the case's own: a Python test's steps come from
    # calls to the agent, which may sit in a helper module.
    source: Path | None = None

    @property
    def shown(self) -> str:
        """The step as people read it in failures and reports: a judge step keeps its `judge:`
        (a failed verdict is not a failed action)."""
        return f"judge: {self.text}" if self.kind is StepKind.JUDGE else self.text


def step_kind_and_template(kind: StepKind, text: str) -> tuple[StepKind, str]:
    """A step as trajectories key it: one line with single spaces (whatever the source's
    wrapping), and a check however it is worded (`Verify that "X" is visible` is never healed)."""
    template = " ".join(text.split())
    if kind is StepKind.ACTION and is_assertion(template):
        kind = StepKind.ASSERTION
    return kind, template


@dataclass(frozen=True)
class MarkSpec:
    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    url: str
    name: str = ""
    kind: str = "link"  # issue | tms | link (Allure's link types)


@dataclass(frozen=True)
class Case:
    """One collected test case (one parametrize row)."""

    name: str
    param_id: str  # "" when not parametrized
    location: Location
    steps: tuple[Step, ...]
    description: str = ""
    url: str | None = None
    tags: tuple[str, ...] = ()
    marks: tuple[MarkSpec, ...] = ()
    usefixtures: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Allure: feature, owner…
    links: tuple[Link, ...] = ()
    url_line: int = 0  # line of `url:` (0 when the case has none)
    url_template: str | None = None  # `url:` as written, placeholders kept (for `webagent export`)
    saves_state: str = ""  # after passing, save the browser's storage state under this name
    uses_state: str = ""  # start from the storage state saved under this name
    usefixtures_lines: tuple[int, ...] = ()  # line of each name in `usefixtures:`

    @property
    def item_name(self) -> str:
        return f"{self.name}[{self.param_id}]" if self.param_id else self.name

    @property
    def goal(self) -> str:
        return self.description or self.name
