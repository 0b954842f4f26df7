"""Allure results of a run: one step per natural-language step, nested actions, resolution,
labels and links, attachments, and failed (not broken) for assertion failures."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

PAGE = """
<label for=q>Search</label><input id=q>
<button onclick="document.querySelector('p').textContent='Found: ' + q.value">Go</button>
<p>Nothing yet</p>
"""


def results(directory: Path) -> dict[str, dict[str, Any]]:
    """The test results in an Allure results folder, by test name."""
    found = {}
    for path in directory.glob("*-result.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["name"]] = data
    return found


def parameters(node: dict[str, Any]) -> dict[str, str]:
    """Parameter values as given (Allure writes test parameters as Python reprs: 'apples')."""

    def plain(value: str) -> str:
        quoted = len(value) >= 2 and value[0] == value[-1] == "'"
        return value[1:-1] if quoted else value

    return {p["name"]: plain(p["value"]) for p in node.get("parameters", [])}


def test_steps_actions_resolution_labels_and_statuses(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    path = site.page("search.html", PAGE)
    project.case(
        "cases/search.yaml",
        f"""
        cases:
          - name: search works
            description: Searching shows what was typed.
            url: {path}
            tags: [smoke]
            feature: Search
            severity: critical
            owner: qa-team
            links:
              - {{url: "https://tracker.example/ISSUE-7", name: ISSUE-7, type: issue}}
            parametrize:
              term: [apples]
            steps:
              - Fill "Search" with "{{{{ term }}}}"
              - Click "Go"
              - expect: '"Found: apples" is visible'
          - name: a wrong expectation fails
            url: {path}
            steps:
              - Click "Go"
              - expect: "Found: pears"
        """,
    )
    allure_dir = tmp_path / "allure-results"
    project.run(f"--alluredir={allure_dir}").assert_outcomes(passed=1, failed=1)
    by_name = results(allure_dir)

    passed = by_name["search works[apples]"]
    assert passed["status"] == "passed"
    assert passed["description"] == "Searching shows what was typed."
    labels = {(label["name"], label["value"]) for label in passed["labels"]}
    assert {("feature", "Search"), ("severity", "critical"), ("owner", "qa-team")} <= labels
    assert ("tag", "smoke") in labels
    assert {("parentSuite", "cases"), ("suite", "search")} <= labels  # allure-pytest's scheme
    assert {"url": "https://tracker.example/ISSUE-7", "name": "ISSUE-7", "type": "issue"} in passed[
        "links"
    ]
    assert {"term": "apples", "mode": "missing", "browser_name": "chromium"}.items() <= parameters(
        passed
    ).items()
    steps = passed["steps"]
    assert [step["name"] for step in steps] == [
        'Fill "Search" with "apples"',
        'Click "Go"',
        'assertion: "Found: apples" is visible',
    ]
    assert all(parameters(step)["resolution"] == "direct" for step in steps)
    assert [child["name"] for child in steps[0]["steps"]] == [
        'fill get_by_role("textbox", name="Search", exact=True) value=\'apples\''
    ]
    assert steps[1]["steps"][0]["name"].startswith('click get_by_role("button", name="Go"')
    actions = [a for a in steps[0]["attachments"] if a["name"] == "actions"]
    assert actions and actions[0]["type"] == "application/json"
    attached = json.loads((allure_dir / actions[0]["source"]).read_text(encoding="utf-8"))
    assert attached[0]["type"] == "fill" and attached[0]["value"] == "{{ term }}"
    assert any(
        a["name"] == "final page" and a["type"] == "image/png" for a in passed["attachments"]
    )

    failed = by_name["a wrong expectation fails"]
    assert failed["status"] == "failed"  # an assertion, not "broken"
    assert "check failed" in failed["statusDetails"]["message"]
    assert [step["status"] for step in failed["steps"]] == ["passed", "failed"]
    failure_attachments = {a["name"]: a for a in failed["attachments"]}
    assert failure_attachments["page at failure"]["type"] == "image/png"
    snapshot = allure_dir / failure_attachments["ARIA snapshot at failure"]["source"]
    assert 'button "Go"' in snapshot.read_text(encoding="utf-8")
    png = allure_dir / failure_attachments["page at failure"]["source"]
    assert png.read_bytes().startswith(b"\x89PNG")


def test_replayed_steps_say_so(project: WebagentProject, site: StaticSite, tmp_path: Path) -> None:
    path = site.page("search.html", PAGE)
    project.case("cases/s.yaml", f'name: s\nurl: {path}\nsteps: [Click "Go"]\n')
    project.run().assert_outcomes(passed=1)
    allure_dir = tmp_path / "replayed"
    project.run(f"--alluredir={allure_dir}").assert_outcomes(passed=1)
    (result,) = results(allure_dir).values()
    assert parameters(result["steps"][0])["resolution"] == "replayed"


def test_without_alluredir_nothing_is_written(project: WebagentProject, site: StaticSite) -> None:
    path = site.page("search.html", PAGE)
    project.case("cases/s.yaml", f'name: s\nurl: {path}\nsteps: [Click "Go"]\n')
    project.run().assert_outcomes(passed=1)
    assert not list(project.path.rglob("*-result.json"))


def test_planned_steps_attach_the_model_exchange_and_screenshots_follow_the_setting(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    from pytest_webagent.testing import OpenAITestServer, element, reply

    path = site.page("search.html", PAGE)
    project.case("cases/s.yaml", f"name: s\nurl: {path}\nsteps: [Press the search button]\n")
    allure_dir = tmp_path / "planned"
    with OpenAITestServer(model="test-model") as server:
        server.on("search button", reply.act(reply.click(element("button", "Go"))))
        project.run(
            f"--alluredir={allure_dir}",
            "--webagent-model=test-model",
            f"--webagent-base-url={server.base_url}",
            "--webagent-screenshots=on",
        ).assert_outcomes(passed=1)
    (result,) = results(allure_dir).values()
    (step,) = result["steps"]
    assert parameters(step)["resolution"] == "planned"
    assert parameters(step)["model"].startswith("requests: 1, tokens: ")
    (model,) = [p for p in result["parameters"] if p["name"] == "model"]
    assert model["value"] == "'test-model'" and model["excluded"] is True  # not in the history id
    attachments = {a["name"]: a for a in step["attachments"]}
    request = (allure_dir / attachments["model request 1"]["source"]).read_text(encoding="utf-8")
    assert "STEP: Press the search button" in request and 'button "Go"' in request
    answer = json.loads((allure_dir / attachments["model answer 1"]["source"]).read_text())
    assert answer["actions"][0]["type"] == "click"
    assert attachments["page after the step"]["type"] == "image/png"
    # "on" puts a screenshot in every step instead of one of the final page
    assert "final page" not in {a["name"] for a in result.get("attachments", [])}


def test_tool_errors_are_broken_not_failed(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    path = site.page("search.html", PAGE)
    project.case("cases/s.yaml", f'name: s\nurl: {path}\nsteps: [Click "Go"]\n')
    trajectory = project.trajectory("cases/s.yaml")
    trajectory.parent.mkdir()
    trajectory.write_text('{"version": 1, "cases": ', encoding="utf-8")  # truncated
    allure_dir = tmp_path / "broken"
    project.run(f"--alluredir={allure_dir}").assert_outcomes(failed=1)
    (result,) = results(allure_dir).values()
    assert result["status"] == "broken"
    assert "unreadable trajectory file" in result["statusDetails"]["message"]


def test_the_trace_of_a_failed_case_is_attached_when_tracing_is_on(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    path = site.page("search.html", PAGE)
    project.case(
        "cases/t.yaml",
        f"""
        cases:
          - name: passes
            url: {path}
            steps: [Click "Go"]
          - name: fails
            url: {path}
            steps:
              - expect: "Found: pears"
        """,
    )
    allure_dir = tmp_path / "traced"

    result = project.run(f"--alluredir={allure_dir}", "--tracing=retain-on-failure")

    result.assert_outcomes(passed=1, failed=1)
    by_name = results(allure_dir)
    assert not [a for a in by_name["passes"]["attachments"] if a["name"] == "Playwright trace"]
    (trace,) = [a for a in by_name["fails"]["attachments"] if a["name"] == "Playwright trace"]
    assert trace["type"] == "application/vnd.allure.playwright-trace"
    with zipfile.ZipFile(allure_dir / trace["source"]) as archive:
        assert "Found: pears" in archive.read("trace.trace").decode()
