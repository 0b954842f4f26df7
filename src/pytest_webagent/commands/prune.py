"""``webagent prune PATH [--dry-run]``: remove trajectory entries no current case uses.

Stale entries are found exactly as ``pytest --webagent-prune`` finds them
(``recording.find_stale``), with every case of each case file judged, as if all had run. The
trajectory of a case file that no longer exists is removed whole. Trajectories of Python test
modules are left alone: which steps a test uses is only known by running it (pytest's
``--webagent-prune`` prunes them).
"""

from __future__ import annotations

import argparse
import sys

from pytest_webagent.commands import Subcommands, add_command, plural
from pytest_webagent.commands.sources import Source, find_sources
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.locking import trajectory_lock
from pytest_webagent.replay.recording import find_stale
from pytest_webagent.replay.trajectory import TrajectoryFile


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "prune",
        run,
        summary="remove trajectory entries (and cases) that no current case uses",
        description="Remove the trajectory entries of YAML case files that no current case "
        "uses (reworded or removed steps, renamed cases), and the trajectories of deleted case "
        "files. Trajectories of Python test modules are left alone: use pytest --webagent-prune.",
        path_help="case file or folder",
    )
    parser.add_argument("--dry-run", action="store_true", help="only list what would be removed")


class _Tally:
    def __init__(self, dry_run: bool) -> None:
        self.verb = "would be removed" if dry_run else "removed"
        self.entries = self.files = self.modules = self.errors = 0


def run(args: argparse.Namespace) -> int:
    sources = [s for s in find_sources([args.path], tuple(args.ignore)) if s.trajectory.exists()]
    if not sources:
        print(f"webagent prune: no trajectory files under {args.path}", file=sys.stderr)
        return 1
    tally = _Tally(args.dry_run)
    for source in sources:
        try:
            _prune(source, args.dry_run, tally)
        except (CaseFileError, TrajectoryFileError) as error:
            print(f"error: {error}; its trajectory is left as it is", file=sys.stderr)
            tally.errors += 1
        except OSError as error:
            print(
                f"error: {source.trajectory}: {error.strerror or error}; it is left as it is",
                file=sys.stderr,
            )
            tally.errors += 1
    summary = f"prune: {plural(tally.entries, 'stale entry', 'stale entries')} {tally.verb}"
    if tally.files:
        summary += f", {plural(tally.files, 'trajectory file')} of deleted case files {tally.verb}"
    if tally.modules:
        summary += f", {plural(tally.modules, 'trajectory file')} of Python test modules left alone"
    print(summary)
    return 1 if tally.errors else 0


def _prune(source: Source, dry_run: bool, tally: _Tally) -> None:
    if source.is_module:
        print(
            f"{source.trajectory}: left alone (a Python test module's steps are only known by "
            "running it: prune it with pytest --webagent --webagent-prune)"
        )
        tally.modules += 1
        return
    if not source.path.exists():
        with trajectory_lock(source.trajectory):  # not while a run writes it
            trajectory = TrajectoryFile.load(source.trajectory)  # refuse to delete what isn't ours
            count = plural(sum(map(len, trajectory.cases.values())), "entry", "entries")
            print(
                f"{source.trajectory}: {tally.verb} whole ({count}): its case file {source.path} "
                "no longer exists"
            )
            if not dry_run:
                source.trajectory.unlink()
        tally.files += 1
        return
    # Judged and rewritten under the lock the session-end merge takes: a case a pytest run
    # records into the file meanwhile is neither judged stale from an old copy nor lost.
    stale = find_stale(source.path, prune=not dry_run)
    if stale is None or not stale.entries:
        return
    count = plural(len(stale.entries), "stale entry", "stale entries")
    print(f"{source.trajectory}: {count} {tally.verb}")
    for case_id, entry in stale.entries:
        print(f"  {case_id}: {entry['text']}")
    tally.entries += len(stale.entries)
