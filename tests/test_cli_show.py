"""``webagent show``: each case, each step, its actions as Playwright code, who resolved it and
when; steps with no entry and entries no step uses stand out."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.cli import copy_examples, entry, invoke, run_module, write_trajectory


def test_the_examples_are_shown_step_by_step_with_their_code_and_resolver(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = copy_examples(tmp_path)
    trajectory = json.loads((cases / "__trajectories__/high_level.yaml.json").read_text("utf-8"))
    planned = trajectory["cases"]["sign in as the demo user and out again"]["steps"][0]
    login = json.loads((cases / "__trajectories__/login.yaml.json").read_text("utf-8"))
    direct = login["cases"]["sign in with valid credentials"]["steps"][0]

    outcome = invoke(capsys, "show", cases / "high_level.yaml", cases / "login.yaml")

    assert outcome.status == 0, outcome.err
    lines = outcome.out.splitlines()
    assert lines[:2] == [
        f"{cases / 'high_level.yaml'}",
        f"  trajectory: {cases / '__trajectories__' / 'high_level.yaml.json'}",
    ]
    start = lines.index("  case: sign in as the demo user and out again")
    assert lines[start + 1 : start + 6] == [
        "    1. Sign in as the demo user",
        f"       planned by model test-model, {planned['resolved_at']}",
        '       page.get_by_role("textbox", name="Email").fill("alice@example.com")',
        '       page.get_by_role("textbox", name="Password").fill("wonderland")',
        '       page.get_by_test_id("sign-in").click()',
    ]
    assert "    2. expect: the dashboard greets Alice by name" in lines
    # Explicit steps: the direct resolver, and the value as recorded, placeholder and all.
    first = lines.index("  case: sign in with valid credentials")
    assert lines[first + 1 : first + 4] == [
        '    1. Fill "Email" with "{{ email }}"',
        f"       direct resolver, {direct['resolved_at']}",
        '       page.get_by_role("textbox", name="Email", exact=True).fill("{{ email }}")',
    ]
    assert "  case: wrong password is rejected[wrong-case]" in lines
    assert "NOT RECORDED" not in outcome.out and "stale" not in outcome.out


CASES = """
cases:
  - name: checkout
    url: /
    steps:
      - Click "OK"
      - Click "Pay"
      - judge: the receipt looks right
      - expect: '"Paid" is visible'
"""


def test_missing_steps_stale_entries_and_module_trajectories_are_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "cases" / "shop.yaml"
    case_file.parent.mkdir()
    case_file.write_text(textwrap.dedent(CASES), encoding="utf-8")
    write_trajectory(
        case_file,
        {
            "checkout": [
                entry('Click "OK"'),
                entry('Click "Cancel"'),
                entry('"Paid" is visible', 'get_by_text("Paid")', kind="assertion"),
            ],
            "renamed case": [entry('Click "OK"')],
        },
    )
    module = tmp_path / "cases" / "test_api.py"
    module.write_text("def test_login(agent): ...\n", encoding="utf-8")
    write_trajectory(
        module,
        {
            "test_api.py::test_login": [entry("Sign in", resolved_by="model:qwen")],
        },
    )

    outcome = invoke(capsys, "show", tmp_path / "cases")

    assert outcome.status == 0, outcome.err
    shop = outcome.out
    assert (
        '    2. Click "Pay"\n       NOT RECORDED: replay fails here until a run records it' in shop
    )
    assert (
        "    3. judge: the receipt looks right\n"
        "       not recorded: a model judges it at every run\n"
        '    4. expect: "Paid" is visible\n'
        "       direct resolver, 2026-01-02T03:04:05+00:00\n"
        '       expect(page.get_by_text("Paid")).to_be_visible()\n'
        '    stale: Click "Cancel" (no step of the case uses it)\n'
    ) in shop
    assert "  case: renamed case (stale: the case file no longer defines it)" in shop
    assert (
        f"{module}\n"
        f"  trajectory: {tmp_path / 'cases' / '__trajectories__' / 'test_api.py.json'}\n\n"
        "  case: test_api.py::test_login (as recorded)\n"
        "    1. Sign in\n"
        "       planned by model qwen, 2026-01-02T03:04:05+00:00\n"
    ) in outcome.out


def test_a_broken_case_file_is_reported_and_its_trajectory_shown_as_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "broken.yaml"
    case_file.write_text('name: broken\nsteps:\n  - Click "OK"\n  - {do: 5}\n', encoding="utf-8")
    write_trajectory(case_file, {"broken": [entry('Click "OK"')]})

    outcome = invoke(capsys, "show", case_file)

    assert outcome.status == 1
    assert outcome.err.startswith(f"error: {case_file}:4: steps[1].do: ")
    assert "showing the trajectory as recorded" in outcome.err
    assert '  case: broken\n    1. Click "OK"\n       direct resolver' in outcome.out


def test_show_runs_as_a_module_and_names_a_missing_path(tmp_path: Path) -> None:
    cases = copy_examples(tmp_path)

    shown = run_module("show", "cases/todos.yaml", cwd=tmp_path)
    missing = run_module("show", "cases/nope.yaml", cwd=tmp_path)

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("cases/todos.yaml\n  trajectory: cases/__trajectories__/")
    assert "  case: clear all todos after confirming" in shown.stdout
    assert (cases / "todos.yaml").exists()
    assert missing.returncode == 2
    assert missing.stderr == "webagent show: error: cases/nope.yaml: no such file or folder\n"
