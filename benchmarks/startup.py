"""What pytest-webagent costs before a test runs, side by side with pytest-playwright.

Two figures, each the median of ``--repetitions`` fresh interpreters:

* **import**: ``import pytest_webagent.plugin`` against
  ``import pytest_playwright.pytest_playwright`` (both include pytest and Playwright's sync API,
  which each plugin imports);
* **collect**: ``pytest --collect-only -q`` of ``--files`` case files, against the same number of
  Python test modules with one ``page`` test each under pytest-playwright alone
  (``-p no:webagent``). Wall-clock time of the whole command, interpreter start included.

Byte code is cached as after an install (``PYTHONDONTWRITEBYTECODE`` is dropped; one warm-up run
each), so neither side pays for compiling its modules. The two sides run in turns, so a change in
the load of a shared machine hits both alike, and each figure is given twice: wall-clock time and
CPU time (user + system) of the process, which waits less on the other jobs of a busy machine.

Run: ``python benchmarks/startup.py [--files 1000] [--repetitions 7]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "src"
CASE = """name: Sign in {n}
url: /login
steps:
  - Fill "Email" with "user{n}@example.com"
  - Click "Sign in"
  - expect: The text "Welcome" is visible
"""
MODULE = """def test_sign_in_{n}(page):
    page.goto("/login")
"""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    if "PYTHONPATH" not in env:  # run from a checkout: its sources, not an installed copy
        env["PYTHONPATH"] = str(SOURCES)
    env.pop("CI", None)
    # As on a user's machine: byte code cached after the first run (the warm-up run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


Timing = tuple[float, float]  # (wall-clock seconds, CPU seconds)
Row = tuple[float, float, float, float]  # ours wall, ours CPU, theirs wall, theirs CPU


def command_seconds(command: list[str], cwd: Path) -> Timing:
    """The whole command, interpreter start included: wall-clock and CPU time of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=environment(), check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_seconds(module: str) -> Timing:
    """The import alone, timed inside the interpreter (its own start-up left out)."""
    code = (
        "import time; t, c = time.perf_counter(), time.process_time(); "
        f"import {module}; print(time.perf_counter() - t, time.process_time() - c)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment(), check=True, capture_output=True
    )
    wall, cpu = map(float, out.stdout.split())
    return wall, cpu


def in_turns(ours: Callable[[], Timing], theirs: Callable[[], Timing], repetitions: int) -> Row:
    """Median wall-clock and CPU time of each side, run alternately after one warm-up run each."""
    ours(), theirs()
    our_runs: list[Timing] = []
    their_runs: list[Timing] = []
    for _ in range(repetitions):
        our_runs.append(ours())
        their_runs.append(theirs())
    return (*_medians(our_runs), *_medians(their_runs))


def _medians(runs: list[Timing]) -> Timing:
    return statistics.median(wall for wall, _ in runs), statistics.median(cpu for _, cpu in runs)


def project(root: Path, files: int, kind: str) -> Path:
    folder = root / kind
    folder.mkdir()
    if kind == "webagent":
        (folder / "pytest.ini").write_text(
            "[pytest]\nwebagent = true\nbase_url = http://127.0.0.1\n"
        )
        for n in range(files):
            (folder / f"case_{n:04d}.yaml").write_text(CASE.format(n=n))
    else:
        (folder / "pytest.ini").write_text("[pytest]\nbase_url = http://127.0.0.1\n")
        for n in range(files):
            (folder / f"test_case_{n:04d}.py").write_text(MODULE.format(n=n))
    return folder


def collected(folder: Path, extra: list[str]) -> str:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    out = subprocess.run(
        [*command, *extra], cwd=folder, env=environment(), capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repetitions", type=int, default=7)
    args = parser.parse_args()
    rows = [
        (
            "import the plugin",
            in_turns(
                lambda: import_seconds("pytest_webagent.plugin"),
                lambda: import_seconds("pytest_playwright.pytest_playwright"),
                args.repetitions,
            ),
        )
    ]
    with tempfile.TemporaryDirectory(prefix="webagent-startup-") as temp:
        webagent = project(Path(temp), args.files, "webagent")
        playwright = project(Path(temp), args.files, "playwright")
        collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        print(f"webagent:   {collected(webagent, [])}")
        print(f"playwright: {collected(playwright, ['-p', 'no:webagent'])}")
        rows.append(
            (
                f"pytest --collect-only, {args.files:,} files",
                in_turns(
                    lambda: command_seconds(collect, webagent),
                    lambda: command_seconds([*collect, "-p", "no:webagent"], playwright),
                    args.repetitions,
                ),
            )
        )
    print(
        f"\nPython {sys.version.split()[0]}, median of {args.repetitions} runs, load average "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print("| | webagent s | playwright s | ratio | CPU: webagent s | playwright s | ratio |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for what, (wall, cpu, their_wall, their_cpu) in rows:
        print(
            f"| {what} | {wall:.3f} | {their_wall:.3f} | {wall / their_wall:.2f}x "
            f"| {cpu:.3f} | {their_cpu:.3f} | {cpu / their_cpu:.2f}x |"
        )


if __name__ == "__main__":
    main()
