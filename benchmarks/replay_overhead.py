"""What does replaying a natural-language case cost next to the same test written by hand?

One flow on the demo app (sign in, open the todos, add three todos, complete one, delete one,
check the counts: 15 steps) runs as

(a) a hand-written Playwright test: ``sync_playwright``, semantic locators, ``expect``;
(b) the natural-language case replayed by the plugin's own runner: the YAML file loaded with
    ``casefile.load_cases``, its trajectory recorded once (mode ``missing``, direct resolver, no
    model) and written to disk, then ``CaseRunner`` in mode ``replay`` with the trajectory read
    back with ``TrajectoryFile.load``, exactly what ``pytest --webagent`` does per case;
(c) (b) with the identity check and the effect wait in calls of their own, as before they ran
    inside the actions (replay/selector_engines.py): the same guarantees, the former cost;
(d) for attribution only: (b) without the navigation guard (browser/navigation_guard.py), which
    pauses nothing within the allowed origins but whose interception every request still goes
    through;
(e) for attribution only: (b) with the effect check (waiting for each step's recorded effect)
    switched off;
(f) for attribution only: (a) in the browser of the replays, after the pauses were switched off
    as the plugin does before a test that does not use it (``rest_idle_pauses``; not timed, nor
    is setting them again afterwards): what the guard leaves to such tests (with the pauses left
    on, Chromium's interception made this 1.08x);
(g) for attribution only: (b) with the identity check switched off (actions on the recorded
    selector alone);
(h) for attribution only: (b) with all three off (guard, effect check, identity check): the
    replay's own machinery (reading the trajectory, running the steps, reporting) next to (a).

Two fresh browsers of the same executable every repetition, each warmed by one untimed run: (a),
(d) and (h) in one no navigation guard ever touched, the others in one where the guard's
browser-wide CDP session and pauses are set up as an earlier case leaves them; same page setup (a
fresh context with the base URL and a fresh page per run, then a quarter of a second for the
previous run's renderer to end, none of it timed), the variants alternating in rotating order.
Printed: the median wall time of each, its median CPU time (this process, the Playwright driver and
Chromium's processes, read from /proc: the work done, which a shared machine's load stretches much
less than wall time), the ratios to (a) (target <= 1.05x) with a 95% bootstrap interval of the
main one (how far this machine's noise leaves it uncertain), what each guarantee costs, and how
many Playwright calls each variant makes per run (counted once, in the last repetition: a count
does not vary with the load).

Run: ``python benchmarks/replay_overhead.py [--repetitions 21] [--chromium PATH]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
from pytest_webagent.browser.navigation_guard import (  # noqa: E402
    NavigationGuard,
    rest_idle_pauses,
)
from pytest_webagent.browser.origins import AllowedOrigins  # noqa: E402
from pytest_webagent.cases.casefile import load_cases  # noqa: E402
from pytest_webagent.cases.model import Case  # noqa: E402
from pytest_webagent.replay import identity, selector_engines  # noqa: E402
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
# Before each run's clock starts: closing the previous run's context ends its renderer process,
# whose teardown would otherwise run during this run (and slow whichever variant came next).
SETTLE_S = 0.25
VARIANTS = {  # what the report calls each variant (see above)
    "a": "a. hand-written Playwright",
    "b": "b. replayed case (plugin runner)",
    "c": "c. replayed, checks in calls of their own (before)",
    "d": "d. replayed, navigation guard off",
    "e": "e. replayed, effect check off",
    "f": "f. hand-written, in the replays' browser",
    "g": "g. replayed, identity check off",
    "h": "h. replayed, guard, effect and identity checks off",
}
UNGUARDED = frozenset("adh")  # run in the browser no guard ever touched
PLAIN_TEST = "f"  # a test that does not use the plugin, in the replays' browser
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


@contextmanager
def counting_calls() -> Iterator[Counter[str]]:
    """Count the calls the Playwright client sends to its driver (each one a round trip).

    Playwright has no public hook for this; the benchmark patches its connection (private API,
    benchmark only).
    """
    from playwright._impl import connection

    calls: Counter[str] = Counter()
    send = connection.Connection.send_message_to_server

    def counted(self: Any, owner: Any, method: str, params: Any, options: Any) -> Any:
        if method != "__waitInfo__":  # call-log bookkeeping, answered by nobody
            calls[f"{owner._type}.{method}"] += 1
        return send(self, owner, method, params, options)

    setattr(connection.Connection, "send_message_to_server", counted)  # noqa: B010
    try:
        yield calls
    finally:
        setattr(connection.Connection, "send_message_to_server", send)  # noqa: B010


@contextmanager
def fresh_page(browser: Browser, url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=url)
    context.set_default_timeout(TIMEOUT_S * 1000)
    try:
        yield context.new_page()
    finally:
        context.close()


def measure(browser: Browser, url: str, flow: Callable[[Page], None]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one run on a fresh page."""
    with fresh_page(browser, url) as page:
        time.sleep(SETTLE_S)
        cpu = process_tree_cpu_ms()
        started = time.perf_counter()
        flow(page)
        wall = (time.perf_counter() - started) * 1000
        return wall, process_tree_cpu_ms() - cpu


