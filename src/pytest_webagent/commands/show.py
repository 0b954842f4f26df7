"""``webagent show PATH...``: what was recorded for each step, as Playwright code, and by whom.

Cases are shown in the order of their case file, step by step, so a step with no entry (replay
would fail there) and entries no step uses (stale) stand out. Trajectories of Python test modules,
and of case files that cannot be read, are shown as recorded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.cases.model import Case, StepKind
from pytest_webagent.commands import Subcommands, add_command
from pytest_webagent.commands.layout import LINE_WIDTH, render
from pytest_webagent.commands.locator_code import Imports, UnsupportedLocator
from pytest_webagent.commands.playwright_code import action_statement, literal_value
from pytest_webagent.commands.sources import Source, find_sources
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.effect import describe as describe_effect
from pytest_webagent.replay.trajectory import Entry, TrajectoryFile, step_key

STEP = "    "  # indentation of a step under its case
DETAIL = STEP + "   "  # of what was recorded for it


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    add_command(
        commands,
        "show",
        run,
        summary="show the recorded trajectories: steps, actions as Playwright code, who and when",
        description="Show, case by case and step by step, what the trajectories of the case "
        "files (or test modules) under PATH recorded: the actions as Playwright code, who "
        "resolved each step and when. Steps with no entry and stale entries are marked.",
        path_help="case file, test module, trajectory file or folder",
        many_paths=True,
    )


def run(args: argparse.Namespace) -> int:
    sources = find_sources(args.paths, tuple(args.ignore))
    if not sources:
        print(
            f"webagent show: no case files or trajectories under {_names(args.paths)}",
            file=sys.stderr,
        )
        return 1
    status = 0
    for index, source in enumerate(sources):
        if index:
            print()
        status |= _show(source)
    return status


def _names(paths: list[Path]) -> str:
    return ", ".join(str(path) for path in paths)


def _show(source: Source) -> int:
    exists = source.path.exists()
    print(f"{source.path}" + ("" if exists else " (no longer exists)"))
    try:
        trajectory = TrajectoryFile.load(source.trajectory)
    except TrajectoryFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    recorded = source.trajectory.exists()
    print(f"  trajectory: {source.trajectory}" + ("" if recorded else " (none recorded yet)"))
    status, cases = 0, None
    if source.is_case_file and exists:
        try:
            cases = load_cases(source.path)
        except CaseFileError as error:
            print(f"error: {error}; showing the trajectory as recorded", file=sys.stderr)
            status = 1
    if cases is None:
        note = "" if source.is_case_file and exists else " (as recorded)"
        for case_id, entries in trajectory.cases.items():
            _recorded_case(case_id, entries, note)
        return status
    for case in cases:
        _case(case, trajectory.cases.get(case.item_name, []))
    defined = {case.item_name for case in cases}
    for case_id, entries in trajectory.cases.items():
        if case_id not in defined:
            _recorded_case(case_id, entries, " (stale: the case file no longer defines it)")
    return status


def _case(case: Case, entries: list[Entry]) -> None:
    print(f"\n  case: {case.item_name}")
    by_key = {(e["kind"], e["text"], e["occurrence"]): e for e in entries}
    for number, step in enumerate(case.steps, 1):
        title = {StepKind.ASSERTION: "expect: ", StepKind.JUDGE: "judge: "}.get(step.kind, "")
        print(f"{STEP}{number}. {title}{step.template}")
        entry = by_key.pop(step_key(step), None)
        if step.kind is StepKind.JUDGE:
            print(f"{DETAIL}not recorded: a model judges it at every run")
        elif entry is None:
            print(f"{DETAIL}NOT RECORDED: replay fails here until a run records it")
        else:
            _entry(entry)
    for entry in by_key.values():
        print(f"{STEP}stale: {entry['text']} (no step of the case uses it)")
        _entry(entry)


def _recorded_case(case_id: str, entries: list[Entry], note: str) -> None:
    print(f"\n  case: {case_id}{note}")
    for number, entry in enumerate(entries, 1):
        title = "expect: " if entry["kind"] == StepKind.ASSERTION.value else ""
        print(f"{STEP}{number}. {title}{entry['text']}")
        _entry(entry)


def _entry(entry: Entry) -> None:
    when = entry.get("resolved_at")
    print(f"{DETAIL}{_who(entry['resolved_by'])}" + (f", {when}" if when else ""))
    for action in entry["actions"]:
        try:
            statement = action_statement(action, literal_value, Imports())
            code = render(statement, 0, LINE_WIDTH - len(DETAIL))
        except (UnsupportedLocator, ValueError) as problem:
            code = f"# {action['type']} (cannot be shown as code: {problem})"
        for line in code.splitlines():
            print(f"{DETAIL}{line}")
    for change in describe_effect(entry.get("effect") or {}):
        print(f"{DETAIL}effect: {change}")


def _who(resolved_by: str) -> str:
    """``direct`` -> ``direct resolver``; ``model:NAME`` -> ``planned by model NAME``."""
    if resolved_by == "direct":
        return "direct resolver"
    if resolved_by.startswith("model:"):
        return f"planned by model {resolved_by.removeprefix('model:')}"
    return f"resolved by {resolved_by}"
