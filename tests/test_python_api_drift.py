"""Drift in Python tests: recorded on demo app v1, run against v2. Replay fails at the Python
line of the drifted ``agent.do(...)`` call; missing mode re-plans only the drifted steps (by the
model for a planned step, by the direct resolver for an explicit one), rewriting only their
entries."""

from __future__ import annotations

import textwrap

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject, recorded_steps
from tests.test_planner import model_flags, script_sign_in

MODULE = """
    from playwright.sync_api import Page

    from pytest_webagent import Agent, webagent


    @webagent.case(
        url="/login.html",
        description="The demo user is alice@example.com with the password wonderland.",
    )
    def test_sign_in(agent: Agent) -> None:
        agent.do("Sign in as the demo user")
        agent.expect('"Welcome, Alice" is visible')


    def test_add_todo(page: Page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "Buy milk"')
        agent.do('Click the "Add" button')
        agent.expect('"1 item left" is visible')
    """


def line_of(text: str) -> int:
    lines = textwrap.dedent(MODULE).lstrip("\n").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_python_steps_drift_like_yaml_steps(
    demo_project: WebagentProject, demo_v2_url: str
) -> None:
    project = demo_project
    project.case("test_drifting.py", MODULE)
    module = project.path / "test_drifting.py"
    trajectory = project.path / "__trajectories__" / "test_drifting.py.json"
    with OpenAITestServer() as server:
        script_sign_in(server)
        model = model_flags(server)
        project.run(*model).assert_outcomes(passed=2)
        before = recorded_steps(trajectory)
        recorded = trajectory.read_bytes()
        sign_in_click = before["test_sign_in"][0]["actions"][2]["target"]["code"]
        assert sign_in_click == 'get_by_test_id("sign-in")'

        project.base_url = demo_v2_url
        project.write_ini()
        server.reset()
        replay = project.run(*model, "--webagent-mode=replay")

        replay.assert_outcomes(failed=2)
        assert server.requests == []
        assert trajectory.read_bytes() == recorded
        failed = {
            report.nodeid.split("::")[1]: report.longreprtext
            for report in replay.reprec.getfailures()  # type: ignore[attr-defined]
        }
        sign_in = failed["test_sign_in[chromium]"]
        where = f"{module}:{line_of('Sign in as the demo user')}"
        assert f"{where}: recorded target drifted in case 'test_sign_in'" in sign_in
        assert f"recorded: {sign_in_click}" in sign_in and "target removed" in sign_in
        assert '>       agent.do("Sign in as the demo user")' in sign_in
        add = failed["test_add_todo[chromium]"]
        where = f"{module}:{line_of('Click the')}"
        assert f"{where}: recorded target drifted in case 'test_add_todo'" in add
        assert 'the page now holds: button "Add todo"' in add

        # On v2 the model finds the sign-in button by role and name; it is asked only about the
        # step that drifted, with the actions that still replayed.
        server.on("Sign in as the demo user", reply.act(reply.click(element("button", "Sign in"))))
        healed = project.run(*model)

        healed.assert_outcomes(passed=2)
        healed.stdout.fnmatch_lines(
            ["2 cases, 5 steps: 3 replayed, 2 re-planned after drift", "model: 1 call, *"]
        )
        (asked,) = server.chat_requests()
        assert asked.step == "Sign in as the demo user"
        assert "this step (replayed): fill" in asked.messages[1]["content"]
    after = recorded_steps(trajectory)
    assert [e["text"] for e in after["test_sign_in"]] == [e["text"] for e in before["test_sign_in"]]
    changed = [
        (test, old["text"])
        for test, steps in before.items()
        for old, new in zip(steps, after[test], strict=True)
        if old != new
    ]
    assert sorted(changed) == [
        ("test_add_todo", 'Click the "Add" button'),
        ("test_sign_in", "Sign in as the demo user"),
    ]
    click = after["test_sign_in"][0]["actions"][2]["target"]
    assert click["signature"]["test_id"] == "login-submit"
    assert after["test_add_todo"][1]["actions"][0]["target"]["signature"]["name"] == "Add todo"
