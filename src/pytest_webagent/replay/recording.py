"""Stale trajectory entries: those no selected case uses, reported (or pruned) at session end and
by ``webagent prune``.

Pruning judges and rewrites a file while holding the trajectory lock (``replay.locking``), the
lock the session-end merge takes too: a case a parallel run records into the file meanwhile is
never judged from an outdated copy, and never lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.locking import trajectory_lock
from pytest_webagent.replay.trajectory import (
    Entry,
    TrajectoryFile,
    entry_key,
    stale_entries,
    step_key,
    trajectory_path,
)
from pytest_webagent.report.summary import Summary

StepKey = tuple[str, str, int]
Judge = Callable[[TrajectoryFile], "StaleEntries"]


@dataclass
class StaleEntries:
    """The entries of one trajectory file that no case (or Python test) uses."""

    trajectory: TrajectoryFile
    entries: list[tuple[str, Entry]]  # (case id, entry), in file order
    keep: dict[str, set[StepKey]]  # what pruning keeps, per case id
    written: bool = False  # whether pruning rewrote the file


def find_stale(
    case_file: Path, ran: set[str] | None = None, prune: bool = False
) -> StaleEntries | None:
    """Stale entries of the trajectory of the YAML ``case_file`` (pruned when ``prune``); None
    when it has no trajectory.

    Judged only over the cases that ran (``ran``, case ids; ``None`` means all of them, as the
    command line judges a whole file): a case deselected with ``-k`` keeps its entries, even
    outdated ones. Entries of a case id the file no longer defines are judged only when every case
    of the file ran. Raises ``CaseFileError`` or ``TrajectoryFileError`` for a file it cannot read,
    ``OSError`` for one it cannot write.
    """
    path = trajectory_path(case_file)
    if not path.exists():
        return None
    cases = load_cases(case_file)
    defined = {case.item_name: {step_key(step) for step in case.steps} for case in cases}
    selected = set(defined) if ran is None else ran

    def judge(trajectory: TrajectoryFile) -> StaleEntries:
        judged = set(selected)
        if set(defined) <= selected:  # the whole file ran: cases it no longer defines are stale
            judged |= set(trajectory.cases) - set(defined)
        return _stale(trajectory, defined, judged)

    return _judge(path, judge, prune)


def review_stale(prune: bool, summary: Summary) -> None:
    """Entries in the trajectories of the case files and test modules that ran which no case that
    ran uses (see ``_module_judge`` for Python tests)."""
    for case_file, ran in sorted(summary.ran.items()):
        try:
            found = find_stale(case_file, ran, prune)
        except (CaseFileError, TrajectoryFileError):
            continue  # already reported where it was met
        except OSError as error:
            _not_pruned(trajectory_path(case_file), error, summary)
            continue
        if found is not None:
            _report(found, summary)
    for module in sorted(set(summary.python_steps) | set(summary.python_defined)):
        path = trajectory_path(module)
        if not path.exists():
            continue
        tests = summary.python_steps.get(module, {})
        try:
            _report(
                _judge(path, _module_judge(tests, summary.python_defined.get(module)), prune),
                summary,
            )
        except TrajectoryFileError:
            continue  # already reported where it was met
        except OSError as error:
            _not_pruned(path, error, summary)


def _module_judge(tests: dict[str, set[StepKey]], defined: set[str] | None) -> Judge:
    """How a test module's trajectory is judged.

    A Python test's steps are known only by running it: a test that ran to its end and passed
    (``tests``) is judged over the steps it ran. Which tests the module defines is known once it
    is imported (``defined``: every test id of the module, whatever was selected to run), so the
    entries of a test id the module no longer defines (renamed or deleted) are stale too.
    Entries of a test that exists but did not pass are never judged.
    """

    def judge(trajectory: TrajectoryFile) -> StaleEntries:
        judged = set(tests)
        if defined is not None:
            judged |= set(trajectory.cases) - defined - set(tests)
        return _stale(trajectory, tests, judged)

    return judge


def _judge(path: Path, judge: Judge, prune: bool) -> StaleEntries:
    if not prune:
        return judge(TrajectoryFile.load(path))
    with trajectory_lock(path):  # judged and rewritten from the same, current content
        found = judge(TrajectoryFile.load(path))
        if found.entries:
            found.trajectory.prune(found.keep)
            found.written = found.trajectory.save()
        return found


def _stale(
    trajectory: TrajectoryFile, defined: dict[str, set[StepKey]], judged: set[str]
) -> StaleEntries:
    stale = [(case, entry) for case, entry in stale_entries(trajectory, defined) if case in judged]
    return StaleEntries(trajectory, stale, _kept(trajectory, defined, judged))


def _report(found: StaleEntries, summary: Summary) -> None:
    path = found.trajectory.path
    summary.stale += [f"{path}: {case_id}: {entry['text']}" for case_id, entry in found.entries]
    if found.written:
        summary.files_written.append(str(path))


def _not_pruned(path: Path, error: OSError, summary: Summary) -> None:
    summary.problems.append(f"not pruned: {path}: {error.strerror or error}; it is left as it is")


def _kept(
    trajectory: TrajectoryFile, defined: dict[str, set[StepKey]], judged: set[str]
) -> dict[str, set[StepKey]]:
    """Step keys to keep per case: what judged cases use, everything of the others."""
    return {
        case_id: defined.get(case_id, set())
        if case_id in judged
        else {entry_key(entry) for entry in entries}
        for case_id, entries in trajectory.cases.items()
    }
