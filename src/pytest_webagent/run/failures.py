"""The failures a step run raises itself, each with the hints that say what to do next."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path

from pytest_webagent.cases.model import Case, Step
from pytest_webagent.errors import Location, ModelError, StepContext, StepFailed
from pytest_webagent.replay.identity import Drift
from pytest_webagent.replay.trajectory import TrajectoryFile


class OptionalStepWarning(UserWarning):
    """An optional step failed; the case went on."""


class MissingStep(StepFailed):
    headline = "no recorded trajectory for this step"


class DriftedStep(StepFailed):
    headline = "recorded target drifted"

    def __init__(self, drift: Drift, why: str, *, hints: list[str] | None = None) -> None:
        super().__init__(f"{drift.describe()} ({why})", hints=hints)
        self.drift = drift
        self.why = why  # why the step was not healed, for the drift report


# Options of the original command line a re-plan needs too (where cases are, how to reach the
# app and the model), each with whether it takes a value. Never the API key: hints are printed.
_KEPT_FLAGS = {"--webagent": False, "--base-url": True, "--rootdir": True, "-c": True,
               "--config-file": True, "--browser": True}  # fmt: skip
_DROPPED = ("--webagent-mode", "--webagent-api-key", "--webagent-prune", "--webagent-report-md")


def rerun_command(args: Sequence[str], rootdir: Path, invocation_dir: Path, nodeid: str) -> str:
    """``pytest --webagent ... --webagent-mode missing '<nodeid>'``, runnable where pytest ran.

    The node id is relative to the rootdir, pytest's arguments to the current directory; and YAML
    cases are only collected with ``--webagent`` when the ini file does not switch it on, so the
    options that made the original run find and reach the case are repeated.
    """
    kept: list[str] = []
    takes_value = False
    for arg in args:
        if takes_value:
            kept.append(arg)
            takes_value = False
            continue
        name, has_value, _ = arg.partition("=")
        if name in _DROPPED:
            continue
        if name in _KEPT_FLAGS or name.startswith("--webagent-"):
            kept.append(arg)
            takes_value = not has_value and _KEPT_FLAGS.get(name, True)
    if "--webagent" not in kept:
        kept.insert(0, "--webagent")
    path, separator, rest = nodeid.partition("::")
    relative = Path(os.path.relpath(rootdir / path, invocation_dir)).as_posix()
    words = ["pytest", *kept, "--webagent-mode", "missing"]
    target = relative + separator + rest
    # Always quoted: node ids hold blanks and brackets more often than not.
    quoted = shlex.quote(target) if shlex.quote(target) != target else f"'{target}'"
    return " ".join([*(shlex.quote(word) for word in words), quoted])


def rerun_hint(command: str) -> str:
    return f"re-plan it with: {command}"


def missing_step(trajectory: TrajectoryFile, case_id: str, step: Step, command: str) -> MissingStep:
    path = trajectory.path
    nearest = trajectory.nearest(case_id, step)
    hints = [f"looked in: {path}" + ("" if path.exists() else " (file does not exist)")]
    if nearest:
        hints.append(f"nearest recorded step: {nearest!r} (reworded?)")
    hints.append(rerun_hint(command))
    return MissingStep("replay mode never plans, and this step has no recorded entry", hints=hints)


def drifted_step(drift: Drift, why: str, advice: list[str]) -> DriftedStep:
    """``recorded target drifted``: what was recorded, what the page holds now, and ``why`` the
    step was not healed (replay mode, or why re-resolving it failed)."""
    recorded = f"recorded: {drift.recorded}"
    if drift.signature:
        recorded += f" ({identity_words(drift.signature)})"
    hints = [recorded, f"the page now holds: {', '.join(drift.now) or 'nothing like it'}"]
    hints.extend(advice)
    return DriftedStep(drift, why, hints=hints)


def heal_failure(drift: Drift, failures: list[StepFailed | ModelError]) -> DriftedStep:
    """A drifted step whose re-resolution failed: each attempt's reason, the last one's hints."""
    attempts = "; then ".join(_reason(failure) for failure in failures)
    last = failures[-1]
    return drifted_step(drift, f"re-resolving it failed: {attempts}", getattr(last, "hints", []))


def _reason(failure: StepFailed | ModelError) -> str:
    if isinstance(failure, StepFailed):
        return f"{failure.headline}: {failure.reason}"
    return str(failure)


def identity_words(signature: dict[str, str]) -> str:
    """``button "Sign in", test_id 'sign-in'``: a recorded signature for people."""
    role, name = signature.get("role", ""), signature.get("name", "")
    words = [f'{role} "{name}"' if name else role]
    words += [f"{key} {value!r}" for key, value in sorted(signature.items())
              if key not in ("role", "name") and value]  # fmt: skip
    return ", ".join(words)


def unhealed_drift(number: int, step: Step, failure: DriftedStep) -> dict[str, str]:
    """A drifted step that failed, as the drift report lists it (plain data: xdist ships it)."""
    drift = failure.drift
    return {"number": str(number), "step": step.text, "drift": drift.describe(),
            "old": drift.recorded, "now": ", ".join(drift.now), "why": failure.why}  # fmt: skip


def where(case: Case, number: int, step: Step) -> str:
    """``file:line: step N 'text'``, for errors that are not step failures."""
    return f"{step.source or case.location.path}:{step.line}: step {number} {step.shown!r}"


def step_context(case: Case, number: int, step: Step, mode: str) -> StepContext:
    location = Location(step.source or case.location.path, step.line)
    return StepContext(case.item_name, location, number, step.shown, mode)
