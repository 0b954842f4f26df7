"""What does replaying a natural-language case cost next to the same test written by hand?

One flow on the demo app (sign in, open the todos, add three todos, complete one, delete one,
check the counts: 15 steps) runs as

(a) a hand-written Playwright test: ``sync_playwright``, semantic locators, ``expect``;
(b) the natural-language case replayed by the plugin's own runner: the YAML file loaded with
    ``casefile.load_cases``, its trajectory recorded once (mode ``missing``, direct resolver, no
    model) and written to disk, then ``CaseRunner`` in mode ``replay`` with the trajectory read
    back with ``TrajectoryFile.load``, exactly what ``pytest --webagent`` does per case;
(c) for attribution only: (b) with the identity check switched off;
(d) for attribution only: (b) without the navigation guard (browser/navigation_guard.py).
(e) for attribution only: (b) with the effect check (waiting for each step's recorded effect)
    switched off.

Same browser instance, same page setup (a fresh context with the base URL and a fresh page per
repetition, not timed), the variants alternating in rotating order. Printed: the median wall
time of each, the ratio (b)/(a) (target <= 1.10x), and the identity check (``identity.verify``,
timed around every call in (b)) per action and per run.

Run: ``python benchmarks/replay_overhead.py [--repetitions 21] [--per-action] [--chromium PATH]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))  # the demo app
try:
    import pytest_webagent  # noqa: F401
except ImportError:  # Not installed: run from a checkout.
    sys.path.insert(0, str(ROOT / "src"))

from demo_app.server import start_demo_server  # noqa: E402

from pytest_webagent.browser import page_watch  # noqa: E402
from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS  # noqa: E402
from pytest_webagent.browser.executor import Executor  # noqa: E402
from pytest_webagent.browser.navigation_guard import NavigationGuard  # noqa: E402
from pytest_webagent.cases.casefile import load_cases  # noqa: E402
from pytest_webagent.cases.model import Case  # noqa: E402
from pytest_webagent.replay import identity  # noqa: E402
from pytest_webagent.replay.trajectory import TrajectoryFile, trajectory_path  # noqa: E402
from pytest_webagent.resolve.planning.planner import Planner  # noqa: E402
from pytest_webagent.run import acting  # noqa: E402
from pytest_webagent.run.effects import StepEffects  # noqa: E402
from pytest_webagent.run.results import RunContext  # noqa: E402
from pytest_webagent.run.runner import CaseRunner  # noqa: E402
from pytest_webagent.settings import Settings  # noqa: E402

# the flags the plugin itself uses for a system Chromium
CHROMIUM_ARGS = list(SYSTEM_CHROMIUM_FLAGS)
TIMEOUT_S = 10
CASE = """\
name: todos after signing in
url: /login.html
steps:
  - Fill "Email" with "alice@example.com"
  - Fill "Password" with "wonderland"
  - Click the "Sign in" button
  - expect: '"Welcome, Alice" is visible'
  - Click the "Todos" link
  - Fill "New todo" with "Buy milk"
  - Press "Enter" in "New todo"
  - Fill "New todo" with "Walk the dog"
  - Press "Enter" in "New todo"
  - Fill "New todo" with "Call mom"
  - Press "Enter" in "New todo"
  - Check "Complete Buy milk"
  - Click "Delete Walk the dog"
  - expect: '"1 item left" is visible'
  - expect: '"Todo list" has 2 items'
"""


def handwritten(page: Page) -> None:
    """(a): the flow as one would write it with Playwright alone."""
    page.goto("/login.html")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("wonderland")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Welcome, Alice")).to_be_visible()
    page.get_by_role("link", name="Todos").click()
    page.wait_for_load_state("domcontentloaded")  # as replay does: todos.js must be running
    new_todo = page.get_by_label("New todo")
    for text in ("Buy milk", "Walk the dog", "Call mom"):
        new_todo.fill(text)
        new_todo.press("Enter")
    page.get_by_role("checkbox", name="Complete Buy milk").check()
    page.get_by_role("button", name="Delete Walk the dog").click()
    expect(page.get_by_text("1 item left")).to_be_visible()
    expect(page.get_by_role("list", name="Todo list").get_by_role("listitem")).to_have_count(2)


class NoModel:
    """The runner's planner source: this flow is explicit, so a model is never asked for."""

    def planner(self) -> Planner:
        raise AssertionError("the benchmark flow must not need a model")


