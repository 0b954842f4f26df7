"""MiniWoB++ low-level tasks with the direct resolver (no model), in two phrasings.

Run from a checkout (``pip install --no-deps miniwob==1.1.0`` first; ``make`` does it)::

    python benchmarks/miniwob/run.py [--seeds 10] [--task click-link ...] [--chromium PATH] [-v]

Prints, per task, the successes of phrasing A (the instruction verbatim) and B (steps written from
the docs) over seeds 0..N-1, and the failure classes; exits 1 when an act hit a wrong element.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from episodes import FAILURE_CLASSES, Outcome, episode, html_folder, serve
from playwright.sync_api import sync_playwright
from tasks import TASKS

from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS


def verbatim(instruction: str, page: object) -> list[str]:
    return [instruction]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--task", action="append", choices=sorted(TASKS), help="repeatable")
    parser.add_argument(
        "--chromium", default=os.environ.get("WEBAGENT_CHROMIUM", "/usr/bin/chromium")
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    options = parser.parse_args()
    tasks = options.task or list(TASKS)
    results: dict[str, list[Outcome]] = {"A": [], "B": []}
    with serve(html_folder()) as base_url, sync_playwright() as playwright:
        executable = options.chromium if Path(options.chromium).exists() else None
        browser = playwright.chromium.launch(
            executable_path=executable, args=list(SYSTEM_CHROMIUM_FLAGS)
        )
        page = browser.new_page()
        for task in tasks:
            for label, phrasing in (("A", verbatim), ("B", TASKS[task])):
                for seed in range(options.seeds):
                    outcome = episode(page, base_url, task, seed, phrasing)
                    results[label].append(outcome)
                    if options.verbose and not outcome.success:
                        print(f"{label} {task} seed {seed}: {outcome.failure}: {outcome.steps} "
                              f"{outcome.detail}", file=sys.stderr)  # fmt: skip
        browser.close()
    print(table(tasks, results, options.seeds))
    wrong = sum(o.failure == "wrong element" for outcomes in results.values() for o in outcomes)
    return 1 if wrong else 0


def table(tasks: list[str], results: dict[str, list[Outcome]], seeds: int) -> str:
    lines = [
        "| task | A | B | A failures | B failures |",
        "| --- | --- | --- | --- | --- |",
    ]
    for task in tasks:
        cells = []
        for label in ("A", "B"):
            outcomes = [o for o in results[label] if o.task == task]
            cells.append(f"{sum(o.success for o in outcomes)}/{len(outcomes)}")
        for label in ("A", "B"):
            counts = Counter(o.failure for o in results[label] if o.task == task and o.failure)
            cells.append(", ".join(f"{k} {counts[k]}" for k in FAILURE_CLASSES if counts[k]))
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    for label in ("A", "B"):
        outcomes = results[label]
        share = sum(o.success for o in outcomes) / max(len(outcomes), 1)
        counts = Counter(o.failure for o in outcomes if o.failure)
        failures = ", ".join(f"{k} {counts[k]}" for k in FAILURE_CLASSES if counts[k]) or "none"
        lines.append(f"\n**{label}: {share:.0%}** ({sum(o.success for o in outcomes)}/"
                     f"{len(outcomes)}); failures: {failures}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
