"""The shipped examples pass as a user runs them: ``pytest --webagent examples/cases -n 2`` from the
repository root, offline, no model. examples/conftest.py starts the demo app itself.

One full run, in CI (replay mode): it is the strict one, failing on any step its committed
trajectory lacks, and it executes exactly what the default mode executes when every step is
recorded. Outside CI the same command only differs by its mode, which the header shows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "cases"


def run_examples(
    tmp_path: Path, *extra: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environment}
    store = f"--webagent-cache-dir={tmp_path / 'store'}"  # keep the repository clean
    command = [sys.executable, "-m", "pytest", "--webagent", "examples/cases", "-n", "2",
               "-p", "no:cacheprovider", store, *extra]  # fmt: skip
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def trajectories() -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in EXAMPLES.glob("__trajectories__/*.json")}


def test_examples_replay_in_ci_with_no_direct_resolution(tmp_path: Path) -> None:
    before = trajectories()

    result = run_examples(tmp_path, CI="true")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "webagent: mode replay (default in CI (CI=true))" in output
    passed = re.search(r"^=* (\d+) passed in ", output, re.MULTILINE)
    assert passed, output
    # Every step of every case replayed: none resolved directly, none planned, no model.
    summary = re.search(rf"^{passed[1]} cases, (\d+) steps: (\d+) replayed$", output, re.M)
    assert summary and summary[1] == summary[2], output
    assert "model: 0 calls" in output
    # A passing run leaves the committed trajectories exactly as they were.
    assert "trajectory files written: 0" in output
    assert trajectories() == before


def test_outside_ci_the_examples_run_in_missing_mode(tmp_path: Path) -> None:
    result = run_examples(tmp_path, "--collect-only")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "webagent: mode missing (default)" in output
    assert re.search(r"^=* \d+ tests collected", output, re.MULTILINE), output
