"""At session end, on the controller: pending trajectory updates go into the trajectory files.

Each file is rewritten under the trajectory lock (``replay.locking``) from its current content on
disk, so two runs (or xdist workers, or a prune) touching one file all land. Nothing is lost:

* a file that cannot be read gets this run's updates written beside it, and is reported;
* a file that cannot be written (read-only folder, full disk) keeps its updates in the working
  store, reported; the next run merges them;
* updates left by a run that died before its merge (SIGKILL, a crash) are merged by the next run
  first, with a message, unless the case was recorded again since (then the newer one stays);
* an update whose stored value is damaged is reported by key (file and case), never skipped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from pytest_webagent.errors import TrajectoryFileError
from pytest_webagent.replay.locking import trajectory_lock
from pytest_webagent.replay.store import (
    STORE_ERRORS,
    Damaged,
    StoreUnavailable,
    WorkingStore,
    describe_store_error,
    run_is_alive,
)
from pytest_webagent.replay.trajectory import TrajectoryFile, write_atomic
from pytest_webagent.report.summary import Summary

Update = dict[str, Any]


def merge_pending(
    store: WorkingStore, run_id: str, summary: Summary, unstored: list[Update] | None = None
) -> None:
    """Merge what earlier, dead runs left, then this run's updates (``unstored``: those the store
    could not take). A store that fails keeps what it holds for the next run."""
    unstored = unstored or []
    try:
        for earlier in sorted(store.pending_runs() - {run_id}):
            if run_is_alive(earlier) is False:
                _merge_run(store, earlier, summary, earlier=True, extra=[])
        _merge_run(store, run_id, summary, earlier=False, extra=unstored)
    except (*STORE_ERRORS, StoreUnavailable) as error:
        reason = error if isinstance(error, StoreUnavailable) else describe_store_error(error)
        summary.problems.append(
            f"not merged: {reason}; pending updates stay in the working store {store.directory} "
            "and the next run merges them"
        )
        if unstored:
            _merge_updates(store, run_id, [("", update) for update in unstored], summary, False)


def _merge_run(
    store: WorkingStore, run_id: str, summary: Summary, *, earlier: bool, extra: list[Update]
) -> None:
    updates: list[tuple[str, Update]] = [("", update) for update in extra]
    for key, value in store.pending(run_id):
        if isinstance(value, Damaged):
            summary.problems.append(
                f"lost: the pending update {key} is damaged ({value.reason}); run that case "
                "again to record it"
            )
            store.discard(key)
        else:
            updates.append((key, value))
    _merge_updates(store, run_id, updates, summary, earlier)


def _merge_updates(
    store: WorkingStore,
    run_id: str,
    updates: list[tuple[str, Update]],
    summary: Summary,
    earlier: bool,
) -> None:
    by_file: dict[str, list[tuple[str, Update]]] = defaultdict(list)
    for key, update in updates:
        by_file[str(update["file"])].append((key, update))
    for file, file_updates in sorted(by_file.items()):
        path = Path(file)
        try:
            with trajectory_lock(path):
                _merge_file(path, run_id, [update for _, update in file_updates], summary, earlier)
        except OSError as error:
            kept = [key for key, _ in file_updates if key]
            where = f"kept in the working store {store.directory}" if kept else "lost"
            summary.problems.append(
                f"not written: {path}: {error.strerror or error}; {len(file_updates)} case "
                f"update(s) {where}" + ("; the next run merges them" if kept else "")
            )
            continue
        for key, _ in file_updates:
            if key:
                store.discard(key)


def _merge_file(
    path: Path, run_id: str, updates: list[Update], summary: Summary, earlier: bool
) -> None:
    try:
        trajectory = TrajectoryFile.load(path)
    except TrajectoryFileError as error:
        saved = _save_aside(path, run_id, updates)
        summary.problems.append(f"not written: {error}; this run's updates: {saved}")
        return
    merged, superseded = [], []
    for update in updates:
        case = str(update["case"])
        base = update.get("base")
        if earlier and base is not None and trajectory.cases.get(case, []) != base:
            superseded.append(case)  # recorded again since: the newer recording stays
            continue
        trajectory.update_case(case, list(update["entries"]))
        merged.append(case)
    if trajectory.save() and str(path) not in summary.files_written:
        summary.files_written.append(str(path))
    if earlier:
        message = (
            f"merged into {path}: {len(merged)} case update(s) of an earlier run that stopped "
            f"before its merge (run {run_id})"
        )
        if superseded:
            message += f"; not merged, recorded again since: {', '.join(superseded)}"
        summary.problems.append(message)


def _save_aside(path: Path, run_id: str, updates: list[Update]) -> Path:
    """Keep the updates that could not be merged in a file of their own next to ``path``."""
    aside = path.with_name(f"{path.name}.unmerged-{run_id[:12]}.json")
    content = {str(update["case"]): update["entries"] for update in updates}
    write_atomic(aside, json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return aside