def process_tree_cpu_ms() -> float:
    """CPU time (user + system) spent so far by this process and every live descendant: the
    Playwright driver and Chromium's processes. A shared machine's load stretches wall time, much
    less the work done. Read from /proc (Linux); nan elsewhere."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
        parents[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    if not ticks:
        return float("nan")
    ours, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in ours]
        ours.update(children)
        frontier.extend(children)
    return sum(ticks.get(pid, 0) for pid in ours) * 1000 / os.sysconf("SC_CLK_TCK")


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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="replay-overhead-") as scratch:
        case, timings, calls, actions, version = run_all(Path(scratch), args)
    report(timings, calls, actions, len(case.steps), version, args)


def run_all(
    workdir: Path, args: argparse.Namespace
) -> tuple[Case, Timings, dict[str, Counter[str]], int, str]:
    """Record the case once, then time the variants; returns what ``report`` prints."""
    (workdir / "flow.yaml").write_text(CASE, encoding="utf-8")
    (case,) = load_cases(workdir / "flow.yaml")
    with start_demo_server(1) as server, sync_playwright() as playwright:
        selector_engines.register(playwright.selectors)  # what the plugin's fixture does

        def guard_once(browser: Browser) -> None:
            """The navigation guard's session and pauses, as an earlier case leaves them."""
            with fresh_page(browser, server.url) as page:
                NavigationGuard(page, AllowedOrigins.for_case((), server.url, case))

        def launch(guarded: bool) -> Browser:
            """A fresh browser, warmed by one untimed hand-written run; ``guarded``: with the
            guard's pauses on, as an earlier case leaves them."""
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            with fresh_page(browser, server.url) as page:
                handwritten(page)
            if guarded:
                guard_once(browser)
            return browser

        recorder = launch(guarded=True)
        trajectory = record(recorder, case, server.url)
        version = recorder.version
        recorder.close()
        actions = sum(len(entry["actions"]) for entry in trajectory.cases[case.item_name])

        def replay_flow() -> Callable[[Page], None]:
            return replayed(case, trajectory, server.url)

        variants = {
            "a": handwritten,
            "b": replay_flow(),
            "c": apart(replay_flow()),
            "d": unguarded(replay_flow()),
            "e": unchecked(replay_flow()),
            "f": handwritten,
            "g": unidentified(replay_flow()),
            "h": unguarded(unchecked(unidentified(replay_flow()))),
        }
        times: dict[str, list[float]] = {key: [] for key in variants}
        cpu_times: dict[str, list[float]] = {key: [] for key in variants}
        keys = list(variants)
        calls: dict[str, Counter[str]] = {}
        for repetition in range(args.warmup + args.repetitions):
            # Two fresh browsers each repetition, so that neither is older or has run more
            # cases than the other; the UNGUARDED variants get one no guard ever touched.
            guarded, plain = launch(guarded=True), launch(guarded=False)
            shift = repetition % len(keys)  # rotate the order: no variant always goes first
            for key in keys[shift:] + keys[:shift]:
                browser = plain if key in UNGUARDED else guarded
                if key == PLAIN_TEST:  # not timed: what the plugin does before such a test
                    rest_idle_pauses()
                wall, cpu = measure(browser, server.url, variants[key])
                if key == PLAIN_TEST:  # not timed: the next case sets the pauses again (once)
                    guard_once(guarded)
                if repetition >= args.warmup:
                    times[key].append(wall)
                    cpu_times[key].append(cpu)
            if repetition == args.warmup + args.repetitions - 1:
                for key, flow in variants.items():
                    with counting_calls() as counted:
                        measure(plain if key in UNGUARDED else guarded, server.url, flow)
                    calls[key] = counted
            guarded.close()
            plain.close()
    return case, Timings(times, cpu_times), calls, actions, version


