"""``webagent export``: the examples become plain pytest-playwright tests that pass against the
demo app with this plugin disabled, formatted as ruff formats them, and fail where the app
changed. Crafted projects cover values, secrets, judge steps and what cannot be exported."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_webagent.cases.casefile import load_cases
from tests.support.cli import (
    EXAMPLE_CASES,
    REPO,
    copy_examples,
    invoke,
    run_exported,
    run_module,
)
from tests.support.project import WebagentProject
from tests.support.site import StaticSite


def ruff(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def example_tests() -> dict[str, int]:
    """How many tests each example case file should give: one per case and parametrize row."""
    return {path.stem: len(load_cases(path)) for path in sorted(EXAMPLE_CASES.glob("*.yaml"))}


def example_functions() -> dict[str, int]:
    """How many test functions: one per case (its parametrize rows share one)."""
    return {
        path.stem: len({case.name for case in load_cases(path)})
        for path in sorted(EXAMPLE_CASES.glob("*.yaml"))
    }


def example_tags() -> tuple[str, ...]:
    cases = [case for path in EXAMPLE_CASES.glob("*.yaml") for case in load_cases(path)]
    return tuple(sorted({tag for case in cases for tag in case.tags}))


def test_exported_examples_pass_without_the_plugin(tmp_path: Path, demo_url: str) -> None:
    out = tmp_path / "exported"

    # From the worktree root, as the issue says: `webagent export examples/cases --out DIR`.
    result = run_module("export", "examples/cases", "--out", out, cwd=REPO)

    assert result.returncode == 0, result.stderr
    expected = example_tests()
    functions = example_functions()
    assert functions != expected  # the examples hold a parametrized case
    modules = {path.name: path.read_text(encoding="utf-8") for path in out.glob("*.py")}
    assert set(modules) == {f"test_{stem}.py" for stem in expected}
    total = sum(expected.values())
    assert f"exported {total} tests from {len(expected)} case files" in result.stdout
    for name, source in modules.items():
        tree = ast.parse(source)
        tests = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert len(tests) == functions[name.removeprefix("test_").removesuffix(".py")], name
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any("webagent" in module for module in imported), name
    # Already formatted and lint-clean, with ruff's defaults (no project configuration).
    formatted = ruff("format", "--isolated", "--check", "--diff", out)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = ruff("check", "--isolated", "--select", "E,F,W,I,B,UP,SIM,RUF", out)
    assert linted.returncode == 0, linted.stdout

    run = run_exported(out, demo_url, markers=example_tags())

    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert re.search(rf"^{total} passed in ", output, re.MULTILINE), output


def test_exported_tests_check_the_recorded_elements(tmp_path: Path, demo_v2_url: str) -> None:
    """Version 2 of the demo app changed the sign-in button's test id and renamed "Add" to "Add
    todo": the exported tests that use those locators fail there; role-based sign-in still
    passes (the exported tests are not vacuous)."""
    out = tmp_path / "exported"
    export = run_module("export", EXAMPLE_CASES, "--out", out, cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    chosen = "sign_in_as_the_demo_user or add_todos_with_the_button or sign_in_with_valid"

    run = run_exported(
        out, demo_v2_url, "-k", chosen, markers=example_tags(), EXPORTED_TIMEOUT_MS="3000"
    )

    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^2 failed, 1 passed", output, re.MULTILINE), output
    assert 'get_by_test_id("sign-in")' in output
    assert 'get_by_role("button", name="Add", exact=True)' in output


def test_the_export_of_a_copy_names_its_own_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_examples(tmp_path)
    monkeypatch.chdir(tmp_path)

    outcome = invoke(capsys, "export", "cases/login.yaml", "--out", "tests")

    assert outcome.status == 0, outcome.err
    source = (tmp_path / "tests" / "test_login.py").read_text(encoding="utf-8")
    assert "Case file:  cases/login.yaml\nTrajectory: cases/__trajectories__/login.yaml.json" in (
        source
    )
    assert '"""sign in with valid credentials (cases/login.yaml:5)' in source
    # Parametrize rows are one test with @pytest.mark.parametrize, the rows' ids kept.
    assert (
        "@pytest.mark.parametrize(\n"
        '    "password",\n'
        "    [\n"
        '        pytest.param("wonderlnd", id="typo"),\n'
        '        pytest.param("Wonderland", id="wrong-case"),\n'
        "    ],\n"
        ")\n"
        "@pytest.mark.auth\n"
        "def test_wrong_password_is_rejected(page: Page, password: str) -> None:"
    ) in source
    assert "_typo" not in source and '.fill("wonderlnd")' not in source
    assert ".fill(password)" in source
    assert "{{" not in source.replace('# Fill "Password" with "{{ password }}"', "")
    assert "note: the cases' tags are marks of the tests (auth, smoke)" in outcome.out


