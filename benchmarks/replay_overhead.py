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
main one (how far this machine's noise leaves it uncertain), what each guarantee costs, how many
Playwright calls each variant makes per run (in its last run: a count does not vary with the
load), and where the time goes: each call of (a), timed from sending it to the driver's reply,
next to the same call in the replays (matched by name, in order), with the time before it spent
outside any call (Python, and client-side waits such as ``wait_for_load_state``). A guarantee's
cost shows in the calls that pay it; the whole-run ratios cannot say which.

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
from difflib import SequenceMatcher
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
PER_CALL = ("a", "b", "d", "e", "g", "h")  # (c) makes other calls; (f) is (a) elsewhere
MAX_LABEL = 48
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


@dataclass(frozen=True)
class Call:
    """One call the Playwright client sent its driver (a round trip), as one run made it."""

    name: str  # "Frame.fill"
    given: str  # the selector or URL it was given: what the report names it by
    at_ms: float  # sent, since the run's start
    before_ms: float  # since the call sent or answered last before it (or the run's start)
    ms: float  # from sending it to its reply


class CallTimer:
    """Times the calls of the run under way (:func:`timing_calls`)."""

    def __init__(self) -> None:
        self._sent: dict[Any, tuple[str, str, float]] = {}  # call id -> (name, given, sent at)
        self._answered: dict[Any, float] = {}
        self._started = 0.0

    def start(self) -> None:
        self._sent, self._answered = {}, {}
        self._started = time.perf_counter()

    def sent(self, call_id: Any, name: str, params: Any) -> None:
        given = ""
        if isinstance(params, dict):
            given = str(params.get("selector") or params.get("url") or "")
        self._sent[call_id] = (name, given, time.perf_counter())

    def answered(self, call_id: Any) -> None:
        if call_id in self._sent:
            self._answered[call_id] = time.perf_counter()

    def calls(self) -> list[Call]:
        """The run's calls in the order they were sent (unanswered ones last as long as NaN)."""
        moments = [self._started, *(sent for _, _, sent in self._sent.values())]
        moments += self._answered.values()
        calls = []
        for call_id, (name, given, sent) in self._sent.items():
            answered = self._answered.get(call_id, float("nan"))
            # Calls can overlap (a subscription's reply may come during the next call).
            previous = max(moment for moment in moments if moment < sent)
            at, before, took = sent - self._started, sent - previous, answered - sent
            calls.append(Call(name, given, at * 1000, before * 1000, took * 1000))
        return calls


@contextmanager
def timing_calls() -> Iterator[CallTimer]:
    """Time each call the Playwright client sends to its driver, from sending it to the driver's
    reply (read when the reply is dispatched, not when the caller resumes).

    Playwright has no public hook for this; the benchmark patches its connection (private API,
    benchmark only). Every variant pays the same bookkeeping, about 1 µs per call.
    """
    from playwright._impl import connection

    timer = CallTimer()
    send, dispatch = connection.Connection.send_message_to_server, connection.Connection.dispatch

    def timed(self: Any, owner: Any, method: str, params: Any, options: Any) -> Any:
        future = send(self, owner, method, params, options)
        if method != "__waitInfo__":  # call-log bookkeeping, answered by nobody
            call_id = next(reversed(self._callbacks))  # the one just registered for its reply
            timer.sent(call_id, f"{owner._type}.{method}", params)
        return future

    def dispatched(self: Any, message: dict[str, Any]) -> None:
        if message.get("id"):  # a reply, not an event
            timer.answered(message["id"])
        dispatch(self, message)

    setattr(connection.Connection, "send_message_to_server", timed)  # noqa: B010
    setattr(connection.Connection, "dispatch", dispatched)  # noqa: B010
    try:
        yield timer
    finally:
        setattr(connection.Connection, "send_message_to_server", send)  # noqa: B010
        setattr(connection.Connection, "dispatch", dispatch)  # noqa: B010


@contextmanager
def fresh_page(browser: Browser, url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=url)
    context.set_default_timeout(TIMEOUT_S * 1000)
    try:
        yield context.new_page()
    finally:
        context.close()


def measure(
    browser: Browser, url: str, flow: Callable[[Page], None], timer: CallTimer
) -> tuple[float, float, list[Call]]:
    """(wall ms, CPU ms, the calls it made) of one run on a fresh page."""
    with fresh_page(browser, url) as page:
        time.sleep(SETTLE_S)
        cpu = process_tree_cpu_ms()
        timer.start()
        started = time.perf_counter()
        flow(page)
        wall = (time.perf_counter() - started) * 1000
        return wall, process_tree_cpu_ms() - cpu, timer.calls()


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
        case, timings, actions, version = run_all(Path(scratch), args)
    report(timings, actions, len(case.steps), version, args)


def run_all(workdir: Path, args: argparse.Namespace) -> tuple[Case, Timings, int, str]:
    """Record the case once, then time the variants; returns what ``report`` prints."""
    (workdir / "flow.yaml").write_text(CASE, encoding="utf-8")
    (case,) = load_cases(workdir / "flow.yaml")
    with (
        start_demo_server(1) as server,
        sync_playwright() as playwright,
        timing_calls() as timer,
    ):
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
        timings = Timings(
            wall={key: [] for key in variants},
            cpu={key: [] for key in variants},
            calls={key: [] for key in variants},
        )
        keys = list(variants)
        for repetition in range(args.warmup + args.repetitions):
            # Two fresh browsers each repetition, so that neither is older or has run more
            # cases than the other; the UNGUARDED variants get one no guard ever touched.
            guarded, plain = launch(guarded=True), launch(guarded=False)
            shift = repetition % len(keys)  # rotate the order: no variant always goes first
            for key in keys[shift:] + keys[:shift]:
                browser = plain if key in UNGUARDED else guarded
                if key == PLAIN_TEST:  # not timed: what the plugin does before such a test
                    rest_idle_pauses()
                wall, cpu, calls = measure(browser, server.url, variants[key], timer)
                if key == PLAIN_TEST:  # not timed: the next case sets the pauses again (once)
                    guard_once(guarded)
                if repetition >= args.warmup:
                    timings.wall[key].append(wall)
                    timings.cpu[key].append(cpu)
                    timings.calls[key].append(calls)
            guarded.close()
            plain.close()
    return case, timings, actions, version


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
    calls: dict[str, list[list[Call]]]  # the calls of each run


def report(
    timings: Timings,
    actions: int,
    steps: int,
    version: str,
    args: argparse.Namespace,
) -> None:
    times = timings.wall
    # A count does not vary with the load: the last run's.
    calls = {key: Counter(call.name for call in runs[-1]) for key, runs in timings.calls.items()}
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
    print()
    where_the_time_goes(timings)


def where_the_time_goes(timings: Timings) -> None:
    """Each call of the hand-written test, and what the same call took in each variant that
    makes it (matched by name, in order: the replays make the same calls and a few more), so
    that a guarantee's cost shows in the calls that pay it."""
    reference = timings.calls["a"][0]
    names = [call.name for call in reference]
    matched: dict[str, list[list[Call]]] = {key: [[] for _ in names] for key in PER_CALL}
    beyond: dict[str, list[float]] = {key: [] for key in PER_CALL}  # calls (a) does not make
    between: dict[str, list[float]] = {key: [] for key in PER_CALL}  # outside any call
    for key in PER_CALL:
        for run, wall in zip(timings.calls[key], timings.wall[key], strict=True):
            blocks = SequenceMatcher(None, names, [call.name for call in run], autojunk=False)
            same = set()
            for block in blocks.get_matching_blocks():
                for offset in range(block.size):
                    matched[key][block.a + offset].append(run[block.b + offset])
                    same.add(block.b + offset)
            made = _covered([call for i, call in enumerate(run) if i in same])
            beyond[key].append(_covered(run) - made)  # while no call (a) makes was under way
            between[key].append(wall - _covered(run))
    print(
        "Where the time goes: the median ms of each call of (a) in the variants that make it, "
        "and (+ before it) the median ms since the call sent or answered last before it "
        "(Python, and client-side waits such as wait_for_load_state)\n"
    )
    print("| # | call of (a) | " + " | ".join(PER_CALL) + " |")
    print("|--:|---|" + "--:|" * len(PER_CALL))
    for number, call in enumerate(reference):
        label = f"{call.name.split('.')[-1]} {call.given}"[:MAX_LABEL]
        cells = []
        for key in PER_CALL:
            runs = matched[key][number]
            if not runs:
                cells.append("-")
                continue
            took = statistics.median(each.ms for each in runs)
            before = statistics.median(each.before_ms for each in runs)
            cells.append(f"{took:.1f} (+{before:.1f})")
        print(f"| {number + 1} | `{label}` | " + " | ".join(cells) + " |")
    for label, values in (
        ("calls (a) does not make", beyond),
        ("outside any call (Python, client-side waits)", between),
        ("whole run", timings.wall),
    ):
        cells = [f"{statistics.median(values[key]):.1f}" for key in PER_CALL]
        print(f"| | {label} | " + " | ".join(cells) + " |")


def _covered(calls: list[Call]) -> float:
    """How many ms at least one of ``calls`` was under way (calls can overlap)."""
    covered, reached = 0.0, float("-inf")
    for call in sorted(calls, key=lambda call: call.at_ms):
        end = call.at_ms + call.ms
        if end > reached:
            covered += end - max(call.at_ms, reached)
            reached = end
    return covered


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
