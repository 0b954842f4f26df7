"""New tabs and popups, and values remembered from the page: recorded with no model, replayed
with none, exported to plain Playwright code that passes; a tab that no longer opens fails
clearly; a secret value stays out of the trajectory and the report."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.cli import invoke, run_exported
from tests.support.project import WebagentProject, recorded_steps
from tests.support.site import StaticSite

MAIN = """
<h1>Home page</h1>
<a href="/docs.html" target="_blank">API reference</a>
<button onclick="window.open('/help.html')">Open help</button>
"""
DOCS = """<h1>API reference page</h1>
<button onclick="document.title = 'Docs read'">Mark read</button>"""
HELP = "<h1>Help page</h1>"

TABS_CASE = """
name: tabs
url: /main.html
steps:
  - Click "API reference"
  - expect: the title contains "Documentation"
  - Click "Mark read"
  - Switch to the "Main" tab
  - expect: '"Home page" is visible'
  - Click "Open help"
  - expect: '"Help page" is visible'
  - Switch to the "Docs read" tab
  - Close the tab
  - expect: the title is "Help"
  - Close the tab
  - expect: the title is "Main"
"""


def test_a_case_follows_the_tabs_it_opens(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("main.html", MAIN, title="Main")
    site.page("docs.html", DOCS, title="Documentation")
    site.page("help.html", HELP, title="Help")
    project.case("cases/tabs.yaml", TABS_CASE)

    project.run().assert_outcomes(passed=1)

    steps = recorded_steps(project.trajectory("cases/tabs.yaml"))["tabs"]
    opened = [step["text"] for step in steps if step["actions"][0].get("opens_tab")]
    assert opened == ['Click "API reference"', 'Click "Open help"']
    assert steps[3]["actions"] == [{"type": "switch_tab", "title": "Main"}]
    assert steps[8]["actions"] == [{"type": "close_tab"}]

    project.run("--webagent-mode", "replay").assert_outcomes(passed=1)

    # The link now opens in the same tab: replay says so instead of acting in the wrong page.
    site.page("main.html", MAIN.replace(' target="_blank"', ""), title="Main")
    replayed = project.run("--webagent-mode", "replay", timeout=2)
    replayed.assert_outcomes(failed=1)
    replayed.stdout.fnmatch_lines(
        [
            '*step 1: Click "API reference"',
            '*click get_by_role("link", name="API reference", exact=True) was recorded '
            "opening a new tab, and no tab opened within 2s",
        ]
    )

    site.page("main.html", MAIN, title="Main")  # as recorded, for the exported test
    monkeypatch.chdir(project.path)
    outcome = invoke(capsys, "export", "cases", "--out", "exported")
    assert outcome.status == 0, outcome.err
    source = (project.path / "exported" / "test_tabs.py").read_text(encoding="utf-8")
    assert "with page.expect_popup() as popup:" in source and "page = popup.value" in source
    run = run_exported(project.path / "exported", site.url)
    assert run.returncode == 0, run.stdout + run.stderr + source


ORDER = """
<button onclick="place()">Place order</button>
<output aria-label="Order number"></output>
<label>Token <input id="token" readonly></label>
<label>Confirm token <input id="confirm" oninput="check()"></label>
<p id="out"></p>
<script>
  function place() {
    document.querySelector("output").textContent = "A-" + Math.floor(Math.random() * 1e6);
    document.getElementById("token").value = "tk-" + Math.random().toString(36).slice(2);
  }
  function check() {
    const typed = document.getElementById("confirm").value;
    const same = typed === document.getElementById("token").value;
    document.getElementById("out").textContent = same ? "Token confirmed" : "";
  }
</script>
"""
DETAIL = """<p id="id"></p>
<script>document.getElementById("id").textContent =
  "Order " + new URLSearchParams(location.search).get("id");</script>"""

REMEMBER_CASE = """
name: remember
url: /order.html
steps:
  - Click "Place order"
  - Remember the text of "Order number" as order_id
  - Remember the value of "Token" as secret token
  - Fill "Confirm token" with "{{ token }}"
  - expect: '"Token confirmed" is visible'
  - Go to "/detail.html?id={{ order_id }}"
  - expect: '"Order {{ order_id }}" is visible'
"""

PYTHON_TEST = """
from pytest_webagent import Agent, webagent


@webagent.case(url="/order.html")
def test_remembered(agent: Agent) -> None:
    agent.do('Click "Place order"')
    agent.do('Remember the text of "Order number" as order_id')
    order_id = agent.remembered["order_id"]
    assert order_id.startswith("A-")
    agent.do('Go to "/detail.html?id={{ order_id }}"')
    agent.expect('"Order {{ order_id }}" is visible')
"""


def test_values_remembered_from_the_page_are_read_again_at_every_run(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("order.html", ORDER, title="Order")
    site.page("detail.html", DETAIL, title="Detail")
    project.case("cases/remember.yaml", REMEMBER_CASE)
    project.case("test_remember.py", PYTHON_TEST)

    first = project.run("-p", "no:randomly", "-rA")
    first.assert_outcomes(passed=2)
    # Each run places a new order: replay reads this run's number, not the recorded one.
    project.run("--webagent-mode", "replay").assert_outcomes(passed=2)

    trajectory = project.trajectory("cases/remember.yaml").read_text(encoding="utf-8")
    steps = json.loads(trajectory)["cases"]["remember"]["steps"]
    assert steps[1]["actions"][0]["type"] == "remember"
    assert steps[2]["actions"][0]["secret"] is True
    assert steps[3]["actions"][0]["value"] == "{{ token }}"
    assert steps[5]["actions"][0]["url"] == "/detail.html?id={{ order_id }}"
    assert "tk-" not in trajectory and not re.search(r"A-\d", trajectory)
    python = project.trajectory("test_remember.py").read_text(encoding="utf-8")
    assert "{{ order_id }}" in python

    monkeypatch.chdir(project.path)
    outcome = invoke(capsys, "export", "cases", "--out", "exported")
    assert outcome.status == 0, outcome.err
    source = (project.path / "exported" / "test_remember.py").read_text(encoding="utf-8")
    assert "order_id = " in source and '"/detail.html?id=" + order_id' in source
    run = run_exported(project.path / "exported", site.url)
    assert run.returncode == 0, run.stdout + run.stderr + source


def test_a_failure_after_a_secret_was_remembered_never_shows_it(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("order.html", ORDER, title="Order")
    project.case(
        "cases/leak.yaml",
        """
        name: leak
        url: /order.html
        steps:
          - Click "Place order"
          - Remember the value of "Token" as secret token
          - expect: '"Confirm token" has value "{{ token }}"'
        """,
    )

    result = project.run(timeout=1)

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "expected get_by_role" in output and "to have the value" in output
    assert "tk-" not in output