ORDER_FORM = """
<h1>Order form</h1>
<label>Name <input id=name></label>
<label>Password <input id=password type=password></label>
<label>Plan <select id=plan><option>Free</option><option>Pro</option></select></label>
<label><input type=checkbox id=terms> Terms</label>
<button onclick="out.textContent = 'Saved: ' + document.getElementById('name').value + ' on '
  + plan.value + (terms.checked ? ' with terms' : '')">Save</button>
<button onclick="this.remove()">Dismiss</button>
<p id=out role=status aria-label=Result></p>
<ul aria-label=Items><li>one</li><li>two</li><li>three</li></ul>
<a href="/second.html">Next page</a>
"""
SECOND_PAGE = "<label>Comment <input></label><p>Thanks</p>"
ORDER_CASES = """
cases:
  - name: order with every kind of step
    url: /form.html?plan={{ plan }}
    marks: [{owner: web}, {priority: {level: 1}}]
    tags: [orders]
    vars:
      who: Ada O'Neil
    parametrize:
      - {id: free, plan: Free}
      - {id: pro, plan: Pro}
    steps:
      - Fill "Name" with "{{ who }}"
      - Fill "Password" with "{{ secrets.PASSWORD }}"
      - expect: '"Password" has value "{{ secrets.PASSWORD }}"'
      - Select "{{ plan }}" from "Plan"
      - Check "Terms"
      - {do: 'Click "Save"', timeout: 4}
      - expect: '"Result" says "Saved: {{ who }} on {{ plan }} with terms"'
      - expect: '"Items" has 3 items'
      - expect: the title contains "Order"
      - {do: 'Click "Dismiss"', optional: true}
      - {do: 'Click "Cookie banner"', optional: true, timeout: 2}
      - Uncheck "Terms"
      - Press "Tab"
      - Hover over "Next page"
      - Click "Next page"
      - expect: the URL contains "/second.html"
      - Fill "Comment" with "fine"
      - Wait for "Thanks"
      - Go to "/form.html"
      - expect: '"Dismiss" is visible'
  - name: second page
    url: /second.html
    steps:
      - Fill "Comment" with "ok"
"""