def apart(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    """(b) with every identity check made by ``identity.verify`` before its action, and every
    effect waited for right after its step: what replay did before the selector engines."""

    def checked_apart(page: Page) -> None:
        setattr(acting, "narrowing", lambda action: None)  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(acting, "narrowing", identity.narrowing)  # noqa: B010

    return checked_apart


class _NoGuard:
    def __init__(self, page: Page, allows: Any) -> None:
        pass

    def take(self) -> None:
        return None


def unguarded(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    """(b) without the navigation guard (no guard is created: nothing of it in the browser)."""

    def without_guard(page: Page) -> None:
        setattr(page_watch, "NavigationGuard", _NoGuard)  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(page_watch, "NavigationGuard", NavigationGuard)  # noqa: B010

    return without_guard


def unidentified(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    """(b) with no identity check: each action runs on its recorded selector alone."""

    def without_identity(page: Page) -> None:
        narrowing = selector_engines.narrowing
        setattr(selector_engines, "narrowing", lambda signature, pinned: "")  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(selector_engines, "narrowing", narrowing)  # noqa: B010

    return without_identity


def unchecked(flow: Callable[[Page], None]) -> Callable[[Page], None]:
    def without_effects(page: Page) -> None:
        check, later = StepEffects.check, StepEffects.check_later
        setattr(StepEffects, "check", lambda *args, **kwargs: None)  # noqa: B010
        setattr(StepEffects, "check_later", lambda *args, **kwargs: None)  # noqa: B010
        try:
            flow(page)
        finally:
            setattr(StepEffects, "check", check)  # noqa: B010
            setattr(StepEffects, "check_later", later)  # noqa: B010

    return without_effects


@dataclass
class Timings:
    wall: dict[str, list[float]]  # ms per run, by variant (its letter)
    cpu: dict[str, list[float]]


def report(
    timings: Timings,
    calls: dict[str, Counter[str]],
    actions: int,
    steps: int,
    version: str,
    args: argparse.Namespace,
) -> None:
    times = timings.wall
    medians = {key: statistics.median(values) for key, values in times.items()}
    cpu = {key: statistics.median(values) for key, values in timings.cpu.items()}
    hand, replay = medians["a"], medians["b"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Chromium {version}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f}; {steps} steps, {actions} actions; {args.repetitions} timed "
        f"runs of each (after {args.warmup} warm-up runs)\n"
    )
    print("| variant | median ms | min ms | max ms | median CPU ms | Playwright calls per run |")
    print("|---|--:|--:|--:|--:|--:|")
    for key, values in times.items():
        print(
            f"| {VARIANTS[key]} | {medians[key]:.0f} | {min(values):.0f} | {max(values):.0f} "
            f"| {cpu[key]:.0f} | {sum(calls[key].values())} |"
        )
    paired = statistics.median(b / a for a, b in zip(times["a"], times["b"], strict=True))
    low, high = ratio_interval(times["b"], times["a"])
    print(
        f"\nratio replayed / hand-written: {replay / hand:.3f}x "
        f"(95% interval {low:.3f}x-{high:.3f}x; target <= 1.05x)"
    )
    print(f"median of the ratios of runs made side by side (same repetition): {paired:.3f}x")
    print(f"the same in CPU time (browser, driver and Python): {cpu['b'] / cpu['a']:.3f}x")
    print(
        "ratio replayed with the checks in calls of their own / hand-written: "
        f"{medians['c'] / hand:.3f}x"
    )
    print(f"ratio replayed without effect check / hand-written: {medians['e'] / hand:.3f}x")
    print("what each guarantee of (b) costs, per run:")
    for guarantee, without in (
        ("navigation guard, (b) - (d)", "d"),
        ("effect check, (b) - (e)", "e"),
        ("identity check, (b) - (g)", "g"),
    ):
        cost = replay - medians[without]
        print(f"  {guarantee}: {cost:.0f} ms, {cost / hand:+.1%} of (a)")
    print(
        "the replay's own machinery, all three off (h) / hand-written (a): "
        f"{medians['h'] / hand:.3f}x"
    )
    print(
        "hand-written in the replays' browser (f) / hand-written (a): "
        f"{medians['f'] / hand:.3f}x (what the guard leaves to tests that do not use it)"
    )
    print(f"replayed (b) / hand-written in the same browser (f): {replay / medians['f']:.3f}x")
    extra = calls["b"] - calls["a"]
    print(
        "calls (b) makes beyond (a): "
        + (", ".join(f"{name} x{count}" for name, count in extra.most_common()) or "none")
    )


def ratio_interval(
    numerator: list[float], denominator: list[float], draws: int = 2000
) -> tuple[float, float]:
    """The 95% bootstrap interval of the ratio of two medians: how far this machine's noise
    leaves the ratio uncertain (runs resampled with replacement; a fixed seed, so the same
    timings print the same interval)."""
    rng = random.Random(16)
    ratios = sorted(
        statistics.median(rng.choices(numerator, k=len(numerator)))
        / statistics.median(rng.choices(denominator, k=len(denominator)))
        for _ in range(draws)
    )
    return ratios[int(draws * 0.025)], ratios[int(draws * 0.975) - 1]


def default_chromium() -> str | None:
    path = os.environ.get("WEBAGENT_CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).is_file() else None


if __name__ == "__main__":
    main()
