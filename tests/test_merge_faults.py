"""The session-end merge when things go wrong: a trajectory that cannot be written, a run killed
or stopped before its merge, a full working store, a damaged pending value. Nothing is lost, and
every case is said out loud. Full disks are simulated where the error comes from (``mkstemp`` of
one trajectory, diskcache's ``set``) with the errors the system gives, in conftests of the inner
project, so nothing here needs root or a special filesystem."""

from __future__ import annotations

import sqlite3

import pytest

from pytest_webagent.replay.store import WorkingStore
from tests.support.project import WebagentProject
from tests.support.site import StaticSite
from tests.test_store_and_concurrency import FIELDS, cases_file, fill, stored_rows, texts

NO_SPACE_FOR_A = """
import errno
import os
import tempfile

_mkstemp = tempfile.mkstemp


def _no_space_for_a(*args, **kwargs):
    if str(kwargs.get("prefix", "")).startswith(".a.yaml.json"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return _mkstemp(*args, **kwargs)


tempfile.mkstemp = _no_space_for_a
"""


def test_an_unwritable_trajectory_keeps_its_updates_for_the_next_run(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("fields.html", FIELDS)
    project.case("cases/a.yaml", cases_file({"alpha": ["A"]}))
    project.case("cases/b.yaml", cases_file({"beta": ["B"]}))
    project.pytester.makeconftest(NO_SPACE_FOR_A)

    # A process of its own: when it has ended, its run is one that "stopped before its merge".
    full = project.run_subprocess()

    full.assert_outcomes(passed=2)
    a, b = project.trajectory("cases/a.yaml"), project.trajectory("cases/b.yaml")
    full.stdout.fnmatch_lines(
        [
            "trajectory files written: 1",
            f"not written: {a}: No space left on device; 1 case update(s) kept in the working "
            f"store {project.path / '.webagent-cache'}; the next run merges them",
        ]
    )
    output = full.stdout.str() + full.stderr.str()
    assert "Traceback" not in output and "INTERNALERROR" not in output
    assert texts(b) == {"beta": fill("B")} and not a.exists()  # b merged all the same

    # Space again: a run of b alone merges what the full run kept for a.
    (project.path / "conftest.py").unlink()
    after = project.run("cases/b.yaml")

    after.assert_outcomes(passed=1)
    after.stdout.fnmatch_lines(
        [f"merged into {a}: 1 case update(s) of an earlier run that stopped before its merge *"]
    )
    assert texts(a) == {"alpha": fill("A")}
    assert not [key for key in stored_rows(project.path / ".webagent-cache") if "pending/" in key]


STOP_AFTER = """
import os
import signal


def pytest_runtest_logfinish(nodeid, location):
    # The CI job is cancelled (SIGTERM), or the runner killed (SIGKILL), after this case.
    if nodeid.endswith(os.environ["STOP_AFTER"]):
        os.kill(os.getpid(), getattr(signal, os.environ["STOP_SIGNAL"]))
"""


def test_a_killed_run_is_merged_by_the_next_and_sigterm_merges_what_passed(
    project: WebagentProject, site: StaticSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.page("fields.html", FIELDS)
    names = {"k0": ["A"], "k1": ["B"], "k2": ["C"], "t0": ["A"], "t1": ["B"], "t2": ["C"]}
    project.case("cases/f.yaml", cases_file(names))
    project.pytester.makeconftest(STOP_AFTER)
    path = project.trajectory("cases/f.yaml")

    monkeypatch.setenv("STOP_SIGNAL", "SIGKILL")
    monkeypatch.setenv("STOP_AFTER", "k1")
    killed = project.run_subprocess("-k", "k")
    assert killed.ret == -9
    assert not path.exists()  # k0 and k1 passed; nothing merged them

    monkeypatch.setenv("STOP_SIGNAL", "SIGTERM")
    monkeypatch.setenv("STOP_AFTER", "t1")
    stopped = project.run_subprocess("-k", "t")

    assert stopped.ret == pytest.ExitCode.INTERRUPTED
    stopped.stdout.fnmatch_lines(
        [
            "2 cases, 2 steps: 2 direct",
            "trajectory files written: 1",
            f"merged into {path}: 2 case update(s) of an earlier run that stopped before its "
            "merge (run *)",
            "*KeyboardInterrupt: SIGTERM: stopping; merging the trajectories of the cases that "
            "passed*",
        ],
        consecutive=False,
    )
    # The killed run's two cases and the two that passed before SIGTERM; not k2, t2.
    assert texts(path) == {name: fill(*names[name]) for name in ("k0", "k1", "t0", "t1")}


FULL_STORE = """
import sqlite3

import diskcache

_set = diskcache.Cache.set


def _full(self, key, *args, **kwargs):
    # SQLite's own words when the disk (or the database's page limit) is full.
    if str(key).startswith("pending/"):
        raise sqlite3.OperationalError("database or disk is full")
    return _set(self, key, *args, **kwargs)


diskcache.Cache.set = _full


def pytest_unconfigure(config):
    diskcache.Cache.set = _set
"""

FULL_AT_OPEN = """
import sqlite3

import diskcache

_init = diskcache.Cache.__init__


def _full(self, *args, **kwargs):
    raise sqlite3.OperationalError("database or disk is full")


diskcache.Cache.__init__ = _full


def pytest_unconfigure(config):
    diskcache.Cache.__init__ = _init
"""


def test_a_full_store_is_never_taken_for_a_corrupt_one(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("fields.html", FIELDS)
    project.case("cases/f.yaml", cases_file({"one": ["A"], "two": ["B"]}))
    store = project.path / ".webagent-cache"
    healthy = WorkingStore(store)
    healthy.memo_set("question", "a remembered answer")
    healthy.close()

    # Full when a case passes: its entries are merged from memory, nothing is moved aside.
    project.pytester.makeconftest(FULL_STORE)
    filling = project.run()

    filling.assert_outcomes(passed=2)
    filling.stdout.fnmatch_lines(
        [
            f"the working store {store} cannot be used: database or disk is full (the disk is "
            "full); it was left as it is: * (updates kept in memory and merged)",
        ]
    )
    assert "INTERNALERROR" not in filling.stdout.str()
    assert texts(project.trajectory("cases/f.yaml")) == {"one": fill("A"), "two": fill("B")}

    # Full when the store opens: a clear usage error before any case, the store left in place.
    project.pytester.makeconftest(FULL_AT_OPEN)
    refused = project.run()

    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(
        [f"ERROR: the working store {store} cannot be used: database or disk is full *"]
    )
    assert not list(project.path.glob(".webagent-cache.corrupt-*"))
    assert stored_rows(store)["memo/question"] == "a remembered answer"  # kept as it was


def test_a_damaged_pending_value_is_reported_by_file_and_case(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("fields.html", FIELDS)
    case_file = project.case("cases/f.yaml", cases_file({"one": ["A"]}))
    trajectory = project.trajectory("cases/f.yaml")
    store = WorkingStore(project.path / ".webagent-cache")
    # Two updates left by a run that died; large enough that diskcache keeps them in value files.
    big = [{"text": "x" * 40_000}]
    for case in ("garbled", "vanished"):
        value = {"file": str(trajectory), "case": case, "entries": big}
        store.cache.set(f"pending/0123456789abcdef/{trajectory}/{case}", value)
    store.close()
    with sqlite3.connect(project.path / ".webagent-cache" / "cache.db") as db:
        files = dict(db.execute("SELECT substr(key, -8), filename FROM Cache").fetchall())
    (project.path / ".webagent-cache" / files["/garbled"]).write_bytes(b"\xff\x00 not json")
    (project.path / ".webagent-cache" / files["vanished"]).unlink()

    result = project.run(str(case_file))

    result.assert_outcomes(passed=1)
    prefix = f"lost: the pending update pending/0123456789abcdef/{trajectory}"
    result.stdout.fnmatch_lines(
        [
            f"{prefix}/garbled is damaged (its value file * is not JSON text); run that case "
            "again to record it",
            f"{prefix}/vanished is damaged (its value file * cannot be read: No such file or "
            "directory); run that case again to record it",
        ],
        consecutive=False,
    )
    assert texts(trajectory) == {"one": fill("A")}
