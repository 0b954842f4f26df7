"""What does stopping off-origin navigations before they leave cost?

The navigation guard (``browser/navigation_guard.py``) opens a CDP session per page and pauses
every document request (``Fetch.enable`` for ``resourceType: Document``) until the plugin answers
it. This times, in one browser, alternating (a) with and (b) without the guard:

* setting the guard up on a fresh page (the CDP session, ``Page.getFrameTree``, ``Fetch.enable``);
* ``page.goto`` of a small page of the demo app, ``--navigations`` times per repetition, so the
  difference per navigation is the price of one paused document request;
* a page load's sub-resources are never paused: a page with 20 images costs the same one pause.

Run: ``python benchmarks/navigation_guard.py [--repetitions 15] [--navigations 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
try:
    import pytest_webagent  # noqa: F401
except ImportError:  # Not installed: run from a checkout.
    sys.path.insert(0, str(ROOT / "src"))

from demo_app.server import start_demo_server  # noqa: E402

from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS  # noqa: E402
from pytest_webagent.browser.navigation_guard import NavigationGuard  # noqa: E402


def timed_run(browser: Browser, url: str, navigations: int, guarded: bool) -> tuple[float, float]:
    """(setup ms, navigations ms) on a fresh page."""
    context = browser.new_context()
    try:
        page = context.new_page()
        started = time.perf_counter()
        if guarded:
            NavigationGuard(page, lambda target: target.startswith(url))
        setup = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        for _ in range(navigations):
            page.goto(url)
        return setup, (time.perf_counter() - started) * 1000
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--navigations", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    with start_demo_server(1) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=list(SYSTEM_CHROMIUM_FLAGS)
        )
        for repetition in range(args.repetitions + 1):  # the first round warms up
            order = (True, False) if repetition % 2 else (False, True)
            for guarded in order:
                measured = timed_run(browser, server.url, args.navigations, guarded)
                if repetition:
                    times[guarded].append(measured)
        browser.close()
    setup = {g: statistics.median(s for s, _ in times[g]) for g in times}
    per_navigation = {
        g: statistics.median(n for _, n in times[g]) / args.navigations for g in times
    }
    print(f"{args.repetitions} repetitions of {args.navigations} navigations, medians")
    print(f"setup on a fresh page: {setup[True]:.1f} ms with the guard, {setup[False]:.1f} without")
    print(
        f"one navigation: {per_navigation[True]:.2f} ms with the guard, "
        f"{per_navigation[False]:.2f} ms without: "
        f"{per_navigation[True] - per_navigation[False]:+.2f} ms per document request"
    )


if __name__ == "__main__":
    main()
