"""Healing drifted explicit steps, the drift report, the re-plan command as printed, and checks
that cannot fail refused.

Version 2 of the page renames "Save" to "Save changes" (the step's words still find it: healed
directly) and "Send" to "Submit" (they do not: healed by the model, here the test server).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject, recorded_steps
from tests.support.site import StaticSite

LOG = (
    "<p id=log>log:</p>"
    "<script>function log(word) { document.getElementById('log').textContent += ' ' + word }"
    "</script>"
)
CASE = """
name: heal
url: /heal.html
steps:
  - Click the "Save" button
  - Click "Send"
  - expect: '"log: saved sent" is visible'
"""


def write_page(site: StaticSite, save: str, send: str) -> None:
    buttons = f"<button onclick=\"log('saved')\">{save}</button>"
    buttons += f"<button onclick=\"log('sent')\">{send}</button>"
    site.page("heal.html", LOG + buttons)


def failure(result: pytest.RunResult) -> str:
    reports = result.reprec.getfailures()  # type: ignore[attr-defined]
    assert len(reports) == 1
    return str(reports[0].longreprtext)


def rerun_command(report: str) -> list[str]:
    line = next(line for line in report.splitlines() if "re-plan it with: " in line)
    return shlex.split(line.split("re-plan it with: ", 1)[1])


def test_drifted_explicit_steps_heal_directly_then_by_the_model_and_are_reported(
    project: WebagentProject, site: StaticSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_page(site, "Save", "Send")
    project.case("cases/heal.yaml", CASE)
    project.run().assert_outcomes(passed=1)
    step_summary = project.path / "step-summary.md"
    step_summary.write_text("earlier job output\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))

    write_page(site, "Save changes", "Submit")
    # No model: "Save" heals directly, "Send" cannot, and says why, as drift.
    alone = project.run("--webagent-report-md=reports/drift.md")
    alone.assert_outcomes(failed=1)
    report = failure(alone)
    assert "recorded target drifted in case 'heal'" in report
    assert 'step 2: Click "Send"' in report
    assert "target removed" in report
    assert 'recorded: get_by_role("button", name="Send", exact=True) (button "Send"' in report
    assert 'the page now holds: button "Save changes"' in report
    assert "re-resolving it failed: target not found: no element named 'Send'" in report
    alone.stdout.fnmatch_lines(
        [
            "healed after drift (1):",
            "  cases/heal.yaml::heal: step 1 'Click the \"Save\" button': "
            'get_by_role("button", name="Save", exact=True) -> '
            'get_by_role("button", name="Save") (by direct) [case failed: not recorded]',
        ]
    )
    drift_md = (project.path / "reports" / "drift.md").read_text(encoding="utf-8")
    assert "## webagent drift report" in drift_md
    assert "### Healed after drift" in drift_md and "### Drifted, not healed" in drift_md
    assert "re-resolving it failed: target not found" in drift_md
    assert step_summary.read_text(encoding="utf-8").startswith("earlier job output\n")
    assert "## webagent drift report" in step_summary.read_text(encoding="utf-8")

    with OpenAITestServer() as server:
        server.on('Click "Send"', reply.act(reply.click(element("button", "Submit"))))
        model = ("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")
        # Replay mode fails and prints the command that re-plans the case: it works as printed,
        # although the ini file does not switch collection on (--webagent did).
        replay = project.run(*model, "--webagent-mode=replay")
        replay.assert_outcomes(failed=1)
        command = rerun_command(failure(replay))
        assert command[:2] == ["pytest", "--webagent"]
        assert "--webagent-mode" in command and command[-1] == "cases/heal.yaml::heal"
        healed = project.pytester.runpytest_inprocess(*command[1:])
        healed.assert_outcomes(passed=1)
        healed.stdout.fnmatch_lines(
            [
                "1 case, 3 steps: 1 replayed, 2 re-planned after drift",
                "healed after drift (2):",
                '*step 1*get_by_role("button", name="Save") (by direct)',
                '*step 2*get_by_role("button", name="Submit"*) (by model:test-model)',
            ]
        )
        assert [chat.step for chat in server.chat_requests()] == ['Click "Send"']
    steps = recorded_steps(project.trajectory("cases/heal.yaml"))["heal"]
    assert steps[0]["resolved_by"] == "direct"
    assert steps[1]["resolved_by"] == "model:test-model"
    # Appended by each run that met drift: healed alone, failed in replay, healed with the model.
    assert step_summary.read_text(encoding="utf-8").count("## webagent drift report") == 3

    project.run("--webagent-mode=replay").assert_outcomes(passed=1)


def test_checks_that_cannot_fail_are_refused_and_never_recorded(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("greet.html", LOG + "<button onclick=\"log('hello')\">Greet</button>", "Greeter")
    project.case(
        "cases/greet.yaml",
        """
        name: greet
        url: /greet.html
        steps:
          - Greet the visitor
          - expect: the visitor was greeted
        """,
    )
    greet, log = element("button", "Greet"), element("paragraph")
    with OpenAITestServer() as server:
        server.on(
            "Greet the visitor",
            [
                reply.act(reply.click(greet), reply.expect_visible(greet)),
                reply.act(reply.click(greet)),
            ],
        )
        server.on(
            "the visitor was greeted",
            [
                reply.act(reply.expect_url(".*", "regex")),
                reply.act(reply.expect_title("", "contains")),
                reply.act(reply.wait_for(log)),
                reply.act(reply.expect_text("log: hello", log)),
            ],
        )
        result = project.run(
            "--webagent-model=test-model",
            f"--webagent-base-url={server.base_url}",
            "--webagent-answer-retries=3",
        )
        result.assert_outcomes(passed=1)
        corrections = [str(chat.messages[-1]["content"]) for chat in server.chat_requests()]
    said = "\n".join(corrections)
    assert "the element this step just acted on, can never fail" in said
    assert "this expect_url matches any page (regex '.*')" in said
    assert "this expect_title matches any page (contains '')" in said
    assert "wait_for only waits" in said
    steps = recorded_steps(project.trajectory("cases/greet.yaml"))["greet"]
    assert [action["type"] for action in steps[0]["actions"]] == ["click"]
    assert [action["type"] for action in steps[1]["actions"]] == ["expect_text"]


def test_drift_report_is_written_even_when_nothing_drifted(
    project: WebagentProject, site: StaticSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_page(site, "Save", "Send")
    project.case("cases/heal.yaml", CASE)
    step_summary = project.path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    project.run("--webagent-report-md=drift.md").assert_outcomes(passed=1)
    text = Path(project.path / "drift.md").read_text(encoding="utf-8")
    assert "No recorded target drifted (1 case)." in text
    assert not step_summary.exists()  # nothing to say on the run's page


def test_explicit_step_drifting_midway_heals_directly_keeping_what_ran(
    project: WebagentProject, site: StaticSite
) -> None:
    """A model planned the explicit step in two actions; its second target drifts. The direct
    resolver heals it (no model now), and the entry records what ran."""

    def page(test_id: str) -> None:
        start = "<button onclick=\"log('start')\">Start</button>"
        finish = f"<button data-testid={test_id} onclick=\"log('finish')\">Finish</button>"
        site.page("two.html", LOG + start + finish)

    page("finish")
    project.case(
        "cases/two.yaml",
        """
        name: two
        url: /two.html
        steps:
          - Click "Finish"
          - expect: '"log: start finish" is visible'
        """,
    )
    with OpenAITestServer() as server:
        server.on(
            'Click "Finish"',
            [
                reply.act(reply.click(element("button", "Start")), status="continue"),
                reply.act(reply.click(element("button", "Finish"))),
            ],
        )
        server.on("log: start finish", reply.act(reply.expect_text("log: start finish")))
        project.run(
            "--webagent-model=test-model",
            f"--webagent-base-url={server.base_url}",
            "--webagent-resolver=llm",
        ).assert_outcomes(passed=1)
    recorded = recorded_steps(project.trajectory("cases/two.yaml"))["two"][0]
    assert [a["target"]["code"] for a in recorded["actions"]] == [
        'get_by_role("button", name="Start")',
        'get_by_test_id("finish")',
    ]

    page("finish-button")
    healed = project.run()
    healed.assert_outcomes(passed=1)
    healed.stdout.fnmatch_lines(['*get_by_test_id("finish") -> *(by direct)'])
    entry = recorded_steps(project.trajectory("cases/two.yaml"))["two"][0]
    assert entry["resolved_by"] == "direct"
    assert [a["target"]["code"] for a in entry["actions"]] == [
        'get_by_role("button", name="Start")',
        'get_by_role("button", name="Finish", exact=True)',
    ]
