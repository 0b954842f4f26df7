"""Does replaying the examples give the same result every time?

Runs ``pytest --webagent examples/cases --webagent-mode replay`` (what CI runs: no model, no key)
N times in a row, each in a fresh process, and checks after every run that

- every test passed, and the same tests ran as in the first run;
- no model was called (the summary's ``model: 0 calls``);
- the committed trajectory files are byte for byte what they were before the first run.

Prints one line per run and a summary; exits 1 at the first difference. The examples' demo app is
served on 127.0.0.1 by the examples' own conftest.

Run: ``python benchmarks/replay_determinism.py [--runs 20]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "cases"
# `-rA` short summary lines; node ids hold spaces (case names).
PASSED = re.compile(r"^PASSED (?P<nodeid>.+)$", re.MULTILINE)
FAILED = re.compile(r"^(?:FAILED|ERROR) (?P<nodeid>.+?)(?: - .*)?$", re.MULTILINE)


def trajectories() -> dict[str, str]:
    """SHA-256 of every trajectory file of the examples."""
    return {
        str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((EXAMPLES / "__trajectories__").glob("*.json"))
    }


def run_once() -> tuple[int, str, float]:
    command = [
        sys.executable, "-m", "pytest", "--webagent", str(EXAMPLES), "--webagent-mode", "replay",
        "-p", "no:cacheprovider", "-rA", "-q",
    ]  # fmt: skip
    environment = {key: value for key, value in os.environ.items() if key != "WEBAGENT_MODEL"}
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=environment, check=False
    )
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    before = trajectories()
    if not before:
        print(f"no trajectory files under {EXAMPLES}")
        return 1
    first: set[str] | None = None
    seconds: list[float] = []
    for number in range(1, args.runs + 1):
        status, output, elapsed = run_once()
        seconds.append(elapsed)
        passed = set(PASSED.findall(output))
        failed = [match.group("nodeid") for match in FAILED.finditer(output)]
        problems = []
        if status != 0 or failed:
            problems.append(f"exit status {status}, failed: {', '.join(failed) or '?'}")
        if first is not None and passed != first:
            problems.append(f"other tests passed: {sorted(passed ^ first)}")
        if "model: 0 calls" not in output:
            problems.append("a model was called (no 'model: 0 calls' in the summary)")
        changed = [name for name, digest in trajectories().items() if before.get(name) != digest]
        if changed:
            problems.append(f"trajectory files changed: {', '.join(changed)}")
        first = first if first is not None else passed
        print(f"run {number:2}: {len(passed)} passed in {elapsed:.1f} s" + (
            "" if not problems else "; " + "; ".join(problems)))  # fmt: skip
        if problems:
            print(output[-4000:])
            return 1
    print(
        f"\n{args.runs} runs, {len(first or ())} tests each, all passed, 0 model calls, "
        f"{len(before)} trajectory files unchanged; {min(seconds):.1f}-{max(seconds):.1f} s a run"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