def settings(mode: str) -> Settings:
    values = {
        "webagent_mode": mode,
        "webagent_resolver": "auto",
        "webagent_model": "",
        "webagent_step_timeout": str(TIMEOUT_S),
    }
    return Settings(values)


def run_case(page: Page, case: Case, trajectory: TrajectoryFile, mode: str, url: str) -> CaseRunner:
    context = RunContext(case.item_name, f"flow.yaml::{case.name}", url, trajectory)
    case_runner = CaseRunner(case, page, settings(mode), NoModel(), context)
    case_runner.run()
    return case_runner


def record(browser: Browser, case: Case, url: str) -> TrajectoryFile:
    """Resolve the case once (direct resolver), write its trajectory, read it back."""
    trajectory = TrajectoryFile(trajectory_path(case.location.path))
    with fresh_page(browser, url) as page:
        recorded = run_case(page, case, trajectory, "missing", url)
    trajectory.update_case(case.item_name, recorded.entries())
    trajectory.save()
    return TrajectoryFile.load(trajectory.path)


@dataclass
class Timings:
    """Time spent in the identity check and in the actions themselves, per call, in (b)."""

    verify_ms: list[float] = field(default_factory=list)  # one per replayed action
    action_ms: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)  # verify times per action

    def clear(self) -> None:
        self.verify_ms.clear()
        self.action_ms.clear()
        self.by_action.clear()

    @contextmanager
    def instrumented(self) -> Iterator[None]:
        def timed_verify(page: Page, action: Any, timeout_ms: float) -> Any:
            started = time.perf_counter()
            try:
                return identity.verify(page, action, timeout_ms)
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                self.verify_ms.append(elapsed)
                label = f"{action['type']} {action.get('target', {}).get('code', '')}"
                self.by_action.setdefault(label, []).append(elapsed)

        def timed_run(executor: Executor, action: Any, timeout_ms: float) -> None:
            started = time.perf_counter()
            try:
                untimed_run(executor, action, timeout_ms)
            finally:
                self.action_ms.append((time.perf_counter() - started) * 1000)

        untimed_run = Executor.run
        setattr(acting, "verify", timed_verify)  # the name the runner calls  # noqa: B010
        setattr(Executor, "run", timed_run)  # noqa: B010
        try:
            yield
        finally:
            setattr(acting, "verify", identity.verify)  # noqa: B010
            setattr(Executor, "run", untimed_run)  # noqa: B010


@contextmanager
def fresh_page(browser: Browser, url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=url)
    context.set_default_timeout(TIMEOUT_S * 1000)
    try:
        yield context.new_page()
    finally:
        context.close()


def measure(browser: Browser, url: str, flow: Callable[[Page], None]) -> float:
    with fresh_page(browser, url) as page:
        started = time.perf_counter()
        flow(page)
        return (time.perf_counter() - started) * 1000


def replayed(case: Case, trajectory: TrajectoryFile, url: str) -> Callable[[Page], None]:
    def flow(page: Page) -> None:
        results = run_case(page, case, trajectory, "replay", url).results
        assert [r.resolution for r in results] == ["replayed"] * len(case.steps)

    return flow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=21, help="timed runs of each variant")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs of each first")
    parser.add_argument("--chromium", default=default_chromium(), help="Chromium executable")
    parser.add_argument(
        "--per-action", action="store_true", help="also print the identity check per action"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="replay-overhead-") as scratch:
        case, times, timings, actions, version = run_all(Path(scratch), args)
    report(times, timings, actions, len(case.steps), version, args)


