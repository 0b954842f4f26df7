"""What pytest-webagent costs before a test runs, side by side with pytest-playwright.

Two figures, each the median of ``--repetitions`` fresh interpreters:

* **import**: ``import pytest_webagent.plugin`` against
  ``import pytest_playwright.pytest_playwright`` (both include pytest and Playwright's sync API,
  which each plugin imports);
* **collect**: ``pytest --collect-only -q`` of ``--files`` case files, against the same number of
  Python test modules with one ``page`` test each under pytest-playwright alone
  (``-p no:webagent``). Wall-clock time of the whole command, interpreter start included.

Byte code is cached as after an install (``PYTHONDONTWRITEBYTECODE`` is dropped; one warm-up run
each), so neither side pays for compiling its modules.

Run: ``python benchmarks/startup.py [--files 1000] [--repetitions 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def median_seconds(command: list[str], cwd: Path | None, repetitions: int) -> float:
    times = []
    subprocess.run(command, cwd=cwd, env=environment(), check=True, capture_output=True)  # warm-up
    for _ in range(repetitions):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=environment(), check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_seconds(module: str, repetitions: int) -> float:
    """The import alone, timed inside the interpreter (its own start-up left out)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(repetitions + 1):  # the first one is a warm-up
        out = subprocess.run(
            [sys.executable, "-c", code], env=environment(), check=True, capture_output=True
        )
        times.append(float(out.stdout))
    return statistics.median(times[1:])


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
            import_seconds("pytest_webagent.plugin", args.repetitions),
            import_seconds("pytest_playwright.pytest_playwright", args.repetitions),
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
                median_seconds(collect, webagent, args.repetitions),
                median_seconds([*collect, "-p", "no:webagent"], playwright, args.repetitions),
            )
        )
    print(
        f"\nPython {sys.version.split()[0]}, median of {args.repetitions} runs, load average "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print("| | pytest-webagent s | pytest-playwright s | ratio |")
    print("|---|--:|--:|--:|")
    for what, ours, theirs in rows:
        print(f"| {what} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.2f}x |")


if __name__ == "__main__":
    main()
