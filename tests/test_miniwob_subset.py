"""A small, fast subset of the MiniWoB++ benchmark (benchmarks/miniwob) as a regression test:
one seed of the tasks that exercise each new form of the direct resolver, in the task's own words
(phrasing A) and in steps written from the docs (phrasing B). The HTML comes from the `miniwob`
package (installed by `make`, `pip install --no-deps miniwob==1.1.0`); never from this repo."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "miniwob"))

from episodes import episode, html_folder, serve
from tasks import TASKS

from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS

# (task, phrasing, seed, what it exercises)
SUBSET = [
    ("enter-text", "A", 0, "fill the one text field, then an unquoted button"),
    ("login-user", "A", 0, "labels beside fields, two values in one sentence"),
    ("enter-password", "B", 0, "labels in <p><label> before password fields"),
    ("click-link", "A", 0, "a <span> with a pointer cursor is the link"),
    ("focus-text-2", "A", 0, "an ordinal with a role and no name"),
    ("click-dialog", "A", 0, '"x" is the Close button'),
    ("click-collapsible-nodelay", "A", 0, "expand, and a button inside a header of its name"),
    ("click-checkboxes", "A", 0, "unquoted names in a list, then click"),
    ("multi-orderings", "B", 0, "<th> captions beside fields"),
    ("login-user-popup", "B", 6, "a popup that opens on focus, dismissed if it appears"),
    ("use-autocomplete-nodelay", "B", 6, "a menu item over the same word in bold in prose"),
]


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[Page, str]]:
    executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    with serve(html_folder()) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=list(SYSTEM_CHROMIUM_FLAGS)
        )
        yield browser.new_page(), base_url
        browser.close()


def verbatim(instruction: str, page: Page) -> list[str]:
    return [instruction]


def test_a_subset_of_miniwob_succeeds_with_no_model(browser_page: tuple[Page, str]) -> None:
    page, base_url = browser_page
    failures = []
    for task, phrasing, seed, exercises in SUBSET:
        steps = verbatim if phrasing == "A" else TASKS[task]
        outcome = episode(page, base_url, task, seed, steps)
        if not outcome.success:
            failures.append(f"{task} ({phrasing}, {exercises}): {outcome.failure} {outcome.detail}")
    assert not failures, "\n".join(failures)
