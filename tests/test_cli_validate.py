"""``webagent validate``: case files and trajectory files checked as collection and replay read
them, one ``file:line: message`` per problem, exit status 1 when there is any; and the pre-commit
hook that runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.cli import (
    EXAMPLE_CASE_FILES,
    EXAMPLE_TRAJECTORIES,
    EXAMPLES_VALID,
    REPO,
    clean_environment,
    copy_examples,
    entry,
    invoke,
    run_module,
    write_trajectory,
)


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_the_examples_are_valid(tmp_path: Path) -> None:
    copy_examples(tmp_path)

    result = run_module("validate", "cases", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == EXAMPLES_VALID


def test_each_problem_is_named_with_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "cases" / "shop.yaml"
    case_file.parent.mkdir()
    case_file.write_text(
        'name: shop\nurl: /\nsteps:\n  - Click "Buy"\n  - expect: 5\n', encoding="utf-8"
    )
    bad_entry = entry('Click "Buy"')
    bad_entry["kind"] = "bogus"
    schema = write_trajectory(case_file, {"shop": [entry('Click "OK"'), bad_entry]})
    # Another case file, valid, whose trajectory is not JSON (a merge conflict, say).
    (tmp_path / "cases" / "cart.yaml").write_text('name: cart\nsteps: [Click "OK"]\n', "utf-8")
    conflict = write_trajectory(tmp_path / "cases" / "cart.yaml", {"cart": [entry("x")]})
    conflict.write_text(conflict.read_text("utf-8").replace('"cases": {', '"cases": {\n<<<<<<<'))
    newer = write_trajectory(tmp_path / "cases" / "test_api.py", {})
    newer.write_text(newer.read_text("utf-8").replace('"version": 1', '"version": 7'), "utf-8")

    outcome = invoke(capsys, "validate", tmp_path / "cases")

    assert outcome.status == 1
    problems = outcome.out.splitlines()
    assert problems[-1] == "4 problems in 2 case files and 3 trajectory files"
    assert f"{case_file}:5: steps[1].expect: 5 is not of type 'string'" in problems
    assert (
        f"{conflict}:{line_of(conflict, '<<<<<<<')}: unreadable trajectory file (Expecting "
    ) in outcome.out
    assert (
        f"{schema}:{line_of(schema, 'bogus')}: invalid trajectory file at "
        "cases/shop/steps/1/kind: 'bogus' is not one of ['action', 'assertion']; fix it or "
        "delete it to re-record (it is not overwritten)"
    ) in problems
    assert f"{newer}:{line_of(newer, 'version')}: trajectory format version 7 (written by a " in (
        outcome.out
    )


def test_the_pre_commit_hook_checks_the_files_it_is_given(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    cases = copy_examples(tmp_path)
    files = sorted(
        path.relative_to(tmp_path).as_posix()
        for path in cases.rglob("*")
        if re.search(hook["files"], path.relative_to(tmp_path).as_posix())
    )
    assert len(files) == len(EXAMPLE_CASE_FILES) + len(EXAMPLE_TRAJECTORIES)
    executable = Path(sys.executable).parent / hook["entry"].split()[0]
    command = [str(executable), *hook["entry"].split()[1:]]

    def run(*paths: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *paths],
            cwd=tmp_path,
            env=clean_environment(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run(*files).returncode == 0
    trajectory = cases / "__trajectories__" / "todos.yaml.json"
    data = json.loads(trajectory.read_text(encoding="utf-8"))
    data["cases"]["complete and delete a todo"]["steps"][0]["actions"] = []
    trajectory.write_text(json.dumps(data, indent=2), encoding="utf-8")
    failed = run(*files)
    assert failed.returncode == 1
    assert "actions: [] should be non-empty" in failed.stdout


def test_steps_that_would_fail_a_replay_run_are_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "c.yaml").write_text(
        "name: checks\n"
        "steps:\n"
        '  - Fill "Name" with "a #1"\n'
        '  - Click "Save\n'
        '  - Click "A"\n'
        '    Click "B"\n'
        "  - Open the settings page\n"
        '  - Click "OK"\n'  # explicit: the first run records it without a model
        "  - judge: it looks fine\n"  # never recorded: the webagent_judge marker is for these
        "  - expect: >-\n"
        '      "Saved" is\n'
        "      visible\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)

    outcome = invoke(capsys, "validate", "cases")

    assert outcome.status == 1
    lines = outcome.out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        "cases/c.yaml:3",
        "cases/c.yaml:4",
        "cases/c.yaml:5",
        "cases/c.yaml:7",
    ]
    assert "is cut at ' #': YAML starts a comment there" in lines[0]
    assert "has unbalanced double quotes" in lines[1]
    assert "goes on to line 6, indented under it" in lines[2]
    assert "has no recorded entry and is not explicit" in lines[3]
    assert lines[-1] == "4 problems in 1 case file and 0 trajectory files"
