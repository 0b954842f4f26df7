"""The terminal summary counts every step of the cases that ran, and says counts in words."""

from __future__ import annotations

from pytest_webagent.report.summary import Summary
from pytest_webagent.resolve.planning.llm import Usage
from tests.support.project import WebagentProject
from tests.support.site import StaticSite


def test_steps_that_failed_or_were_not_reached_are_counted(
    project: WebagentProject, site: StaticSite
) -> None:
    path = site.page("p.html", "<button>Go</button><p>Ready</p>")
    project.case(
        "cases/c.yaml",
        f"""
        cases:
          - name: passes
            url: {path}
            steps: [Click "Go"]
          - name: fails at its second step
            url: {path}
            steps:
              - Click "Go"
              - expect: '"Gone" is visible'
              - Click "Go"
              - Click "Go"
        """,
    )

    result = project.run()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["2 cases, 5 steps: 2 passed (2 direct), 1 failed, 2 not reached"])


def test_one_memo_answer_is_one_answer() -> None:
    summary = Summary(cases=1)
    summary.usage.add(Usage(calls=0, memo_hits=1))

    assert "model: 0 calls, 0 prompt + 0 completion tokens, 1 answer from the memo" in (
        summary.lines(pruned=False)
    )
