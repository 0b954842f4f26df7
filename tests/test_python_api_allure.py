"""Allure results of Python tests have the shape of a YAML case's: the same steps (one per
natural-language step, actions nested, resolution as a parameter, the same attachments), the same
failure attachments, and failed (not broken) when a step does not hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.project import WebagentProject
from tests.support.site import StaticSite
from tests.test_allure import PAGE, parameters

CASES = """
    cases:
      - name: yaml
        url: /search.html
        steps:
          - Fill "Search" with "apples"
          - Click "Go"
          - expect: '"Found: apples" is visible'
      - name: yaml fails
        url: /search.html
        steps:
          - Click "Go"
          - expect: '"Found: pears" is visible'
    """
MODULE = """
    from pytest_webagent import Agent, webagent

    STEPS = ['Fill "Search" with "apples"', 'Click "Go"', {"expect": '"Found: apples" is visible'}]


    @webagent.case("declared", url="/search.html", steps=STEPS)
    def test_declared() -> None:
        pass


    @webagent.case("body", url="/search.html")
    def test_body(agent: Agent) -> None:
        agent.do('Fill "Search" with "apples"')
        agent.page.get_by_role("button", name="Go").focus()  # plain Playwright in between
        agent.do('Click "Go"')
        agent.expect('"Found: apples" is visible')


    @webagent.case(from_file="cases/search.yaml", name="yaml")
    def test_from_file() -> None:
        pass


    def test_bare(page, agent: Agent) -> None:
        page.goto("/search.html")
        agent.do('Fill "Search" with "apples"')
        agent.do('Click "Go"')
        agent.expect('"Found: apples" is visible')


    def test_plain(page) -> None:  # no agent: allure-pytest's labels alone
        page.goto("/search.html")


    @webagent.case("python fails", url="/search.html")
    def test_fails(agent: Agent) -> None:
        agent.do('Click "Go"')
        agent.expect('"Found: pears" is visible')
    """


def shape(step: dict[str, Any], allure_dir: Path) -> dict[str, Any]:
    """What a step shows, without times and ids: name, status, parameters, attachments (name,
    type and, for JSON, content), and its nested steps."""
    attachments = []
    for attachment in step.get("attachments", []):
        content = None
        if attachment["type"] == "application/json":
            content = json.loads((allure_dir / attachment["source"]).read_text(encoding="utf-8"))
        attachments.append((attachment["name"], attachment["type"], content))
    return {
        "name": step["name"],
        "status": step["status"],
        "parameters": parameters(step),
        "attachments": attachments,
        "steps": [shape(child, allure_dir) for child in step.get("steps", [])],
    }


def result_of(allure_dir: Path, ending: str) -> dict[str, Any]:
    for path in allure_dir.glob("*-result.json"):
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data["fullName"].endswith(ending):
            return data
    raise AssertionError(f"no Allure result whose full name ends with {ending!r}")


def test_python_tests_report_the_steps_of_a_yaml_case(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    site.page("search.html", PAGE)
    project.case("cases/search.yaml", CASES)
    project.case("test_search.py", MODULE)
    allure_dir = tmp_path / "allure-results"

    project.run(f"--alluredir={allure_dir}").assert_outcomes(passed=6, failed=2)

    reference = [shape(step, allure_dir) for step in result_of(allure_dir, "#yaml")["steps"]]
    assert [step["name"] for step in reference] == [
        'Fill "Search" with "apples"',
        'Click "Go"',
        'assertion: "Found: apples" is visible',
    ]
    assert reference[0]["parameters"] == {"resolution": "direct"}
    assert reference[0]["attachments"][0][:2] == ("actions", "application/json")
    for test in ("test_declared", "test_body", "test_from_file", "test_bare"):
        result = result_of(allure_dir, f"#{test}")
        assert result["status"] == "passed"
        assert [shape(step, allure_dir) for step in result["steps"]] == reference, test
        assert "final page" in {a["name"] for a in result["attachments"]}
        assert {"mode": "missing", "browser_name": "chromium"}.items() <= parameters(result).items()
    # The title is pytest's item name, with a declared case's name in place of the function's.
    assert result_of(allure_dir, "#test_declared")["name"] == "declared[chromium]"
    assert result_of(allure_dir, "#test_bare")["name"] == "test_bare[chromium]"
    assert result_of(allure_dir, "#yaml")["name"] == "yaml"

    yaml_failure = result_of(allure_dir, "#yaml fails")
    python_failure = result_of(allure_dir, "#test_fails")
    for failed in (yaml_failure, python_failure):
        assert failed["status"] == "failed"  # an assertion, not "broken"
        assert "target not found" in failed["statusDetails"]["message"]
        assert {"page at failure", "ARIA snapshot at failure"} <= {
            a["name"] for a in failed["attachments"]
        }
    assert [shape(s, allure_dir) for s in python_failure["steps"]] == [
        shape(s, allure_dir) for s in yaml_failure["steps"]
    ]


def labels_of(result: dict[str, Any]) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result["labels"] if "suite" in label["name"]}


def test_one_label_scheme_and_a_history_id_that_ignores_how_the_case_ran(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    site.page("search.html", PAGE)
    project.case("cases/search.yaml", CASES)
    project.case("test_search.py", MODULE)
    first, second = tmp_path / "first", tmp_path / "replayed"
    only = ["-k", "declared or bare or plain or (yaml and not fails)"]

    project.run(f"--alluredir={first}", *only).assert_outcomes(passed=4)
    project.run(f"--alluredir={second}", "--webagent-mode=replay", *only).assert_outcomes(passed=4)

    module = {
        end: result_of(first, f"#{end}") for end in ("test_declared", "test_bare", "test_plain")
    }
    # Every test of a Python module in the same suite, whether it uses the agent or not.
    assert {labels_of(result)["suite"] for result in module.values()} == {"test_search"}
    assert labels_of(result_of(first, "#yaml"))["suite"] == "search"  # file name, as for modules
    for result in [*module.values(), result_of(first, "#yaml")]:
        names = [p["name"] for p in result.get("parameters", [])]
        assert names.count("browser_name") == 1 and "browser" not in names, names
    # mode (and model) say how the case ran: excluded from the history id, so the same test
    # keeps its history in replay.
    mode = next(p for p in result_of(first, "#yaml")["parameters"] if p["name"] == "mode")
    assert mode.get("excluded") is True
    for end in ("test_declared", "test_bare", "yaml"):
        assert result_of(first, f"#{end}")["historyId"] == result_of(second, f"#{end}")["historyId"]
