"""The working store and the session-end merge: stale entries, pruning, a damaged store, a file
that cannot be merged into, xdist workers and two pytest processes writing one trajectory."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

FIELDS = "".join(f"<label>{n} <input></label>" for n in ("A", "B", "C", "D"))


def cases_file(cases: dict[str, list[str]]) -> str:
    """A case file: one case per name, each filling the given fields with their own names."""
    return "cases:\n" + "".join(
        f"  - name: {name}\n    url: /fields.html\n    steps:\n"
        + "".join(f'      - Fill "{field}" with "{field}"\n' for field in fields)
        for name, fields in cases.items()
    )


def texts(path: Path) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: [e["text"] for e in case["steps"]] for name, case in data["cases"].items()}


def fill(*fields: str) -> list[str]:
    return [f'Fill "{field}" with "{field}"' for field in fields]


def test_stale_entries_are_judged_only_over_the_cases_that_ran(
    project: WebagentProject, site: StaticSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.page("fields.html", FIELDS)
    project.case("cases/f.yaml", cases_file({"alpha": ["A"], "beta": ["B"], "gamma": ["C"]}))
    project.run().assert_outcomes(passed=3)
    path = project.trajectory("cases/f.yaml")
    # alpha and beta now fill another field; gamma is gone from the case file.
    project.case("cases/f.yaml", cases_file({"alpha": ["D"], "beta": ["D"]}))

    # Only beta is selected (and pytest runs from a subdirectory of the rootdir).
    monkeypatch.chdir(project.path / "cases")
    only_beta = project.run("-k", "beta", "--webagent-prune")
    only_beta.assert_outcomes(passed=1)
    only_beta.stdout.fnmatch_lines(
        ["1 trajectory entries removed:", f'  {path}: beta: Fill "B" with "B"']
    )
    assert "alpha" not in only_beta.stdout.str().split("trajectory entries removed")[1]
    assert texts(path) == {"alpha": fill("A"), "beta": fill("D"), "gamma": fill("C")}

    everything = project.run("--webagent-prune")
    everything.assert_outcomes(passed=2)
    everything.stdout.fnmatch_lines(
        [
            "2 trajectory entries removed:",
            f'  {path}: alpha: Fill "A" with "A"',
            f'  {path}: gamma: Fill "C" with "C"',
        ]
    )
    assert texts(path) == {"alpha": fill("D"), "beta": fill("D")}


CORRUPT_AFTER_THE_CASE = """
import pytest
from pathlib import Path

@pytest.fixture(autouse=True)
def someone_breaks_the_trajectory():
    yield
    # After the case passed, before the session merges its update: a bad hand edit lands.
    path = Path(__file__).parent / "cases" / "__trajectories__" / "shop.yaml.json"
    path.write_text('{"version": 1, "cases": {"shop": ', encoding="utf-8")
"""


def test_an_update_that_cannot_be_merged_stays_in_the_store_as_json_text(
    project: WebagentProject, site: StaticSite
) -> None:
    # The click shows its effect: a click that changed nothing would be reflected on (asked again).
    site.page(
        "shop.html",
        "<button onclick=\"document.querySelector('p').textContent = 'In basket'\">Add to basket"
        "</button><p>Empty</p><label>Note <input></label>",
    )
    project.case(
        "cases/shop.yaml",
        """
        name: shop
        url: /shop.html
        steps:
          - Put the item in the basket
          - Fill "Note" with "gift"
        """,
    )
    path = project.trajectory("cases/shop.yaml")
    path.parent.mkdir(parents=True)
    project.pytester.makeconftest(CORRUPT_AFTER_THE_CASE)
    with OpenAITestServer() as server:
        server.on("basket", reply.act(reply.click(element("button", "Add to basket"))))
        result = project.run(
            "--webagent-model=test-model", f"--webagent-base-url={server.base_url}"
        )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "trajectory files written: 0",
            f"not written: {path}: unreadable trajectory file *(it is not overwritten); "
            f"this run's updates: {path}.unmerged-*.json",
        ]
    )
    assert path.read_text(encoding="utf-8") == '{"version": 1, "cases": {"shop": '

    # Nothing lost: the run's updates sit beside the damaged file, and nothing lingers in the store.
    (aside,) = path.parent.glob(f"{path.name}.unmerged-*.json")
    saved = json.loads(aside.read_text(encoding="utf-8"))
    assert [e["text"] for e in saved["shop"]] == [
        "Put the item in the basket",
        'Fill "Note" with "gift"',
    ]
    rows = stored_rows(project.path / ".webagent-cache")
    assert not [key for key in rows if key.startswith("pending/")]
    memo = [value for key, value in rows.items() if key.startswith("memo/")]
    assert len(memo) == 1 and json.loads(memo[0])["status"] == "done"  # the model's answer


def stored_rows(directory: Path) -> dict[str, Any]:
    """Every row of the store read with sqlite3 alone: keys are text and values JSON text."""
    with sqlite3.connect(directory / "cache.db") as db:
        rows = db.execute("SELECT key, raw, mode, filename, value FROM Cache").fetchall()
    decoded: dict[str, Any] = {}
    for key, raw, mode, filename, value in rows:
        assert isinstance(key, str) and raw == 1  # a string key, not a pickle
        assert mode == 1 and filename is None  # diskcache MODE_RAW: the value is in the row
        assert isinstance(value, str)
        decoded[key] = json.loads(value)
    return decoded


def test_xdist_workers_record_every_case_and_a_damaged_store_is_rebuilt_once(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("fields.html", FIELDS)
    names = {f"case{i}": [field] for i, field in enumerate("ABCD")}
    project.case("cases/f.yaml", cases_file(names))
    store = project.path / ".webagent-cache"
    store.mkdir()
    (store / "cache.db").write_bytes(b"this is not a database" * 100)

    result = project.run_subprocess("-n", "2")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "4 cases, 4 steps: 4 direct",
            "trajectory files written: 1",
            "webagent: the working store was unreadable; moved to *.webagent-cache.corrupt-* "
            "and rebuilt",
        ]
    )
    assert result.stdout.str().count("the working store was unreadable") == 1
    assert texts(project.trajectory("cases/f.yaml")) == {
        name: fill(*fields) for name, fields in names.items()
    }
    (aside,) = project.path.glob(".webagent-cache.corrupt-*")
    assert (aside / "cache.db").read_bytes().startswith(b"this is not a database")
    assert stored_rows(store) == {}


def test_two_pytest_processes_record_into_one_file(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("fields.html", FIELDS)
    project.case("cases/f.yaml", cases_file({"one": ["A", "B"], "two": ["C", "D"]}))
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "--webagent",
                "-p",
                "no:cacheprovider",
                "-q",
                f"cases/f.yaml::{name}",
            ],
            cwd=project.path,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("one", "two")
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
        assert "trajectory files written: 1" in output
    assert texts(project.trajectory("cases/f.yaml")) == {
        "one": fill("A", "B"),
        "two": fill("C", "D"),
    }
