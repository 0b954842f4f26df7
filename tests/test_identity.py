"""Identity that tells look-alikes apart, and tolerance for benign change.

One page per situation, recorded on version 1 and replayed (replay mode, no model) on version 2:
look-alike links reordered must fail as drift without acting; markup that only gained attributes,
a name, classes or styles must replay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject, recorded_steps
from tests.support.site import StaticSite

LOG = (
    "<p id=log>log:</p>"
    "<script>function log(word) { document.getElementById('log').textContent += ' ' + word }"
    "</script>"
)

# Two "Yes" links told apart only by their query string (the filter groups).
FILTERS_V1 = (
    "<p><a href='/hit.html?status=open'>Yes</a></p><p><a href='/hit.html?archived=1'>Yes</a></p>"
)
FILTERS_V2 = (
    "<p><a href='/hit.html?archived=1'>Yes</a></p><p><a href='/hit.html?status=open'>Yes</a></p>"
)
# A checkbox without a name, then with one; a field that gains a test id, classes, a style and
# reordered attributes.
FORM_V1 = (
    "<input type=checkbox data-testid=remember onclick=\"log('remember')\">"
    "<label>Email <input name=email oninput=\"log('email')\"></label>"
)
FORM_V2 = (
    "<label class=big><input style='margin: 4px' class='fancy new' type=checkbox "
    "data-testid=remember onclick=\"log('remember')\"> Remember me</label>"
    "<label>Email <input oninput=\"log('email')\" data-testid=email-field class=wide "
    "style='color: blue' name=email placeholder='you@example.com'></label>"
)
CASES = """
cases:
  - name: filters
    url: /filters.html
    steps:
      - Show only the open items
  - name: form
    url: /form.html
    steps:
      - Tick the remember box
      - Fill "Email" with "a@b.c"
      - expect: '"log: remember email" is visible'
"""


def write_pages(site: StaticSite, version: int) -> None:
    site.page("filters.html", FILTERS_V1 if version == 1 else FILTERS_V2)
    site.page("form.html", LOG + (FORM_V1 if version == 1 else FORM_V2))
    site.page("hit.html", "<h1>Hit</h1>")


def failures(result: pytest.RunResult) -> dict[str, str]:
    reports = result.reprec.getfailures()  # type: ignore[attr-defined]
    return {report.nodeid.rsplit("::", 1)[1]: report.longreprtext for report in reports}


def target(steps: dict[str, list[dict[str, Any]]], case: str, step: int) -> dict[str, Any]:
    return dict(steps[case][step]["actions"][0]["target"])


def test_lookalikes_reordered_are_drift_and_benign_changes_replay(
    project: WebagentProject, site: StaticSite
) -> None:
    write_pages(site, 1)
    project.case("cases/identity.yaml", CASES)
    with OpenAITestServer() as server:
        server.on("Show only the open items", reply.act(reply.click(element("link", "Yes"))))
        server.on("Tick the remember box", reply.act(reply.check(element("checkbox"))))
        model = ("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")
        project.run(*model).assert_outcomes(passed=2)
    steps = recorded_steps(project.trajectory("cases/identity.yaml"))
    link = target(steps, "filters", 0)
    # The link was chosen by position among look-alikes: its full href and occurrence say which.
    assert link["selector"].endswith(">> nth=0")
    assert link["signature"]["href"] == "/hit.html?status=open"
    assert link["signature"]["occurrence"] == "1 of 2"
    checkbox = target(steps, "form", 0)
    assert checkbox["signature"]["name"] == ""
    assert "test_id" not in target(steps, "form", 1)["signature"]

    write_pages(site, 2)
    before = len(site.paths)
    replay = project.run("--webagent-mode=replay", "--alluredir=allure")
    replay.assert_outcomes(passed=1, failed=1)
    report = failures(replay)["filters"]
    assert "recorded target drifted" in report
    assert "target changed" in report
    assert "href: '/hit.html?status=open' -> '/hit.html?archived=1'" in report
    assert 'recorded: get_by_role("link", name="Yes").first (link "Yes"' in report
    # Never acted on the wrong link: no request for either hit page.
    assert not [path for path in site.paths[before:] if path.startswith("/hit.html")]
    # The form replayed: a gained name, test id, classes, styles and a placeholder are benign.
    replay.stdout.fnmatch_lines(["*2 cases, 4 steps: 3 passed (3 replayed), 1 failed*"])
    # Allure: which identity fields held, per replayed step; the drift report for the whole run.
    identity = allure_step_parameters(project.path / "allure", "identity")
    assert "matched input_type, role, tag, test_id; tolerated: name gained ('Remember me')" in (
        identity
    )
    assert any("tolerated: placeholder added ('you@example.com')" in value for value in identity)
    globals_files = list((project.path / "allure").glob("*-globals.json"))
    assert globals_files, "the drift report is a run-level attachment"
    attached = [path.read_text(encoding="utf-8") for path in (project.path / "allure").glob("*.md")]
    assert any("### Drifted, not healed" in text for text in attached)


def allure_step_parameters(results: Path, name: str) -> list[str]:
    """Values of the step parameter ``name`` in every Allure result (steps nested at any depth)."""
    values: list[str] = []

    def visit(steps: list[dict[str, Any]]) -> None:
        for step in steps:
            values.extend(p["value"] for p in step.get("parameters", []) if p["name"] == name)
            visit(step.get("steps", []))

    for path in results.glob("*-result.json"):
        visit(json.loads(path.read_text(encoding="utf-8")).get("steps", []))
    return values


def test_lookalikes_nothing_tells_apart_are_refused_to_the_model(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("same.html", "<p><button>Go</button></p><p><button>Go</button></p>")
    project.case(
        "cases/same.yaml",
        """
        name: same
        url: /same.html
        steps:
          - Press the second go button
        """,
    )
    with OpenAITestServer() as server:
        server.on(
            "Press the second go button", reply.act(reply.click(element("button", "Go", nth=1)))
        )
        result = project.run(
            "--webagent-model=test-model",
            f"--webagent-base-url={server.base_url}",
            "--webagent-answer-retries=1",
        )
        result.assert_outcomes(failed=1)
        corrections = [str(chat.messages[-1]["content"]) for chat in server.chat_requests()][1:]
    assert "elements that nothing tells apart" in failures(result)["same"]
    assert corrections and "elements that nothing tells apart" in corrections[0]
    assert not project.trajectory("cases/same.yaml").exists()
