"""End-to-end planning: the plugin, a real Chromium and the real openai client over HTTP against
the scriptable test server (``pytest_webagent.testing``). Issue 3.

Also the recorder of ``examples/cases/__trajectories__/high_level.yaml.json``::

    python -m tests.test_planner      # from the repository root
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from pytest_webagent.testing import ChatRequest, OpenAITestServer, element, reply
from tests.support.project import WebagentProject

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "cases"
HIGH_LEVEL = "high_level.yaml"
API_KEY = "sk-planner-tests-0123456789"

# Every inner run reports the class of what a failing case raised: StepFailed and its subclasses
# must be AssertionErrors (Allure shows anything else as "broken", not "failed").
EXCEPTION_PROBE = """
import pytest

RAISED = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and call.excinfo is not None:
        assertion = call.excinfo.errisinstance(AssertionError)
        RAISED.append(f"{item.name}: {call.excinfo.typename} assertion={assertion}")
    return report


def pytest_terminal_summary(terminalreporter):
    for line in RAISED:
        terminalreporter.write_line("raised " + line)
"""


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        yield started


def spy_on_clients(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The inner test during which each ``openai.OpenAI`` client was built (a spy, not a mock)."""
    built: list[str] = []

    class Spy(openai.OpenAI):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(os.environ.get("PYTEST_CURRENT_TEST", ""))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(openai, "OpenAI", Spy)
    return built