def run_all(
    workdir: Path, args: argparse.Namespace
) -> tuple[Case, dict[str, list[float]], Timings, int, str]:
    """Record the case once, then time the variants; returns what ``report`` prints."""
    (workdir / "flow.yaml").write_text(CASE, encoding="utf-8")
    (case,) = load_cases(workdir / "flow.yaml")
    timings = Timings()
    with start_demo_server(1) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        trajectory = record(browser, case, server.url)
        actions = sum(len(entry["actions"]) for entry in trajectory.cases[case.item_name])
        variants = {
            "a. hand-written Playwright": handwritten,
            "b. replayed case (plugin runner)": replayed(case, trajectory, server.url),
            "c. replayed, identity check off": unverified(replayed(case, trajectory, server.url)),
            "d. replayed, navigation guard off": unguarded(replayed(case, trajectory, server.url)),
            "e. replayed, effect check off": unchecked(replayed(case, trajectory, server.url)),
        }
        times: dict[str, list[float]] = {name: [] for name in variants}
        names = list(variants)
        for repetition in range(args.warmup + args.repetitions):
            shift = repetition % len(names)  # rotate the order: no variant always goes first
            for name in names[shift:] + names[:shift]:
                if name.startswith("b."):
                    with timings.instrumented():
                        elapsed = measure(browser, server.url, variants[name])
                else:
                    elapsed = measure(browser, server.url, variants[name])
                if repetition >= args.warmup:
                    times[name].append(elapsed)
                elif name.startswith("b."):
                    timings.clear()  # warm-up calls are not reported
        version = browser.version
        browser.close()
    return case, times, timings, actions, version


def unverified(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    def without_check(page: Page) -> None:
        setattr(acting, "verify", lambda page, action, timeout_ms: None)  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(acting, "verify", identity.verify)  # noqa: B010

    return without_check


class _NoGuard:
    def __init__(self, page: Page, allows: Any) -> None:
        pass

    def take(self) -> None:
        return None


def unguarded(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    """(b) without the navigation guard (its CDP session, the pause of each document request)."""

    def without_guard(page: Page) -> None:
        setattr(page_watch, "NavigationGuard", _NoGuard)  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(page_watch, "NavigationGuard", NavigationGuard)  # noqa: B010

    return without_guard


def unchecked(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    def without_effects(page: Page) -> None:
        check = StepEffects.check
        setattr(StepEffects, "check", lambda *args, **kwargs: None)  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(StepEffects, "check", check)  # noqa: B010

    return without_effects


def report(
    times: dict[str, list[float]],
    timings: Timings,
    actions: int,
    steps: int,
    version: str,
    args: argparse.Namespace,
) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    hand, replay, bare, unguarded_replay, no_effects = medians.values()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Chromium {version}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f}; {steps} steps, {actions} actions; {args.repetitions} timed "
        f"runs of each (after {args.warmup} warm-up runs)\n"
    )
    print("| variant | median ms | min ms | max ms |")
    print("|---|--:|--:|--:|")
    for name, values in times.items():
        print(f"| {name} | {medians[name]:.0f} | {min(values):.0f} | {max(values):.0f} |")
    runs = args.repetitions
    print(f"\nratio replayed / hand-written: {replay / hand:.3f}x (target <= 1.10x)")
    print(f"ratio replayed without identity check / hand-written: {bare / hand:.3f}x")
    print(f"ratio replayed without effect check / hand-written: {no_effects / hand:.3f}x")
    print(
        f"navigation guard (b) - (d): {replay - unguarded_replay:.0f} ms per run, "
        f"{(replay - unguarded_replay) / unguarded_replay:+.1%} (it pauses each document request)"
    )
    print(
        f"identity check (identity.verify): median {statistics.median(timings.verify_ms):.2f} ms "
        f"per action, mean {statistics.mean(timings.verify_ms):.2f} ms, "
        f"{sum(timings.verify_ms) / runs:.0f} ms per run ({len(timings.verify_ms)} checks timed)"
    )
    print(
        f"where (b) spends a run: {sum(timings.verify_ms) / runs:.0f} ms identity checks, "
        f"{sum(timings.action_ms) / runs:.0f} ms actions and checks (Executor.run), the rest "
        "opening the page and the runner's own work (mean of the timed runs)"
    )
    if args.per_action:
        print("\n| replayed action | identity check, median ms |")
        print("|---|--:|")
        for label, values in timings.by_action.items():
            print(f"| `{label}` | {statistics.median(values):.1f} |")


def default_chromium() -> str | None:
    path = os.environ.get("WEBAGENT_CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).is_file() else None


if __name__ == "__main__":
    main()
