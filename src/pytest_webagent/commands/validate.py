"""``webagent validate PATH...``: check case files and trajectory files, for pre-commit and CI.

Case files are read exactly as collection reads them (``load_cases``: YAML, schema, templates,
parametrize, duplicate names) and trajectory files as a run loads them
(``TrajectoryFile.load``), so what passes here collects and loads there; then their steps are
checked for what would fail a replay run in CI (``replay_check``). Each problem is one line
``file:line: message``; the exit status is 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.cases.yamlsource import KeyPath, load_yaml
from pytest_webagent.commands import Subcommands, add_command, plural
from pytest_webagent.commands.replay_check import replay_problems
from pytest_webagent.commands.sources import Source, find_sources
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.trajectory import (
    FORMAT_VERSION,
    TrajectoryFile,
    read_bounded,
    schema_error,
)


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    add_command(
        commands,
        "validate",
        run,
        summary="check case files and trajectory files against their schemas",
        description="Check case files (YAML, schema, placeholders, parametrize) and trajectory "
        "files (JSON, format version, schema). Prints file:line: message per problem; exit "
        "status 1 when there is any. Meant for pre-commit and CI.",
        path_help="case file, trajectory file or folder",
        many_paths=True,
    )


def run(args: argparse.Namespace) -> int:
    sources = find_sources(args.paths, tuple(args.ignore))
    case_files = trajectories = 0
    problems: list[str] = []
    for source in sources:
        if source.is_case_file and source.path.exists():
            case_files += 1
            problems += _case_file_problems(source)
        if source.trajectory.exists():
            trajectories += 1
            problems += _trajectory_problems(source)
    for problem in problems:
        print(problem)
    if not case_files and not trajectories:
        names = ", ".join(str(path) for path in args.paths)
        print(f"webagent validate: no case files or trajectory files under {names}")
        return 1
    checked = f"{plural(case_files, 'case file')} and {plural(trajectories, 'trajectory file')}"
    if problems:
        print(f"{plural(len(problems), 'problem')} in {checked}")
        return 1
    print(f"{checked}: valid")
    return 0


def _case_file_problems(source: Source) -> list[str]:
    try:
        cases = load_cases(source.path)
    except CaseFileError as error:
        return [str(error)]
    try:
        trajectory = TrajectoryFile.load(source.trajectory) if source.trajectory.exists() else None
    except TrajectoryFileError:
        trajectory = None  # reported by _trajectory_problems
    return replay_problems(source.path, cases, trajectory)


def _trajectory_problems(source: Source) -> list[str]:
    try:
        TrajectoryFile.load(source.trajectory)
    except TrajectoryFileError as error:
        message = str(error).removeprefix(f"{source.trajectory}: ")
        line = _line_of_problem(source.trajectory)
        return [f"{source.trajectory}:{line}: {message}" if line else str(error)]
    return []


def _line_of_problem(path: Path) -> int | None:
    """The line of what ``TrajectoryFile.load`` complained about, when it can be told."""
    try:
        data = json.loads(read_bounded(path))
    except json.JSONDecodeError as error:
        return error.lineno
    except (OSError, UnicodeDecodeError, RecursionError):
        return None
    key_path: KeyPath = ()
    if isinstance(data, dict) and data.get("version") != FORMAT_VERSION:
        key_path = ("version",)
    else:
        invalid = schema_error(data)
        key_path = tuple(invalid.absolute_path) if invalid is not None else ()
    try:
        # JSON is YAML: the YAML reader of case files knows the line of every key path.
        return load_yaml(path).line_of(key_path)
    except CaseFileError:
        return None
