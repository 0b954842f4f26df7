"""Faults of the browser and the page: a page that never answers or never finishes loading, a
broken link, a crash of the page, dialogs. Each is a clear failure naming the case file, line and
step, within the step timeout; dialogs never block a step. Issue 7.

Faults share one inner run (one case per fault): a run starts a browser, which is slow.
"""

from __future__ import annotations

import pytest

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

TIMEOUT = 2.0  # seconds per step; what every hanging fault must stop within
SLACK = 8.0  # launching pages and the failure report on a loaded machine, not waiting

START = """
    <h1>Start</h1>
    <a href="/hold/never.html">Never answers</a>
    <a href="/drop/broken.html">Broken link</a>
    <input aria-label="Name">
    """
# The document arrives, but an image never does: the load event never comes.
SLOW_IMAGE = '<p>Almost there</p><img src="/hold/pixel.png" alt="">'

FAULTS = """\
cases:
  - name: url never answers
    url: /hold/never.html
    steps:
      - Fill "Name" with "Ada"
  - name: url never finishes loading
    url: /slow-image.html
    steps:
      - Fill "Name" with "Ada"
  - name: link never answers
    url: /start.html
    steps:
      - Click "Never answers"
  - name: go to a page that never loads
    url: /start.html
    steps:
      - Fill "Name" with "Ada"
      - Go to "/slow-image.html"
  - name: broken link
    url: /start.html
    steps:
      - Click "Broken link"
  - name: crash
    url: /start.html
    steps:
      - Go to "chrome://crash"
      - Fill "Name" with "Ada"
"""


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first ``needle`` after the line holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def call_durations(result: pytest.RunResult) -> dict[str, float]:
    """Seconds each inner case spent in its call phase, by case name."""
    reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
    return {r.nodeid.split("::")[-1]: r.duration for r in reports if r.when == "call"}


