"""At session end, on the controller: pending trajectory updates go into the trajectory files,
and entries no selected case uses are reported (or pruned).

Each file is rewritten under a lock shared by all processes using the store, from its current
content on disk, so two runs (or xdist workers) updating different cases of one file both land.
When a file cannot be read, this run's updates for it are written beside it (never over it) and
reported: nothing is lost.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.store import WorkingStore
from pytest_webagent.replay.trajectory import (
    Entry,
    TrajectoryFile,
    entry_key,
    stale_entries,
    step_key,
    trajectory_path,
    write_atomic,
)
from pytest_webagent.report.summary import Summary

StepKey = tuple[str, str, int]


def _save_aside(path: Path, run_id: str, updates: list[tuple[str, dict[str, object]]]) -> Path:
    """Keep the updates that could not be merged in a file of their own next to ``path``."""
    aside = path.with_name(f"{path.name}.unmerged-{run_id[:12]}.json")
    content = {str(update["case"]): update["entries"] for _, update in updates}
    write_atomic(aside, json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return aside


def merge_pending(store: WorkingStore, run_id: str, summary: Summary) -> None:
    by_file: dict[str, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for key, update in store.pending(run_id):
        by_file[str(update["file"])].append((key, update))
    for file, updates in sorted(by_file.items()):
        path = Path(file)
        with store.lock(file):
            try:
                trajectory = TrajectoryFile.load(path)
            except TrajectoryFileError as error:
                saved = _save_aside(path, run_id, updates)
                summary.problems.append(f"not written: {error}; this run's updates: {saved}")
                for key, _ in updates:
                    store.discard(key)
                continue
            for _, update in updates:
                trajectory.update_case(str(update["case"]), list(update["entries"]))  # type: ignore[call-overload]
            if trajectory.save():
                summary.files_written.append(str(path))
        for key, _ in updates:
            store.discard(key)


@dataclass
class StaleEntries:
    """The entries of one trajectory file that no case (or Python test) uses."""

    trajectory: TrajectoryFile
    entries: list[tuple[str, Entry]]  # (case id, entry), in file order
    keep: dict[str, set[StepKey]]  # what pruning keeps, per case id

    def prune(self) -> bool:
        """Drop the stale entries (and cases left empty); returns whether the file was written."""
        self.trajectory.prune(self.keep)
        return self.trajectory.save()


def find_stale(case_file: Path, ran: set[str] | None = None) -> StaleEntries | None:
    """Stale entries of the trajectory of the YAML ``case_file``; None when it has none.

    Judged only over the cases that ran (``ran``, case ids; ``None`` means all of them, as the
    command line judges a whole file): a case deselected with ``-k`` keeps its entries, even
    outdated ones. Entries of a case id the file no longer defines are judged only when every case
    of the file ran. Raises ``CaseFileError`` or ``TrajectoryFileError`` for a file it cannot read.
    """
    path = trajectory_path(case_file)
    if not path.exists():
        return None
    cases = load_cases(case_file)
    defined = {case.item_name: {step_key(step) for step in case.steps} for case in cases}
    ran = set(defined) if ran is None else ran
    return _stale(TrajectoryFile.load(path), defined, ran, whole_file_known=True)


def review_stale(prune: bool, summary: Summary) -> None:
    """Entries in the trajectories of the case files that ran which no case that ran uses.

    A Python test's steps are known only from running it, so only the Python tests that ran to
    their end are judged, over the steps they ran; nothing tells a test id that no longer exists
    from one that was not selected, so entries of other test ids are never judged.
    """
    for case_file, ran in sorted(summary.ran.items()):
        try:
            found = find_stale(case_file, ran)
        except (CaseFileError, TrajectoryFileError):
            continue  # already reported where it was met
        if found is not None:
            _report(found, prune, summary)
    for module, tests in sorted(summary.python_steps.items()):
        path = trajectory_path(module)
        if not path.exists():
            continue
        try:
            trajectory = TrajectoryFile.load(path)
        except TrajectoryFileError:
            continue  # already reported where it was met
        _report(_stale(trajectory, tests, set(tests), whole_file_known=False), prune, summary)


def _stale(
    trajectory: TrajectoryFile,
    defined: dict[str, set[StepKey]],
    ran: set[str],
    *,
    whole_file_known: bool,
) -> StaleEntries:
    judged = _judged_cases(trajectory, defined, ran) if whole_file_known else ran
    stale = [(case, entry) for case, entry in stale_entries(trajectory, defined) if case in judged]
    return StaleEntries(trajectory, stale, _kept(trajectory, defined, judged))


def _report(found: StaleEntries, prune: bool, summary: Summary) -> None:
    path = found.trajectory.path
    summary.stale += [f"{path}: {case_id}: {entry['text']}" for case_id, entry in found.entries]
    if prune and found.entries and found.prune():
        summary.files_written.append(str(path))


def _judged_cases(
    trajectory: TrajectoryFile, defined: dict[str, set[StepKey]], ran: set[str]
) -> set[str]:
    if set(defined) <= ran:  # the whole file ran: cases it no longer defines are stale too
        return ran | (set(trajectory.cases) - set(defined))
    return ran


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
