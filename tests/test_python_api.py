"""The Python API (issue 6): ``@webagent.case`` in its three forms and the ``agent`` fixture, run
by pytester against the demo app, planned steps answered by the test server. Each form records on
the first run and replays with zero model requests on the next; parametrize ids become trajectory
keys; stale entries are judged only for Python tests that ran to their end; xdist merges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject, recorded_steps
from tests.test_planner import model_flags, script_sign_in

SHARED_CASES = """
    cases:
      - name: sign in
        url: /login.html
        tags: [auth]
        steps:
          - Fill "Email" with "alice@example.com"
          - Fill "Password" with "wonderland"
          - Click the "Sign in" button
          - expect: '"Welcome, Alice" is visible'

      - name: wrong password is rejected
        url: /login.html
        tags: [auth]
        usefixtures: [remember_me]
        parametrize:
          - {id: typo, password: wonderlnd}
          - {id: wrong-case, password: Wonderland}
        steps:
          - Fill "Email" with "alice@example.com"
          - Fill "Password" with "{{ password }}"
          - Click the "Sign in" button
          - expect: '"Invalid email or password" is visible'
    """

FORMS = """
    import re

    from playwright.sync_api import Page, expect

    from pytest_webagent import Agent, webagent


    @webagent.case(
        "sign in and see the dashboard",
        url="/login.html",
        description="The demo user is alice@example.com with the password wonderland.",
        steps=[
            "Sign in as the demo user",
            {"expect": '"Welcome, Alice" is visible'},
        ],
    )
    def test_declared_steps(page: Page) -> None:
        expect(page).to_have_url(re.compile("/dashboard.html$"))


    @webagent.case(url="/todos.html")
    def test_body_steps(page: Page, agent: Agent) -> None:
        agent.do("Add a todo called Buy milk")
        page.get_by_label("New todo").fill("Walk the dog")
        page.keyboard.press("Enter")
        agent.expect('"2 items left" is visible')


    @webagent.case(from_file="shared/cases.yaml", name="sign in")
    def test_from_file(page: Page) -> None:
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()


    def test_bare_fixture(page: Page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "Buy milk"')
        agent.do('Press "Enter"')
        agent.expect('"1 item left" is visible')
    """


def texts(path: Path) -> dict[str, list[str]]:
    return {
        name: [entry["text"] for entry in steps] for name, steps in recorded_steps(path).items()
    }


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        script_sign_in(started)
        started.on(
            "Add a todo called Buy milk",
            reply.act(
                reply.fill(element("textbox", "New todo"), "Buy milk"),
                reply.click(element("button", "Add")),
            ),
        )
        yield started


def python_project(project: WebagentProject) -> WebagentProject:
    """The shared YAML file is run from Python only: keep it out of YAML collection."""
    project.write_ini("webagent_ignore = shared/*.yaml")
    project.case("shared/cases.yaml", SHARED_CASES)
    project.case(
        "conftest.py",
        """
        import pytest

        @pytest.fixture
        def remember_me(page):
            page.add_init_script("localStorage.setItem('remembered', 'yes')")
        """,
    )
    return project


def test_each_form_records_then_replays_with_no_model_request(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    project = python_project(demo_project)
    project.case("test_forms.py", FORMS)
    trajectory = project.path / "__trajectories__" / "test_forms.py.json"

    recorded = project.run(*model_flags(server))

    recorded.assert_outcomes(passed=4)
    recorded.stdout.fnmatch_lines(
        [
            "4 cases, 11 steps: 9 direct, 2 planned",
            "model: 3 calls, *",
            "trajectory files written: 1",
        ]
    )
    assert texts(trajectory) == {
        "test_declared_steps": ["Sign in as the demo user", '"Welcome, Alice" is visible'],
        "test_body_steps": ["Add a todo called Buy milk", '"2 items left" is visible'],
        "test_from_file": [
            'Fill "Email" with "alice@example.com"',
            'Fill "Password" with "wonderland"',
            'Click the "Sign in" button',
            '"Welcome, Alice" is visible',
        ],
        "test_bare_fixture": ['Fill "New todo" with "Buy milk"', 'Press "Enter"',
                              '"1 item left" is visible'],
    }  # fmt: skip
    entries = recorded_steps(trajectory)
    assert entries["test_declared_steps"][0]["resolved_by"] == "model:test-model"
    assert [a["type"] for a in entries["test_declared_steps"][0]["actions"]] == [
        "fill",
        "fill",
        "click",
    ]
    assert [e["kind"] for e in entries["test_body_steps"]] == ["action", "assertion"]
    assert entries["test_bare_fixture"][2]["resolved_by"] == "direct"
    assert not (project.path / "shared" / "__trajectories__").exists()
    committed = trajectory.read_bytes()
    asked = len(server.requests)

    replayed = project.run(*model_flags(server), "--webagent-mode=replay")

    replayed.assert_outcomes(passed=4)
    replayed.stdout.fnmatch_lines(
        ["4 cases, 11 steps: 11 replayed", "model: 0 calls, *", "trajectory files written: 0"]
    )
    assert len(server.requests) == asked
    assert trajectory.read_bytes() == committed


PARAMETRIZED = """
    import pytest
    from playwright.sync_api import Page, expect

    from pytest_webagent import Agent, webagent


    @pytest.mark.parametrize("item", ["Buy milk", "Walk the dog"])
    @webagent.case("add a todo", url="/todos.html", steps=['Fill "New todo" with "{{ item }}"'])
    def test_add(agent: Agent, item: str) -> None:
        agent.do('Press "Enter"')
        agent.expect('"Todo list" contains "{{ item }}"')


    @webagent.case(from_file="shared/cases.yaml", name="wrong password is rejected")
    @pytest.mark.parametrize("width", [400, 1200])
    def test_rejected(page: Page, width: int) -> None:
        assert page.evaluate("localStorage.getItem('remembered')") == "yes"  # usefixtures
        expect(page).to_have_url("/login.html")
    """


def test_parametrize_ids_are_the_trajectory_keys_and_values_stay_placeholders(
    demo_project: WebagentProject,
) -> None:
    project = python_project(demo_project)
    project.case("test_rows.py", PARAMETRIZED)
    trajectory = project.path / "__trajectories__" / "test_rows.py.json"

    result = project.run("-v")

    result.assert_outcomes(passed=6)
    output = result.stdout.str()
    for node in (
        "test_add[chromium-Buy milk]",
        "test_add[chromium-Walk the dog]",
        "test_rejected[chromium-400-typo]",
        "test_rejected[chromium-1200-wrong-case]",
    ):
        assert f"test_rows.py::{node} PASSED" in output
    entries = recorded_steps(trajectory)
    # The browser is not part of the key: every browser replays the same recording.
    assert set(entries) == {
        "test_add[Buy milk]",
        "test_add[Walk the dog]",
        "test_rejected[400-typo]",
        "test_rejected[400-wrong-case]",
        "test_rejected[1200-typo]",
        "test_rejected[1200-wrong-case]",
    }
    fill = entries["test_add[Walk the dog]"][0]
    assert fill["text"] == 'Fill "New todo" with "{{ item }}"'
    assert fill["actions"][0]["value"] == "{{ item }}"
    assert entries["test_add[Walk the dog]"][2]["text"] == '"Todo list" contains "{{ item }}"'
    assert entries["test_rejected[1200-typo]"][1]["actions"][0]["value"] == "{{ password }}"

    # The YAML case's tags are marks of the Python test: -m selects by them.
    tagged = project.run("-m", "auth", "--webagent-mode=replay")
    tagged.assert_outcomes(passed=4, deselected=2)
    tagged.stdout.fnmatch_lines(["4 cases, 16 steps: 16 replayed"])


FAILING = """
    from playwright.sync_api import Page

    from helpers import add_todo
    from pytest_webagent import Agent, webagent


    def test_fails_in_the_body(page: Page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "Buy milk"')
        agent.do('Click the "Archive" button')


    def test_fails_in_a_helper(page: Page, agent: Agent) -> None:
        page.goto("/todos.html")
        add_todo(agent, "Buy milk")


    @webagent.case(
        "declared steps fail",
        url="/todos.html",
        steps=[
            'Fill "New todo" with "Buy milk"',
            'Click the "Archive" button',
        ],
    )
    def test_fails_in_declared_steps() -> None:
        raise AssertionError("the body never runs")


    def test_unknown_placeholder(page: Page, agent: Agent) -> None:
        agent.do('Fill "New todo" with "{{ nothing }}"')


    def test_optional_step_warns(page: Page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Click the "Archive" button', optional=True, timeout=2)
        agent.expect('"Nothing to do" is visible')
    """

HELPERS = """
    def add_todo(agent, text):
        agent.do(f'Fill "New todo" with "{text}"')
        agent.do('Click the "Add todo" button')
    """


def line_of(source: str, text: str) -> int:
    lines = source.lstrip("\n").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_failures_point_at_the_python_line_of_the_step(demo_project: WebagentProject) -> None:
    import textwrap

    module = textwrap.dedent(FAILING)
    project = demo_project
    project.case("test_failing.py", FAILING)
    project.case("helpers.py", HELPERS)

    result = project.run()

    result.assert_outcomes(failed=4, passed=1, warnings=1)
    reports = {r.nodeid.split("::")[1]: r for r in result.reprec.getfailures()}  # type: ignore[attr-defined]
    path = project.path / "test_failing.py"

    body = reports["test_fails_in_the_body[chromium]"]
    line = line_of(module, 'Click the "Archive" button\')')
    text = body.longreprtext
    assert f"{path}:{line}: target not found in case 'test_fails_in_the_body'" in text
    assert '  step 2: Click the "Archive" button' in text
    assert ">       agent.do('Click the \"Archive\" button')" in text  # pytest's own pointer
    assert body.longrepr.reprcrash.lineno == line  # type: ignore[union-attr]
    assert body.longrepr.reprcrash.path == str(path)  # type: ignore[union-attr]
    # Nothing of the machinery below the call: runner, executor, Playwright.
    assert "runner.py" not in text and "playwright/" not in text and "_impl" not in text

    helper = reports["test_fails_in_a_helper[chromium]"].longreprtext
    helpers_line = line_of(HELPERS, "Add todo")
    assert f"{project.path / 'helpers.py'}:{helpers_line}: target not found" in helper
    assert '>       add_todo(agent, "Buy milk")' in helper

    declared = reports["test_fails_in_declared_steps[chromium]"].longreprtext
    step_line = line_of(module, "'Click the \"Archive\" button',")
    assert declared.startswith(
        f"{path}:{step_line}: target not found in case 'declared steps fail'"
    )
    assert 'step 2: Click the "Archive" button' in declared
    assert "the body never runs" not in declared and "webagent_case" not in declared

    placeholder = reports["test_unknown_placeholder[chromium]"].longreprtext
    placeholder_line = line_of(module, "{{ nothing }}")
    assert (
        f"CaseDefinitionError: {path}:{placeholder_line}: unknown placeholder {{{{ nothing }}}} "
        "(known: none defined)"
    ) in placeholder
    result.stdout.fnmatch_lines(
        ["*OptionalStepWarning: *test_failing.py:*: target not found in case *"]
    )
    # A failing test records nothing; the test whose failed step was optional passed.
    assert texts(project.path / "__trajectories__" / "test_failing.py.json") == {
        "test_optional_step_warns": ['"Nothing to do" is visible']
    }


MISTAKES = {
    "test_unknown_name.py": (
        '@webagent.case(from_file="shared/cases.yaml", name="sign out")',
        "shared/cases.yaml has no case named 'sign out' (it has 'sign in', "
        "'wrong password is rejected')",
    ),
    "test_no_file.py": (
        '@webagent.case(from_file="missing.yaml", name="x")',
        "from_file: no case file",
    ),
    "test_file_and_steps.py": (
        '@webagent.case(from_file="shared/cases.yaml", name="sign in", url="/x")',
        "from_file= takes the name of a case in that file, and nothing else",
    ),
    "test_bad_step.py": (
        '@webagent.case(steps=["Click \\"Go\\"", {"do": "x", "timeout": 0}])',
        "steps[1]: 0 is out of range: a step's timeout is a number of seconds more than 0",
    ),
}


def test_decorator_mistakes_are_collection_errors_naming_the_line(
    demo_project: WebagentProject,
) -> None:
    project = python_project(demo_project)
    for name, (decorator, _) in MISTAKES.items():
        source = f"from pytest_webagent import webagent\n\n\n{decorator}\ndef test_x():\n    pass\n"
        project.case(name, source)

    result = project.run("--collect-only")

    result.assert_outcomes(errors=len(MISTAKES))
    output = result.stdout.str()
    for name, (_, message) in MISTAKES.items():
        assert f"CaseDefinitionError: {project.path / name}:4: " in output
        assert message in output


STALE_V1 = """
    from pytest_webagent import Agent


    def test_a(page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "A"')
        agent.do('Fill "New todo" with "B"')


    def test_b(page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "C"')
    """

STALE_V2 = """
    from pytest_webagent import Agent


    def test_a(page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "A"')


    def test_b(page, agent: Agent) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "C"')
        agent.do('Fill "New todo" with "D"')
        raise AssertionError("test_b fails after its steps")
    """


def test_stale_entries_are_judged_only_for_python_tests_that_ran_to_their_end(
    demo_project: WebagentProject,
) -> None:
    project = demo_project
    project.case("test_stale.py", STALE_V1)
    trajectory = project.path / "__trajectories__" / "test_stale.py.json"
    project.run().assert_outcomes(passed=2)
    assert texts(trajectory) == {
        "test_a": ['Fill "New todo" with "A"', 'Fill "New todo" with "B"'],
        "test_b": ['Fill "New todo" with "C"'],
    }

    project.case("test_stale.py", STALE_V2)
    # test_b fails: its steps are not all known, so none of its entries is judged.
    result = project.run("--webagent-prune")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["1 trajectory entries removed:", '  *test_stale.py.json: test_a: Fill "New todo" with "B"']
    )
    assert texts(trajectory) == {
        "test_a": ['Fill "New todo" with "A"'],
        "test_b": ['Fill "New todo" with "C"'],
    }

    # A test that was not selected keeps its entries (test_a); a test the module no longer
    # defines (test_b, renamed) is stale: the module was imported, so its tests are all known.
    project.case("test_stale.py", STALE_V1.replace("def test_b", "def test_renamed"))
    pruned = project.run("-k", "test_renamed", "--webagent-prune")
    pruned.assert_outcomes(passed=1, deselected=1)
    pruned.stdout.fnmatch_lines(
        ["1 trajectory entries removed:", '  *test_stale.py.json: test_b: Fill "New todo" with "C"']
    )
    assert texts(trajectory) == {
        "test_a": ['Fill "New todo" with "A"'],
        "test_renamed": ['Fill "New todo" with "C"'],
    }


def test_the_agent_works_without_the_webagent_flag(demo_project: WebagentProject) -> None:
    project = demo_project
    project.case("test_plain.py", STALE_V1)
    project.case("cases/not_collected.yaml", "name: x\nsteps: [Click the nothing]\n")

    result = project.pytester.runpytest_inprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["2 cases, 3 steps: 3 direct", "trajectory files written: 1"])
    assert set(texts(project.path / "__trajectories__" / "test_plain.py.json")) == {
        "test_a",
        "test_b",
    }


XDIST = """
    import pytest
    from pytest_webagent import Agent


    @pytest.mark.parametrize("text", ["A", "B", "C", "D"])
    def test_fill(page, agent: Agent, text: str) -> None:
        page.goto("/todos.html")
        agent.do('Fill "New todo" with "{{ text }}"')
        agent.expect('"New todo" has value "{{ text }}"')
    """


def test_xdist_workers_record_python_tests_into_one_file(demo_project: WebagentProject) -> None:
    project = demo_project
    project.case("test_workers.py", XDIST)
    trajectory = project.path / "__trajectories__" / "test_workers.py.json"

    recorded = project.run_subprocess("-n", "2")

    recorded.assert_outcomes(passed=4)
    recorded.stdout.fnmatch_lines(["4 cases, 8 steps: 8 direct", "trajectory files written: 1"])
    assert set(texts(trajectory)) == {f"test_fill[{text}]" for text in "ABCD"}

    replayed = project.run_subprocess("-n", "2", "--webagent-mode=replay")

    replayed.assert_outcomes(passed=4)
    replayed.stdout.fnmatch_lines(["4 cases, 8 steps: 8 replayed", "trajectory files written: 0"])