def test_a_recorded_project_exports_every_kind_of_step(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("form.html", ORDER_FORM, title="Order form")
    site.page("second.html", SECOND_PAGE, title="Second")
    monkeypatch.setenv("WEBAGENT_SECRET_PASSWORD", "hunter2")
    case_file = project.case("cases/orders.yaml", ORDER_CASES)
    project.run("-W", "ignore::UserWarning").assert_outcomes(passed=3)
    # After recording: a judge step, which is never recorded, and a step the trajectory lacks.
    text = ORDER_CASES.replace(
        "      - expect: '\"Dismiss\" is visible'\n",
        "      - expect: '\"Dismiss\" is visible'\n      - judge: the form looks tidy\n",
    ).replace(
        '      - Fill "Comment" with "ok"\n',
        '      - Fill "Comment" with "ok"\n      - Click "Never recorded"\n',
    )
    case_file.write_text(text, encoding="utf-8")
    monkeypatch.chdir(project.path)

    outcome = invoke(capsys, "export", "cases", "--out", "exported")

    assert outcome.status == 1
    assert re.search(
        r"error: cases/orders\.yaml:\d+: case 'second page', step 2 'Click \"Never recorded\"': "
        r"no recorded entry in .*orders\.yaml\.json; record it first with "
        r"`pytest --webagent cases/orders\.yaml`; case not exported",
        outcome.err,
    ), outcome.err
    assert re.search(
        r"warning: .*step 21 'the form looks tidy': judge step not exported", outcome.err
    ), outcome.err
    assert "step 11 'Click \"Cookie banner\"': optional step has no recorded entry" in outcome.err
    assert "exported 2 tests from 1 case file to exported; 1 not exported" in outcome.err
    source = (project.path / "exported" / "test_orders.py").read_text(encoding="utf-8")
    assert 'os.environ["WEBAGENT_SECRET_PASSWORD"]' in source and "hunter2" not in source
    # Only in step comments: a secret, and the parameter the test takes.
    assert "{{" not in source.replace("{{ secrets.PASSWORD }}", "").replace("{{ plan }}", "")
    assert "timeout=4000" in source and "with suppress(AssertionError, Error):" in source
    assert "# not exported: a model judges this step at every run" in source
    assert "def test_second_page" not in source
    # The two rows are one test taking the row's value: in the URL, the steps and the checks.
    assert source.count("def test_order_with_every_kind_of_step(page: Page, plan: str)") == 1
    assert '        pytest.param("Free", id="free"),\n        pytest.param("Pro", id="pro"),' in (
        source
    )
    assert 'page.goto("/form.html?plan=" + plan)' in source
    assert ".select_option(plan" in source
    assert '@pytest.mark.orders\n@pytest.mark.owner("web")\n@pytest.mark.priority(level=1)\n' in (
        source
    )
    assert ruff("format", "--isolated", "--check", "exported").returncode == 0

    markers = ("orders", "owner", "priority")
    run = run_exported(
        project.path / "exported",
        site.url,
        "-m",
        "priority",
        markers=markers,
        WEBAGENT_SECRET_PASSWORD="hunter2",
    )

    output = run.stdout + run.stderr
    assert run.returncode == 0, output + source
    assert re.search(r"^2 passed in ", output, re.MULTILINE), output
    # Node ids as the plugin's: the rows' ids.
    listed = run_exported(project.path / "exported", site.url, "--collect-only", markers=markers)
    assert "test_order_with_every_kind_of_step[chromium-free]" in listed.stdout, listed.stdout
    assert "test_order_with_every_kind_of_step[chromium-pro]" in listed.stdout


TRAJECTORY = "cases/__trajectories__/login.yaml.json"


def test_non_ascii_case_names_keep_readable_test_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_examples(tmp_path)
    for path in (tmp_path / "cases" / "login.yaml", tmp_path / TRAJECTORY):
        text = path.read_text(encoding="utf-8").replace(
            "sign in with valid credentials", "Вход в систему — café"
        )
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    outcome = invoke(capsys, "export", "cases/login.yaml", "--out", "tests")

    assert outcome.status == 0, outcome.err
    source = (tmp_path / "tests" / "test_login.py").read_text(encoding="utf-8")
    assert "def test_вход_в_систему_cafe(page: Page) -> None:" in source
    compile(source, "test_login.py", "exec")  # a valid module


def test_rows_that_recorded_different_actions_stay_tests_of_their_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One row's page had a test id, the other's did not: a shared test would click one row's
    element in the other's run."""
    copy_examples(tmp_path)
    trajectory = tmp_path / TRAJECTORY
    data = json.loads(trajectory.read_text(encoding="utf-8"))
    click = data["cases"]["wrong password is rejected[wrong-case]"]["steps"][2]
    click["actions"][0]["target"]["code"] = 'get_by_test_id("sign-in")'
    trajectory.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    outcome = invoke(capsys, "export", "cases/login.yaml", "--out", "tests")

    assert outcome.status == 0, outcome.err
    source = (tmp_path / "tests" / "test_login.py").read_text(encoding="utf-8")
    assert "@pytest.mark.parametrize" not in source
    assert "def test_wrong_password_is_rejected_typo(page: Page) -> None:" in source
    assert "def test_wrong_password_is_rejected_wrong_case(page: Page) -> None:" in source
    assert 'page.get_by_test_id("sign-in").click()' in source
    assert "exported 4 tests from 1 case file" in outcome.out
