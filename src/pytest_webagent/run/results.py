"""What running a step produces, and what a case run is given: plain data shared by the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pytest_webagent.browser.executor import Action
from pytest_webagent.cases.model import Step
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import Entry, TrajectoryFile
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.resolve.planning.planner import Planner
from pytest_webagent.secret_values import Secrets


class PlannerSource(Protocol):
    def planner(self) -> Planner: ...


@dataclass
class StepResult:
    step: Step
    resolution: str  # replayed | direct | planned | re-planned | judged
    actions: list[Action]
    entry: Entry | None = None  # what the trajectory should hold for this step
    drift: Drift | None = None
    usage: Usage = field(default_factory=Usage)
    fallback: str = ""  # why an explicit step was planned by the model instead


@dataclass(frozen=True)
class RunContext:
    case_id: str
    nodeid: str
    base_url: str | None
    trajectory: TrajectoryFile
    secrets: Secrets = field(default_factory=Secrets)
    accept_downloads: bool = False  # the case opted in (browser_context_args)
    project_root: Path | None = None  # files a case uploads must be under it
    rerun: str = ""  # the command that re-plans this case, as printed in hints