def test_page_faults_fail_clearly_within_the_step_timeout(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("start.html", START)
    site.page("slow-image.html", SLOW_IMAGE)
    path = project.case("cases/faults.yaml", FAULTS)

    result = project.run(timeout=TIMEOUT)

    result.assert_outcomes(failed=6)

    def at(case: str, needle: str) -> str:
        return f"*{path.name}:{line_of(FAULTS, needle, after=case)}"

    result.stdout.fnmatch_lines(
        [
            f"{at('url never answers', 'url:')}: page did not load in case 'url never answers'",
            "  url: /hold/never.html",
            "  mode: missing",
            f"  /hold/never.html got no response from the server within {TIMEOUT:g}s "
            "(webagent_step_timeout)",
            "  hint: is the application up? A page waits for its load event: *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"{at('finishes loading', 'url:')}: page did not load in case 'url never *",
            "  url: /slow-image.html",
            "  mode: missing",
            f"  /slow-image.html did not finish loading within {TIMEOUT:g}s *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"{at('link never answers', 'Click')}: action failed in case 'link never answers'",
            '  step 1: Click "Never answers"',
            "  mode: missing",
            '  click get_by_role("link", name="Never answers", exact=True) failed: Locator.click: '
            f"Timeout {TIMEOUT * 1000:g}ms exceeded. (the page it opened did not respond)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"{at('go to a page', 'Go to')}: action failed in case 'go to a page that never *",
            '  step 2: Go to "/slow-image.html"',
            "  mode: missing",
            "  navigate url='/slow-image.html' failed: Page.goto: Timeout *ms exceeded. "
            "(the page did not finish loading)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"{at('broken link', 'Click')}: page did not load in case 'broken link'",
            '  step 1: Click "Broken link"',
            "  mode: missing",
            f"  {site.url}/drop/broken.html could not load (after click "
            'get_by_role("link", name="Broken link", exact=True)): net::ERR_EMPTY_RESPONSE',
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"{at('name: crash', 'Go to')}: page crashed in case 'crash'",
            '  step 1: Go to "chrome://crash"',
            "  mode: missing",
            "  the page crashed (the browser's process for it died): nothing more can run in it",
            "  hint: usually the browser ran out of memory *--disable-dev-shm-usage*",
        ]
    )
    durations = call_durations(result)
    hanging = ["url never answers", "url never finishes loading", "link never answers",
               "go to a page that never loads"]  # fmt: skip
    for case in hanging:  # waited the step timeout, and no longer than it
        assert TIMEOUT <= durations[case] < TIMEOUT + SLACK, (case, durations[case])
    assert durations["crash"] < SLACK and durations["broken link"] < SLACK
    # Held requests were made (the faults are real) and ended with the site, not the test.
    assert {"/hold/never.html", "/hold/pixel.png", "/drop/broken.html"} <= set(site.paths)


DIALOGS = """
    <p id="out">nothing yet</p>
    <button onclick="alert('Saved'); show('alert closed')">Alert</button>
    <button onclick="show('confirmed: ' + confirm('Delete everything?'))">Confirm</button>
    <button onclick="show('prompted: ' + prompt('Your name?'))">Prompt</button>
    <a href="/left.html">Leave</a>
    <input aria-label="Name">
    <script>
      function show(text) { document.getElementById('out').textContent = text; }
      addEventListener('beforeunload', (event) => { event.preventDefault(); });
    </script>
    """
DIALOG_FIXTURES = """
import pytest


@pytest.fixture
def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept("Ada"))


@pytest.fixture
def ignore_dialogs(page):
    page.on("dialog", lambda dialog: None)  # neither accepts nor dismisses: the page freezes
"""
DIALOG_CASES = """\
cases:
  - name: dialogs are closed by default
    url: /dialogs.html
    steps:
      - Click "Alert"
      - expect: '"alert closed" is visible'
      - Click "Confirm"
      - expect: '"confirmed: false" is visible'
      - Click "Prompt"
      - expect: '"prompted: null" is visible'
      - Click "Leave"
      - expect: '"You left" is visible'
  - name: a dismissed confirm is named when a check fails
    url: /dialogs.html
    steps:
      - Click "Confirm"
      - expect: '"confirmed: true" is visible'
  - name: beforeunload is accepted and named when a later step fails
    url: /dialogs.html
    steps:
      - Click "Confirm"
      - Click "Leave"
      - expect: '"You stayed" is visible'
  - name: a fixture of the user accepts dialogs
    url: /dialogs.html
    usefixtures: [accept_dialogs]
    steps:
      - Click "Confirm"
      - expect: '"confirmed: true" is visible'
      - Click "Prompt"
      - expect: '"prompted: Ada" is visible'
  - name: a listener that leaves a dialog open
    url: /dialogs.html
    usefixtures: [ignore_dialogs]
    steps:
      - Click "Alert"
      - Fill "Name" with "Ada"
"""


def test_dialogs_never_block_a_step(project: WebagentProject, site: StaticSite) -> None:
    site.page("dialogs.html", DIALOGS)
    site.page("left.html", "<p>You left</p>")
    project.pytester.makeconftest(DIALOG_FIXTURES)
    path = project.case("cases/dialogs.yaml", DIALOG_CASES)

    result = project.run(timeout=TIMEOUT)

    result.assert_outcomes(passed=2, failed=3)
    relative = f"*{path.name}"
    check_line = line_of(DIALOG_CASES, "confirmed: true", after="dismissed confirm")
    result.stdout.fnmatch_lines(
        [
            f"{relative}:{check_line}: target not found in case 'a dismissed confirm is named *",
            '  step 2: "confirmed: true" is visible',
            "  mode: missing",
            f"  no element named 'confirmed: true' appeared within {TIMEOUT:g}s",
            "  *",
            "  the page opened: confirm 'Delete everything?' (step 1); without a dialog listener "
            "of your own Playwright dismisses dialogs (confirm() returns false, prompt() null) "
            "and accepts beforeunload; see docs/troubleshooting.md#dialogs",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*: target not found in case 'beforeunload is accepted and named when a later *",
            "  the page opened: confirm 'Delete everything?' (step 1), beforeunload (step 2); *",
        ]
    )
    click_line = line_of(DIALOG_CASES, 'Click "Alert"', after="leaves a dialog open")
    result.stdout.fnmatch_lines(
        [
            f"{relative}:{click_line}: action failed in case 'a listener that leaves a dialog *",
            '  step 1: Click "Alert"',
            "  mode: missing",
            '  click get_by_role("button", name="Alert", exact=True) failed: Locator.click: '
            f"Timeout {TIMEOUT * 1000:g}ms exceeded. (the page stopped responding during the "
            "action: a dialog left open, or a busy script)",
        ]
    )
    assert call_durations(result)["a listener that leaves a dialog open"] < TIMEOUT + SLACK
