"""What ``webagent validate`` finds in valid case files that would still fail a CI replay run.

* A step with no recorded entry that is not explicit: only a model can record it, and replay
  never asks one.
* A step YAML cut short at `` #`` (a comment starts there): ``- Fill "Name" with "a #1"``.
* A step whose double quotes do not pair up: its quoted value cannot be read.
* A step that swallowed the next one: a line indented under a step continues it, so
  ``- Click "A"`` followed by ``  Click "B"`` is one step, ``Click "A" Click "B"``.

Each is one ``file:line: message`` line, as the other problems of ``validate``.
"""

from __future__ import annotations

from pathlib import Path

from pytest_webagent.cases.model import Case, Step, StepKind
from pytest_webagent.replay.trajectory import TrajectoryFile
from pytest_webagent.resolve.direct import parse


def replay_problems(path: Path, cases: list[Case], trajectory: TrajectoryFile | None) -> list[str]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    problems: list[str] = []
    for case in cases:
        for step in case.steps:
            where = f"{path}:{step.line}: case {case.item_name!r}, step {step.text!r}"
            problem = _text_problem(step, lines)
            if (
                problem is None
                and step.kind is not StepKind.JUDGE
                and _unrecorded(case, step, trajectory)
            ):
                problem = (
                    "has no recorded entry and is not explicit: a replay run (CI) fails on it; "
                    "record it with a model (pytest --webagent --webagent-mode missing) or quote "
                    "its target (see the phrasing of explicit steps)"
                )
            if problem is not None and where not in "".join(problems):
                problems.append(f"{where}: {problem}")
    return problems


def _unrecorded(case: Case, step: Step, trajectory: TrajectoryFile | None) -> bool:
    recorded = trajectory is not None and trajectory.lookup(case.item_name, step) is not None
    return not recorded and parse(step) is None


def _text_problem(step: Step, lines: list[str]) -> str | None:
    source = lines[step.line - 1] if 0 < step.line <= len(lines) else ""
    following = lines[step.line] if step.line < len(lines) else ""
    if step.template.count('"') % 2:
        if " #" in source:
            return (
                "is cut at ' #': YAML starts a comment there; put the whole step in single "
                """quotes: '... "a #1"'"""
            )
        return "has unbalanced double quotes: each quoted value needs its closing quote"
    if _continues(source, following):
        return (
            f"goes on to line {step.line + 1}, indented under it: YAML joins the lines into one "
            "step; start each step with '- ' at the same indentation"
        )
    return None


def _continues(source: str, following: str) -> bool:
    """Whether ``following`` is the continuation of a plain (unquoted) step on ``source``."""
    item = source.lstrip()
    if not item.startswith("- ") or item[2:3] in ('"', "'", "{", "[", "|", ">"):
        return False
    if ": " in item[2:] and item[2:].split(":", 1)[0].strip() in ("do", "expect", "judge"):
        return False  # a mapping step: its continuation lines are a deliberate multi-line value
    indent = len(source) - len(item)
    next_item = following.lstrip()
    next_indent = len(following) - len(next_item)
    return bool(next_item) and not next_item.startswith("#") and next_indent > indent
