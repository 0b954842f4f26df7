"""Running the ``webagent`` command line in tests: in-process (``main``) and as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_webagent.cli import main
from tests.support.project import PLUGIN_ENVIRONMENT, UPSTREAM_WARNING

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CASES = REPO / "examples" / "cases"
EXAMPLE_CASE_FILES = sorted(EXAMPLE_CASES.glob("*.yaml"))
EXAMPLE_TRAJECTORIES = sorted(EXAMPLE_CASES.glob("__trajectories__/*.json"))  # Python tests' too
_COUNTS = len(EXAMPLE_CASE_FILES), len(EXAMPLE_TRAJECTORIES)
EXAMPLES_VALID = "{} case files and {} trajectory files: valid\n".format(*_COUNTS)


@dataclass
class Outcome:
    status: int
    out: str
    err: str


def invoke(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Outcome:
    """``webagent ARGS`` in this process; argparse's own exits become a status too."""
    capsys.readouterr()
    try:
        status = main([str(arg) for arg in args])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return Outcome(status, captured.out, captured.err)


def clean_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PLUGIN_ENVIRONMENT}
    return {**env, **extra}


def run_module(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m pytest_webagent ARGS`` in a fresh interpreter."""
    command = [sys.executable, "-m", "pytest_webagent", *map(str, args)]
    return _run(command, cwd, env, timeout=120)


def _run(
    command: list[str], cwd: Path, env: dict[str, str], *, timeout: float
) -> subprocess.CompletedProcess[str]:
    """``command`` with the plugin's variables cleared, output captured, bounded in time."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def copy_examples(destination: Path) -> Path:
    """A copy of examples/cases (case files and their committed trajectories)."""
    return Path(shutil.copytree(EXAMPLE_CASES, destination / "cases"))


# Only pytest-playwright runs the exported tests; this conftest lends them the Chromium the plugin
# would find (pytest-playwright alone looks only for Playwright's own download).
EXPORTED_CONFTEST = """
import json
import os
from typing import Any

import pytest

from pytest_webagent.browser.chromium import merged_launch_args


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], browser_type: Any):
    return merged_launch_args(
        browser_type_launch_args, browser_type.name, browser_type.executable_path, None
    )


@pytest.fixture(autouse=True)
def _short_timeouts(page: Any) -> None:
    # A test expected to fail waits this long instead of Playwright's 30 s.
    if "EXPORTED_TIMEOUT_MS" in os.environ:
        page.set_default_timeout(float(os.environ["EXPORTED_TIMEOUT_MS"]))
"""


def run_exported(
    folder: Path, base_url: str, *args: str, markers: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    """Run exported tests with pytest-playwright and without this plugin (``-p no:webagent``).

    The conftest and ini go into ``folder``'s parent, so the exported folder holds only what the
    exporter wrote."""
    root = folder.parent
    (root / "conftest.py").write_text(textwrap.dedent(EXPORTED_CONFTEST), encoding="utf-8")
    ini = [
        "[pytest]",
        "addopts = --strict-markers",
        "filterwarnings =",
        "    error",
        f"    {UPSTREAM_WARNING}",
        "markers =",
        *(f"    {name}" for name in markers),
    ]
    (root / "pytest.ini").write_text("\n".join(ini) + "\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:webagent",
        "-p",
        "no:cacheprovider",
        "--base-url",
        base_url,
        "-q",
        str(folder),
        *args,
    ]
    return _run(command, root, env, timeout=600)


def entry(
    text: str,
    code: str = 'get_by_role("button", name="OK", exact=True)',
    kind: str = "action",
    occurrence: int = 0,
    resolved_by: str = "direct",
) -> dict[str, object]:
    """A trajectory entry of one click (or, for an assertion, one visibility check)."""
    action = {
        "type": "click" if kind == "action" else "expect_visible",
        "target": {"code": code, "selector": "internal:role=button"},
    }
    return {
        "kind": kind,
        "text": text,
        "occurrence": occurrence,
        "actions": [action],
        "resolved_by": resolved_by,
        "resolved_at": "2026-01-02T03:04:05+00:00",
        "url_path": "/",
    }


def write_trajectory(source: Path, cases: dict[str, list[dict[str, object]]]) -> Path:
    """The trajectory file of ``source`` holding ``cases`` (case id -> entries)."""
    path = source.parent / "__trajectories__" / f"{source.name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "cases": {name: {"steps": steps} for name, steps in cases.items()}}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
