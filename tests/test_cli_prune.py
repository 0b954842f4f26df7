"""``webagent prune``: removes exactly what ``pytest --webagent-prune`` removes when every case
runs, leaves Python test modules' trajectories alone, and never touches a file it cannot judge."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cli import clean_environment, copy_examples, entry, invoke, write_trajectory
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

FIELDS = "<input aria-label=A><input aria-label=B><input aria-label=C>"


def cases_file(fields: dict[str, list[str]]) -> str:
    cases = "".join(
        f"  - name: {name}\n    url: /fields.html\n    steps:\n"
        + "".join(f'      - Fill "{field}" with "{field}"\n' for field in names)
        for name, names in fields.items()
    )
    return "cases:\n" + cases


def test_prune_removes_what_pytest_webagent_prune_removes(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("fields.html", FIELDS)
    project.case("cases/f.yaml", cases_file({"alpha": ["A", "B"], "beta": ["B"], "gamma": ["C"]}))
    project.run().assert_outcomes(passed=3)
    path = project.trajectory("cases/f.yaml")
    # alpha loses a step, beta is reworded, gamma is gone from the case file.
    project.case("cases/f.yaml", cases_file({"alpha": ["A"], "beta": ["C"]}))
    before = path.read_bytes()
    monkeypatch.chdir(project.path)

    dry = invoke(capsys, "prune", "cases", "--dry-run")

    assert dry.status == 0, dry.err
    assert path.read_bytes() == before
    listed = dry.out.splitlines()
    assert listed[0] == "cases/__trajectories__/f.yaml.json: 3 stale entries would be removed"
    assert listed[-1] == "prune: 3 stale entries would be removed"

    pruned = invoke(capsys, "prune", "cases")

    assert pruned.status == 0, pruned.err
    assert pruned.out.splitlines()[1:-1] == listed[1:-1]
    by_cli = path.read_bytes()
    assert json.loads(by_cli)["cases"].keys() == {"alpha"}  # beta had only the reworded step

    # The same edit judged by pytest: replay (beta's new step fails, records nothing), prune.
    path.write_bytes(before)
    by_pytest = project.run("--webagent-prune", "--webagent-mode=replay")
    by_pytest.assert_outcomes(passed=1, failed=1)
    removed = re.findall(r"^  \S*f\.yaml\.json: (.*)$", by_pytest.stdout.str(), re.MULTILINE)
    assert [f"  {line}" for line in removed] == listed[1:-1]
    assert path.read_bytes() == by_cli


def test_module_trajectories_are_left_alone_and_orphans_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = tmp_path / "tests" / "test_shop.py"
    module.parent.mkdir()
    module.write_text("def test_buy(agent): ...\n", encoding="utf-8")
    module_trajectory = write_trajectory(module, {"test_shop.py::test_old": [entry("Buy it")]})
    orphan = write_trajectory(tmp_path / "tests" / "gone.yaml", {"a": [entry("x"), entry("y")]})
    kept = module_trajectory.read_bytes()

    dry = invoke(capsys, "prune", tmp_path / "tests", "--dry-run")

    assert dry.status == 0, dry.err
    assert orphan.exists()
    pruned = invoke(capsys, "prune", tmp_path / "tests")

    assert pruned.status == 0, pruned.err
    assert not orphan.exists()
    assert module_trajectory.read_bytes() == kept
    assert (
        f"{orphan}: removed whole (2 entries): its case file {tmp_path / 'tests' / 'gone.yaml'} "
        "no longer exists"
    ) in pruned.out
    assert (
        f"{module_trajectory}: left alone (a Python test module's steps are only known by running "
        "it: prune it with pytest --webagent --webagent-prune)"
    ) in pruned.out
    assert pruned.out.endswith(
        "prune: 0 stale entries removed, 1 trajectory file of deleted case files removed, "
        "1 trajectory file of Python test modules left alone\n"
    )
    assert "would be removed" in dry.out


def test_files_that_cannot_be_read_are_left_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text('name: b\nsteps: [Click "OK"]\nunknown: 1\n', encoding="utf-8")
    broken_trajectory = write_trajectory(broken, {"b": [entry("stale")]})
    bad_json = tmp_path / "__trajectories__" / "other.yaml.json"
    (tmp_path / "other.yaml").write_text('name: o\nsteps: [Click "OK"]\n', encoding="utf-8")
    bad_json.write_text('{"version": 1, "cases": {', encoding="utf-8")
    before = broken_trajectory.read_bytes()

    outcome = invoke(capsys, "prune", tmp_path)

    assert outcome.status == 1
    assert broken_trajectory.read_bytes() == before
    assert bad_json.read_text(encoding="utf-8") == '{"version": 1, "cases": {'
    assert f"error: {broken}:3: unknown: Additional properties" in outcome.err
    assert f"error: {bad_json}: unreadable trajectory file" in outcome.err
    assert outcome.err.count("its trajectory is left as it is") == 2


def test_the_committed_examples_have_nothing_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = copy_examples(tmp_path)
    before = {path: path.read_bytes() for path in cases.glob("__trajectories__/*")}

    outcome = invoke(capsys, "prune", cases)

    assert outcome.status == 0, outcome.err
    modules = [path for path in before if path.name.endswith(".py.json")]
    assert outcome.out.splitlines() == [
        *(
            f"{path}: left alone (a Python test module's steps are only known by running it: "
            "prune it with pytest --webagent --webagent-prune)"
            for path in sorted(modules)
        ),
        "prune: 0 stale entries removed"
        + (
            f", {len(modules)} trajectory file of Python test modules left alone" if modules else ""
        ),
    ]
    assert {path: path.read_bytes() for path in cases.glob("__trajectories__/*")} == before


def waits_for_a_lock(process: subprocess.Popen[str], limit: float = 300) -> bool:
    """Whether ``process`` blocks on a ``flock`` (Linux lists waiters in /proc/locks with ->)
    before it exits; bounded by ``limit`` seconds, polled."""
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        waiting = Path("/proc/locks").read_text(encoding="ascii").splitlines()
        if any("->" in line and f" {process.pid} " in line for line in waiting):
            return True
        time.sleep(0.05)
    return False


def test_prune_waits_for_a_merge_and_judges_what_it_wrote(tmp_path: Path) -> None:
    """A recording run merges while ``webagent prune`` runs on the same file: the prune waits for
    the merge's lock, then judges the file as the merge left it, so the fresh case stays."""
    from pytest_webagent.replay.locking import trajectory_lock
    from pytest_webagent.replay.trajectory import TrajectoryFile

    case_file = tmp_path / "f.yaml"
    case_file.write_text(
        'cases:\n  - name: alpha\n    steps: [Click "D"]\n'
        '  - name: fresh\n    steps: [Click "E"]\n',
        encoding="utf-8",
    )
    path = write_trajectory(case_file, {"alpha": [entry('Click "A"')]})  # alpha's entry: stale
    with trajectory_lock(path):
        # The merge of a recording run holds the lock: it read the file, and records `fresh`.
        merging = TrajectoryFile.load(path)
        prune = subprocess.Popen(
            [sys.executable, "-m", "pytest_webagent", "prune", str(case_file)],
            env=clean_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            # Blocked on the lock, not done with an outdated copy (the kernel lists the waiter).
            assert waits_for_a_lock(prune), prune.communicate()[0]
            merging.update_case("fresh", [entry('Click "E"')])
            merging.save()
        except BaseException:
            prune.kill()
            raise
    output, _ = prune.communicate(timeout=60)
    assert prune.returncode == 0, output
    assert "1 stale entry removed" in output
    assert json.loads(path.read_text(encoding="utf-8"))["cases"] == {
        "fresh": {"steps": [entry('Click "E"')]}
    }
