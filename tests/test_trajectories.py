"""Trajectory files: what a run records, how replay leaves them alone, and how edits to a case
touch only the entries of the steps edited. Corrupt files are reported and never overwritten."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.trajectory import TrajectoryFile, write_atomic
from pytest_webagent.schemas import trajectory_validator
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

GREETER = (
    "<label>Name <input id=name></label>"
    "<button onclick=\"out.textContent = 'Hello, ' + document.getElementById('name').value\">"
    "Greet</button><p id=out role=status aria-label=Greeting></p>"
)


def document(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def steps_of(path: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: case["steps"] for name, case in document(path)["cases"].items()}


def failures(result: pytest.RunResult) -> dict[str, str]:
    """Failure text per case name (in-process runs only)."""
    reports = result.reprec.getfailures()  # type: ignore[attr-defined]
    return {report.nodeid.rsplit("::", 1)[1]: report.longreprtext for report in reports}


def test_record_then_replay_leaves_the_file_byte_for_byte(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("greet.html", GREETER)
    case = """
        name: greet
        url: /greet.html
        vars:
          user: {user}
        steps:
          - Fill "Name" with "{{{{ user }}}}"
          - Click "Greet"
          - expect: '"Greeting" contains "Hello, {{{{ user }}}}"'
          - expect: '"Name" has value "{{{{ user }}}}"'
        """
    project.case("cases/greet.yaml", case.format(user="Bob"))
    path = project.trajectory("cases/greet.yaml")
    # What a killed writer leaves behind must not disturb the next one.
    path.parent.mkdir(parents=True)
    leftover = path.parent / f".{path.name}.k1ll3d.tmp"
    leftover.write_text('{"version": 1, "cas', encoding="utf-8")

    recorded = project.run()
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(["1 case, 4 steps: 4 direct", "trajectory files written: 1"])
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(trajectory_validator().iter_errors(data)) == []
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    entries = data["cases"]["greet"]["steps"]
    assert [e["text"] for e in entries] == [
        'Fill "Name" with "{{ user }}"',
        'Click "Greet"',
        '"Greeting" contains "Hello, {{ user }}"',
        '"Name" has value "{{ user }}"',
    ]
    assert [e["resolved_by"] for e in entries] == ["direct"] * 4
    # Values too are stored as written: the file never holds the substituted "Bob".
    assert entries[0]["actions"][0]["value"] == "{{ user }}"
    assert entries[2]["actions"][0]["text"] == "Hello, {{ user }}"
    assert entries[3]["actions"][0]["value"] == "{{ user }}"
    assert "Bob" not in text

    replayed = project.run()
    replayed.assert_outcomes(passed=1)
    replayed.stdout.fnmatch_lines(["1 case, 4 steps: 4 replayed", "trajectory files written: 0"])
    assert path.read_text(encoding="utf-8") == text

    # Replay substitutes the case's current value: a changed `user` is typed, not the old one.
    project.case("cases/greet.yaml", case.format(user="Carol"))
    changed = project.run("--webagent-mode=replay")
    changed.assert_outcomes(passed=1)
    changed.stdout.fnmatch_lines(["1 case, 4 steps: 4 replayed"])
    assert path.read_text(encoding="utf-8") == text


def test_inserting_removing_or_rewording_a_step_touches_only_its_entry(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("form.html", "<input aria-label=A><input aria-label=B><input aria-label=C>")
    original = {"insert": ["A", "C"], "remove": ["A", "B", "C"], "reword": ["A", "B", "C"]}
    edited = {"insert": ["A", "B", "C"], "remove": ["A", "C"], "reword": ["A", "B!", "C"]}

    def write(fields: dict[str, list[str]]) -> None:
        cases = "".join(
            f"  - name: {name}\n    url: /form.html\n    steps:\n"
            + "".join(f'      - Fill "{f.rstrip("!")}" with "{f}"\n' for f in names)
            for name, names in fields.items()
        )
        project.case("cases/form.yaml", "cases:\n" + cases)

    write(original)
    project.run().assert_outcomes(passed=3)
    path = project.trajectory("cases/form.yaml")
    before = steps_of(path)

    write(edited)
    result = project.run()
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["3 cases, 8 steps: 6 replayed, 2 direct"])
    after = steps_of(path)
    a, b, c = (before["remove"][i] for i in range(3))
    inserted = next(e for e in after["insert"] if e["text"] == 'Fill "B" with "B"')
    assert after["insert"] == [before["insert"][0], inserted, before["insert"][1]]
    # A removed step's entry stays where it was until pruned, and is reported stale.
    assert after["remove"] == [a, b, c]
    reworded = next(e for e in after["reword"] if e["text"] == 'Fill "B" with "B!"')
    assert after["reword"] == [before["reword"][0], before["reword"][1], reworded,
                               before["reword"][2]]  # fmt: skip
    result.stdout.fnmatch_lines(
        [
            "2 trajectory entries stale (remove with --webagent-prune):",
            '  *form.yaml.json: remove: Fill "B" with "B"',
            '  *form.yaml.json: reword: Fill "B" with "B"',
        ]
    )


def test_parametrize_rows_are_separate_case_ids(project: WebagentProject, site: StaticSite) -> None:
    site.page(
        "todo.html",
        "<label><input type=checkbox> Milk</label><label><input type=checkbox> Eggs</label>",
    )
    project.case(
        "cases/todo.yaml",
        """
        name: tick
        url: /todo.html
        parametrize:
          - {id: milk, item: Milk}
          - {id: eggs, item: Eggs}
        steps:
          - Check "{{ item }}"
        """,
    )
    project.run().assert_outcomes(passed=2)
    recorded = steps_of(project.trajectory("cases/todo.yaml"))
    assert sorted(recorded) == ["tick[eggs]", "tick[milk]"]
    assert (
        recorded["tick[milk]"][0]["text"]
        == recorded["tick[eggs]"][0]["text"]
        == ('Check "{{ item }}"')
    )
    names = {case: entries[0]["actions"][0]["target"]["signature"]["name"]
             for case, entries in recorded.items()}  # fmt: skip
    assert names == {"tick[milk]": "Milk", "tick[eggs]": "Eggs"}


def test_a_failing_case_writes_nothing(project: WebagentProject, site: StaticSite) -> None:
    site.page("greet.html", GREETER)
    project.case(
        "cases/greet.yaml",
        """
        cases:
          - name: passes
            url: /greet.html
            steps:
              - Fill "Name" with "Ann"
              - Click "Greet"
              - expect: '"Hello, Ann" is visible'
          - name: fails
            url: /greet.html
            steps:
              - Fill "Name" with "Ann"
              - Click "Greet"
              - expect: the title contains "Something else"
        """,
    )
    result = project.run(timeout=2)  # the failing check waits the whole step timeout
    result.assert_outcomes(passed=1, failed=1)
    assert "check failed" in failures(result)["fails"]
    assert sorted(steps_of(project.trajectory("cases/greet.yaml"))) == ["passes"]


VALID_ENTRY = {
    "kind": "action",
    "text": 'Click "Greet"',
    "occurrence": 0,
    "actions": [{"type": "click", "target": {"selector": "text=Greet", "code": "x"}}],
    "resolved_by": "direct",
    "resolved_at": "2026-01-01T00:00:00+00:00",
}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param('{"version": 1, "cases": {"greet": {"st', "unreadable trajectory file",
                     id="truncated"),
        pytest.param(json.dumps({"version": 7, "cases": {}}),
                     "trajectory format version 7 (written by a newer pytest-webagent)",
                     id="newer-version"),
        pytest.param(json.dumps({"version": 1, "cases": {"greet": {"steps": [
                         {**VALID_ENTRY, "actions": [{"type": "clik", "target": {"code": "x"}}]}
                     ]}}}), "invalid trajectory file at cases/greet/steps/0/actions/0",
                     id="hand-edited-entry"),
        # Two branches each recorded `greet`; git merged both in. json.loads keeps the last.
        pytest.param('{"version": 1, "cases": {"greet": {"steps": []}, "greet": {"steps": []}}}',
                     "duplicate key 'greet' (a merge of two branches?)", id="duplicate-case"),
    ],
)  # fmt: skip
def test_a_corrupt_trajectory_file_is_named_and_never_overwritten(
    project: WebagentProject, site: StaticSite, content: str, message: str
) -> None:
    site.page("greet.html", GREETER)
    project.case("cases/greet.yaml", "name: greet\nurl: /greet.html\nsteps:\n  - Click 'Greet'\n")
    path = project.trajectory("cases/greet.yaml")
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    result = project.run()
    result.assert_outcomes(failed=1)
    failure = failures(result)["greet"]
    assert failure.startswith("TrajectoryFileError: ")
    assert f"{path}: {message}" in failure
    assert "it is not overwritten" in failure
    assert path.read_text(encoding="utf-8") == content
    with pytest.raises(Exception, match="not overwritten"):
        TrajectoryFile.load(path)


def test_a_device_or_huge_trajectory_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from pytest_webagent.replay.trajectory import MAX_FILE_BYTES as MAX_TRAJECTORY_BYTES

    zero = tmp_path / "__trajectories__" / "zero.yaml.json"
    zero.parent.mkdir()
    zero.symlink_to("/dev/zero")  # read whole, it never ends
    with pytest.raises(TrajectoryFileError, match=r"zero\.yaml\.json: unreadable .*not a regular"):
        TrajectoryFile.load(zero)
    huge = zero.with_name("huge.yaml.json")
    with huge.open("wb") as stream:  # sparse: no disk used
        stream.truncate(MAX_TRAJECTORY_BYTES + 1)
    with pytest.raises(TrajectoryFileError, match=f"larger than {MAX_TRAJECTORY_BYTES} bytes"):
        TrajectoryFile.load(huge)
    # The same for a case file that is a symlink to a device.
    case = tmp_path / "zero.yaml"
    case.symlink_to("/dev/zero")
    with pytest.raises(CaseFileError, match=r"zero\.yaml:1: not a regular file"):
        load_cases(case)


def test_write_atomic_keeps_the_original_when_the_write_fails(tmp_path: Path) -> None:
    path = tmp_path / "__trajectories__" / "a.yaml.json"
    write_atomic(path, '{"old": true}\n')
    with pytest.raises(UnicodeEncodeError):
        write_atomic(path, '{"new": "\ud800"}\n')  # a lone surrogate cannot be encoded mid-write
    assert path.read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in path.parent.iterdir()] == ["a.yaml.json"]  # no temporary left


WRITER = """
import sys
from pathlib import Path
from pytest_webagent.replay.trajectory import write_atomic
path, texts = Path(sys.argv[1]), ["a" * 4_000_000 + "\\n", "b" * 4_000_000 + "\\n"]
write_atomic(path, texts[0])
print("ready", flush=True)
count = 0
while True:
    count += 1
    write_atomic(path, texts[count % 2])
"""


def test_a_writer_killed_mid_write_leaves_a_complete_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml.json"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    finally:
        writer.kill()  # SIGKILL: no cleanup runs, whatever the writer was doing
        writer.wait(timeout=10)
    assert path.read_text(encoding="utf-8") in ("a" * 4_000_000 + "\n", "b" * 4_000_000 + "\n")
