"""The failures a step run raises itself, each with the hints that say what to do next."""

from __future__ import annotations

from pytest_webagent.cases.model import Case, Step
from pytest_webagent.errors import Location, StepContext, StepFailed
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import TrajectoryFile


class OptionalStepWarning(UserWarning):
    """An optional step failed; the case went on."""


class MissingStep(StepFailed):
    headline = "no recorded trajectory for this step"


class DriftedStep(StepFailed):
    headline = "recorded target drifted"


def rerun_hint(nodeid: str) -> str:
    return f"re-plan it with: pytest --webagent-mode missing '{nodeid}'"


def missing_step(trajectory: TrajectoryFile, case_id: str, step: Step, nodeid: str) -> MissingStep:
    path = trajectory.path
    nearest = trajectory.nearest(case_id, step)
    hints = [f"looked in: {path}" + ("" if path.exists() else " (file does not exist)")]
    if nearest:
        hints.append(f"nearest recorded step: {nearest!r} (reworded?)")
    hints.append(rerun_hint(nodeid))
    return MissingStep("replay mode never plans, and this step has no recorded entry", hints=hints)


def drifted_step(drift: Drift, why: str, advice: list[str]) -> DriftedStep:
    hints = [f"recorded: {drift.recorded}"]
    if drift.now:
        hints.append(f"the page now holds: {', '.join(drift.now)}")
    hints.extend(advice)
    return DriftedStep(f"{drift.describe()} ({why})", hints=hints)


def where(case: Case, number: int, step: Step) -> str:
    """``file:line: step N 'text'``, for errors that are not step failures."""
    return f"{step.source or case.location.path}:{step.line}: step {number} {step.text!r}"


def step_context(case: Case, number: int, step: Step, mode: str) -> StepContext:
    location = Location(step.source or case.location.path, step.line)
    return StepContext(case.item_name, location, number, step.text, mode)
