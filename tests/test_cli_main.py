"""The ``webagent`` command as a whole: entry points, usage errors with exit status 2, which files
a folder holds, and docs that describe every command and option."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_webagent.cases.recognise import CASE_SUFFIXES
from pytest_webagent.cli import build_parser
from pytest_webagent.commands import sources
from tests.support.cli import (
    EXAMPLE_CASE_FILES,
    EXAMPLE_TRAJECTORIES,
    EXAMPLES_VALID,
    REPO,
    clean_environment,
    copy_examples,
    invoke,
    run_module,
)

COMMANDS = ("show", "prune", "export", "validate")


def test_the_console_script_and_the_module_are_the_same_command(tmp_path: Path) -> None:
    copy_examples(tmp_path)
    script = Path(sys.executable).parent / "webagent"

    by_script = subprocess.run(
        [str(script), "validate", "cases"],
        cwd=tmp_path,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    by_module = run_module("validate", "cases", cwd=tmp_path)
    without_command = run_module(cwd=tmp_path)

    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout == by_module.stdout == EXAMPLES_VALID
    assert without_command.returncode == 2
    assert "usage: webagent [-h] COMMAND ..." in without_command.stderr
    assert "the following arguments are required: COMMAND" in without_command.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_path_that_does_not_exist_is_a_usage_error_naming_it(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-cases"
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []

    outcome = invoke(capsys, command, missing, *extra)

    assert outcome.status == 2
    assert outcome.err == f"webagent {command}: error: {missing}: no such file or folder\n"
    assert not (tmp_path / "out").exists()


def test_paths_of_the_wrong_kind_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    unmerged = tmp_path / "__trajectories__" / "login.yaml.json.unmerged-0123.json"
    unmerged.parent.mkdir()
    unmerged.write_text("{}", encoding="utf-8")
    cases = copy_examples(tmp_path)

    text_file = invoke(capsys, "validate", notes)
    not_a_trajectory = invoke(capsys, "show", unmerged)
    out_is_a_file = invoke(capsys, "export", cases, "--out", notes)
    (tmp_path / "test_x.py").write_text("def test_x(): ...\n", encoding="utf-8")
    module = invoke(capsys, "export", tmp_path / "test_x.py", "--out", tmp_path / "out")
    no_out = invoke(capsys, "export", cases)

    assert text_file.status == 2
    assert text_file.err == (
        f"webagent validate: error: {notes}: not a case file (.yaml, .yml), test module (.py), "
        "trajectory file or folder\n"
    )
    assert not_a_trajectory.status == 2
    assert "not a trajectory file (<case file name>.json)" in not_a_trajectory.err
    assert out_is_a_file.status == 2
    assert (
        out_is_a_file.err == f"webagent export: error: --out {notes}: exists and is not a folder\n"
    )
    assert module.status == 1
    assert (
        module.err
        == f"webagent export: Python test modules are not exported: {tmp_path}/test_x.py\n"
    )
    assert no_out.status == 2 and "the following arguments are required: --out" in no_out.err


def test_a_folder_walk_skips_what_pytest_skips_and_what_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_examples(tmp_path)
    for skipped in (".venv/lib", "node_modules/pkg", "build"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "broken.yaml").write_text("name: [", encoding="utf-8")
    (tmp_path / "cases" / "data").mkdir()
    (tmp_path / "cases" / "data" / "fixtures.yaml").write_text("cases: ann\n", "utf-8")
    # Not case files at all (no steps or cases at the top level): never read.
    (tmp_path / "docker-compose.yml").write_text("services:\n  web: {}\n", "utf-8")
    (tmp_path / "cases" / "users.yaml").write_text("users: [ann]\n", "utf-8")
    monkeypatch.chdir(tmp_path)

    everything = invoke(capsys, "validate", ".")
    ignoring = invoke(capsys, "validate", ".", "--ignore", "cases/data/*.yaml")
    (tmp_path / "pytest.ini").write_text("[pytest]\nwebagent_ignore =\n    cases/data/*\n")
    ignoring_by_ini = invoke(capsys, "validate", ".")

    assert everything.status == 1
    assert everything.out.splitlines() == [
        "cases/data/fixtures.yaml:1: cases: 'ann' is not of type 'array'",
        f"1 problem in {len(EXAMPLE_CASE_FILES) + 1} case files and "
        f"{len(EXAMPLE_TRAJECTORIES)} trajectory files",
    ]
    assert ignoring.status == 0, ignoring.out
    assert ignoring.out == EXAMPLES_VALID
    assert (ignoring_by_ini.status, ignoring_by_ini.out) == (0, EXAMPLES_VALID)


def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path: Path) -> None:
    copy_examples(tmp_path)
    command = [sys.executable, "-m", "pytest_webagent", "show", "cases"]
    with subprocess.Popen(
        command,
        cwd=tmp_path,
        env=clean_environment(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
        status = process.wait(timeout=60)

    assert first == "cases/high_level.yaml\n"
    assert status == 1
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


def test_the_command_line_collects_what_the_plugin_collects() -> None:
    assert sources.CASE_SUFFIXES == CASE_SUFFIXES


def options_of(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings} - {"-h", "--help"}


def test_docs_describe_every_command_and_option() -> None:
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(COMMANDS)
    for name, subparser in commands.choices.items():
        assert f"## `webagent {name}`" in docs, name
        assert f"webagent {name}" in readme, name
        for option in options_of(subparser):
            assert f"`{option}" in docs, (name, option)
    for status in ("0", "1", "2"):
        assert re.search(rf"^\| {status} \| ", docs, re.MULTILINE), status


def test_version_names_the_installed_distribution() -> None:
    from importlib.metadata import version

    out = subprocess.run(
        [sys.executable, "-m", "pytest_webagent", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"webagent {version('pytest-webagent')}"