@pytest.fixture
def openai_clients(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return spy_on_clients(monkeypatch)


def model_flags(server: OpenAITestServer, *extra: str) -> list[str]:
    return [
        "--webagent-model=test-model",
        f"--webagent-base-url={server.base_url}",
        f"--webagent-api-key={API_KEY}",
        *extra,
    ]


def asked(server: OpenAITestServer, step: str) -> list[ChatRequest]:
    return [chat for chat in server.chat_requests() if chat.step == step]


def entries(trajectory: Path, case: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = json.loads(trajectory.read_text())["cases"][case]["steps"]
    return steps


SIGN_IN = """
    name: sign in
    description: The demo user is alice@example.com with the password wonderland.
    url: /login.html
    steps:
      - Sign in as the demo user
      - expect: the dashboard greets Alice
      - expect: we are on the dashboard
    """


def test_multi_action_step_and_expect_are_recorded_then_replayed_without_a_model(
    demo_project: WebagentProject, server: OpenAITestServer, openai_clients: list[str]
) -> None:
    script_sign_in(server)
    server.on(
        "greets Alice",
        reply.act(
            reply.expect_visible(element("heading", "Dashboard")),
            reply.expect_text("Welcome, Alice"),
        ),
    )
    server.on(
        "on the dashboard",
        reply.act(reply.expect_url("/dashboard.html"), reply.expect_title("Dashboard")),
    )
    demo_project.case("cases/sign_in.yaml", SIGN_IN)

    first = demo_project.run(*model_flags(server))

    first.assert_outcomes(passed=1)
    sign_in = asked(server, "Sign in as the demo user")
    assert len(sign_in) == 2 and len(server.chat_requests()) == 4
    # The second question shows what this step already did and the page that resulted.
    assert (
        'this step: fill get_by_role("textbox", name="Email")' in sign_in[1].messages[1]["content"]
    )
    assert sign_in[1].snapshot is not None and "alice@example.com" in sign_in[1].snapshot
    first.stdout.fnmatch_lines(["1 case, 3 steps: 3 planned", "model: 4 calls, *"])
    recorded = entries(demo_project.trajectory("cases/sign_in.yaml"), "sign in")
    assert [[a["type"] for a in e["actions"]] for e in recorded] == [
        ["fill", "fill", "click"],
        ["expect_visible", "expect_text"],
        ["expect_url", "expect_title"],
    ]
    assert {e["resolved_by"] for e in recorded} == {"model:test-model"}
    assert [e["kind"] for e in recorded] == ["action", "assertion", "assertion"]
    click = recorded[0]["actions"][2]["target"]
    assert click["code"] == 'get_by_test_id("sign-in")' and click["signature"]["name"] == "Sign in"
    assert recorded[1]["actions"][0]["target"]["code"] == 'get_by_role("heading", name="Dashboard")'
    assert "ref" not in json.dumps(recorded)  # refs die with their snapshot: never recorded
    assert len(openai_clients) == 1

    again = demo_project.run(*model_flags(server))

    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["1 case, 3 steps: 3 replayed", "model: 0 calls, *"])
    assert len(server.chat_requests()) == 4
    assert len(openai_clients) == 1  # replay never builds a client


JUDGE_AND_NO_MATCH = """
    cases:
      - name: judged true
        url: /login.html
        steps:
          - judge: the page invites the visitor to sign in
      - name: judged false
        url: /login.html
        steps:
          - judge: the page shows a shopping basket
      - name: nothing matches
        url: /login.html
        steps:
          - Open the shopping basket
    """


def test_judge_verdicts_and_no_match_are_assertions_asked_at_every_run(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    server.on("invites the visitor", reply.verdict("pass", "a sign-in form is shown"), kind="judge")
    server.on(
        "shopping basket",
        reply.verdict("fail", "there is no basket on the sign-in page"),
        kind="judge",
    )
    server.on("Open the shopping basket", reply.no_match("no basket link or button on the page"))
    demo_project.pytester.makeconftest(EXCEPTION_PROBE)
    trajectory = demo_project.trajectory("cases/judge.yaml")
    demo_project.case("cases/judge.yaml", JUDGE_AND_NO_MATCH)

    for run in (1, 2):
        result = demo_project.run(*model_flags(server))

        result.assert_outcomes(passed=1, failed=2)
        result.stdout.fnmatch_lines(
            [
                "*judged false in case 'judged false'*",
                "*step 1: judge: the page shows a shopping basket",
                "*the model judged the statement false: there is no basket on the sign-in page",
                "*judged by model 'test-model' at http://127.0.0.1:*/v1; judge steps are not *",
            ]
        )
        result.stdout.fnmatch_lines(
            [
                "*target not found in case 'nothing matches'*",
                "*step 1: Open the shopping basket",
                "*the model found nothing on the page for this step: no basket link or button on *",
            ]
        )
        result.stdout.fnmatch_lines_random(
            [
                "raised judged false: JudgedFalse assertion=True",
                "raised nothing matches: TargetNotFound assertion=True",
            ]
        )
        # Verdicts are never memoised nor recorded, and a failure is not remembered either.
        assert len(asked(server, "the page invites the visitor to sign in")) == run
        assert len(asked(server, "the page shows a shopping basket")) == run
        assert len(asked(server, "Open the shopping basket")) == run
        assert not trajectory.exists()


TODO_WITH_JUDGE = """
    name: one todo
    url: /todos.html
    steps:
      - Add a todo called Buy milk
      - expect: the list shows one todo
      - judge: the list looks tidy
    """


def test_memo_makes_replanning_an_unchanged_page_free_but_judges_are_asked_again(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    server.on(
        "Add a todo called Buy milk",
        [
            reply.act(reply.click(reply.unknown_ref())),  # invalid: sent back with the error
            reply.act(
                reply.fill(element("textbox", "New todo"), "Buy milk"),
                reply.click(element("button", "Add")),
            ),
        ],
    )
    server.on(
        "shows one todo",
        reply.act(
            reply.expect_count(element("list", "Todo list"), 1, role="listitem"),
            reply.expect_text("1 item left", element("status")),
        ),
    )
    server.on("looks tidy", reply.verdict("pass", "one short item"), kind="judge")
    demo_project.case("cases/todo.yaml", TODO_WITH_JUDGE)

    first = demo_project.run(*model_flags(server, "--webagent-mode=refresh"))

    first.assert_outcomes(passed=1)
    first.stdout.fnmatch_lines(["model: 4 calls, * 0 answers from the memo"])
    correction = asked(server, "Add a todo called Buy milk")[1].messages
    assert [m["role"] for m in correction] == ["system", "user", "assistant", "user"]
    assert "ref 'e1000' is not in the latest snapshot" in correction[3]["content"]

    second = demo_project.run(*model_flags(server, "--webagent-mode=refresh"))

    second.assert_outcomes(passed=1)
    second.stdout.fnmatch_lines(
        ["1 case, 3 steps: 2 planned, 1 judged", "model: 1 call, * 2 answers from the memo"]
    )
    assert len(server.chat_requests()) == 5
    assert [chat.kind for chat in server.chat_requests()[4:]] == ["judge"]


RESOLVED_BY_MODEL = """
    name: explicit steps
    url: /todos.html
    steps:
      - Fill "New todo" with "Buy milk"
      - Click the "Add" button
      - expect: '"1 item left" is visible'
    """


def test_resolver_llm_sends_explicit_steps_to_the_model(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    server.on("Fill", reply.act(reply.fill(element("textbox", "New todo"), "Buy milk")))
    server.on("Click", reply.act(reply.click(element("button", "Add"))))
    server.on("item left", reply.act(reply.expect_text("1 item left")))
    demo_project.case("cases/explicit.yaml", RESOLVED_BY_MODEL)

    result = demo_project.run(*model_flags(server, "--webagent-resolver=llm"))

    result.assert_outcomes(passed=1)
    assert [chat.step for chat in server.chat_requests()] == [
        'Fill "New todo" with "Buy milk"',
        'Click the "Add" button',
        '"1 item left" is visible',
    ]
    recorded = entries(demo_project.trajectory("cases/explicit.yaml"), "explicit steps")
    assert {entry["resolved_by"] for entry in recorded} == {"model:test-model"}


def test_resolver_direct_fails_non_explicit_steps_without_a_model(
    demo_project: WebagentProject, server: OpenAITestServer, openai_clients: list[str]
) -> None:
    demo_project.case(
        "cases/mixed.yaml",
        f"""
        cases:
          - {RESOLVED_BY_MODEL.strip().replace(chr(10), chr(10) + "        ")}
          - name: high level
            url: /todos.html
            steps:
              - Add a todo called Buy milk
        """,
    )

    result = demo_project.run(*model_flags(server, "--webagent-resolver=direct"))

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*step cannot be resolved in case 'high level'*",
            "*this step is not explicit and webagent_resolver is 'direct'",
            '*hint: quote targets and values, e.g. Click "Sign in"',
        ]
    )
    assert server.requests == [] and openai_clients == []


# -- examples/cases/high_level.yaml ------------------------------------------------------------


def script_sign_in(server: OpenAITestServer) -> None:
    """Two rounds for one step: fill the form ("continue"), then submit it ("done")."""
    server.on(
        "Sign in as the demo user",
        [
            reply.act(
                reply.fill(element("textbox", "Email"), "alice@example.com"),
                reply.fill(element("textbox", "Password"), "wonderland"),
                status="continue",
                reason="fill in the demo account from the case goal",
            ),
            reply.act(reply.click(element("button", "Sign in")), reason="submit the sign-in form"),
        ],
    )


def script_high_level(server: OpenAITestServer) -> None:
    """What a good model answers for the steps of ``examples/cases/high_level.yaml``."""
    script_sign_in(server)
    server.on(
        "greets Alice by name",
        reply.act(
            reply.expect_url("/dashboard.html"),
            reply.expect_text("Welcome, Alice"),
            reason="the dashboard shows the greeting",
        ),
    )
    server.on("Sign out", reply.act(reply.click(element("button", "Sign out"))))
    server.on(
        "sign-in form is shown again",
        reply.act(
            reply.expect_title("Sign in"),
            reply.expect_visible(element("button", "Sign in")),
        ),
    )
    server.on(
        "Add the todos",
        [
            reply.act(
                reply.fill(element("textbox", "New todo"), "Buy milk"),
                reply.click(element("button", "Add")),
                status="continue",
                reason="first todo",
            ),
            reply.act(
                reply.fill(element("textbox", "New todo"), "Walk the dog"),
                reply.press("Enter", element("textbox", "New todo")),
                reason="second todo",
            ),
        ],
    )
    server.on(
        "exactly two todos",
        reply.act(reply.expect_count(element("list", "Todo list"), 2, role="listitem")),
    )
    server.on("2 items are left", reply.act(reply.expect_text("2 items left")))
    server.on(
        'Add a todo "Water the plants"',
        reply.act(
            reply.fill(element("textbox", "New todo"), "Water the plants"),
            reply.press("Enter", element("textbox", "New todo")),
        ),
    )
    server.on("as done", reply.act(reply.check(element("checkbox", "Complete Water the plants"))))
    server.on("no todo is left", reply.act(reply.expect_text("0 items left")))


HIGH_LEVEL_STEPS = 10


def without_timestamps(trajectory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(trajectory.read_text())
    for case in data["cases"].values():
        for entry in case["steps"]:
            entry.pop("resolved_at")
    return data


def copy_high_level_example(project: WebagentProject) -> Path:
    (project.path / "cases" / "__trajectories__").mkdir(parents=True)
    shutil.copy(EXAMPLES / HIGH_LEVEL, project.path / "cases" / HIGH_LEVEL)
    recorded = project.trajectory(f"cases/{HIGH_LEVEL}")
    shutil.copy(EXAMPLES / "__trajectories__" / f"{HIGH_LEVEL}.json", recorded)
    return recorded


def test_high_level_example_replays_offline_and_replans_to_its_committed_trajectory(
    demo_project: WebagentProject, server: OpenAITestServer, openai_clients: list[str]
) -> None:
    trajectory = copy_high_level_example(demo_project)
    committed = without_timestamps(trajectory)
    script_high_level(server)

    replayed = demo_project.run("--webagent-mode=replay", *model_flags(server))

    replayed.assert_outcomes(passed=3)
    replayed.stdout.fnmatch_lines(
        [f"3 cases, {HIGH_LEVEL_STEPS} steps: {HIGH_LEVEL_STEPS} replayed"]
    )
    assert server.requests == [] and openai_clients == []

    replanned = demo_project.run("--webagent-mode=refresh", *model_flags(server))

    replanned.assert_outcomes(passed=3)
    replanned.stdout.fnmatch_lines(
        [f"3 cases, {HIGH_LEVEL_STEPS} steps: {HIGH_LEVEL_STEPS} planned"]
    )
    assert len(server.chat_requests()) == HIGH_LEVEL_STEPS + 2  # two steps take two rounds
    assert {chat.kind for chat in server.chat_requests()} == {"action", "assertion"}
    assert without_timestamps(trajectory) == committed


def record_high_level_example() -> int:
    """Re-record the committed trajectory of the example with the answers scripted above."""
    with OpenAITestServer() as model, tempfile.TemporaryDirectory() as store:
        script_high_level(model)
        return pytest.main(
            [
                *("--webagent", str(EXAMPLES / HIGH_LEVEL), "-p", "no:cacheprovider"),
                *("--webagent-mode=refresh", f"--webagent-cache-dir={store}"),
                *model_flags(model),
            ]
        )


if __name__ == "__main__":
    sys.exit(record_high_level_example())
