"""Secrets in Python tests: ``{{ secrets.NAME }}`` in an agent call or a declared step reaches the
browser as its value and no artefact of the run (trajectory, store, Allure, junit XML, terminal)
as anything but the placeholder; a missing secret fails at the line that uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.security.artefacts import leaks, run_artefacts
from tests.security.test_secrets import ACCOUNT, PASSWORD
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

MODULE = """
    from pytest_webagent import Agent, webagent


    def test_saves(page, agent: Agent) -> None:
        page.goto("/account.html")
        agent.do('Fill "Password" with "{{ secrets.PASSWORD }}"')
        agent.do('Click "Save"')
        agent.expect('"Saved for {{ secrets.PASSWORD }}"')


    @webagent.case(url="/account.html", steps=['Fill "Password" with "{{ secrets.PASSWORD }}"'])
    def test_failing_check_quotes_the_secret(agent: Agent) -> None:
        agent.expect('"Token" has value "{{ secrets.PASSWORD }}"')


    def test_missing_secret(page, agent: Agent) -> None:
        page.goto("/account.html")
        agent.do('Fill "Token" with "{{ secrets.NOT_SET }}"')
    """


def test_secrets_in_python_steps_reach_the_browser_and_no_artefact(
    project: WebagentProject, site: StaticSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_PASSWORD", PASSWORD)
    site.page("account.html", ACCOUNT)
    project.case("test_account.py", MODULE)

    result = project.run(
        f"--alluredir={project.path / 'allure-results'}",
        f"--junitxml={project.path / 'junit.xml'}",
        "--webagent-screenshots=off",
    )

    result.assert_outcomes(passed=1, failed=2)
    trajectory = project.path / "__trajectories__" / "test_account.py.json"
    saved = json.loads(trajectory.read_text(encoding="utf-8"))["cases"]["test_saves"]["steps"]
    assert saved[0]["actions"][0]["value"] == "{{ secrets.PASSWORD }}"
    output = result.stdout.str()
    assert "check failed in case 'test_failing_check_quotes_the_secret'" in output
    line = 1 + MODULE.lstrip("\n").splitlines().index(
        '        agent.do(\'Fill "Token" with "{{ secrets.NOT_SET }}"\')'
    )
    assert (
        "MissingSecretError: case 'test_missing_secret' needs secrets that have no value: "
        "{{ secrets.NOT_SET }} (not set)"
    ) in output
    assert (
        "missing secret {{ secrets.NOT_SET }} is not set: set the environment variable "
        "WEBAGENT_SECRET_NOT_SET or provide it from the webagent_secrets fixture; needed by 1 case"
    ) in output
    assert (
        f"  {project.path / 'test_account.py'}:{line} "
        "(test_account.py::test_missing_secret[chromium])"
    ) in output
    assert leaks(run_artefacts(result, project.path, None), [PASSWORD]) == []
