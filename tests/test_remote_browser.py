"""Remote browsers (docs/scale.md): cases run in a browser served by Playwright's `launch-server`,
reached through pytest-playwright's `connect_options` fixture, from a machine with no Chromium."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pytest_webagent.browser.chromium import merged_launch_args
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

# The server's browser announces itself with this user agent, so a page can tell which browser
# it is running in.
REMOTE_USER_AGENT = "webagent-remote-browser"

CONFTEST = """
import os

import pytest


@pytest.fixture(scope="session")
def connect_options():
    endpoint = os.environ.get("REMOTE_BROWSER")
    return {"endpoint": endpoint} if endpoint else None
"""


@pytest.fixture
def browser_server(tmp_path: Path) -> Iterator[str]:
    """`playwright launch-server` running a Chromium of this machine; yields its endpoint."""
    with sync_playwright() as playwright:
        bundled = playwright.chromium.executable_path
    launch = merged_launch_args({}, "chromium", bundled, None)
    config = {
        "headless": True,
        "port": 0,  # a free port; the endpoint printed says which
        "args": [*launch.get("args", []), f"--user-agent={REMOTE_USER_AGENT}"],
    }
    if "executable_path" in launch:
        config["executablePath"] = launch["executable_path"]
    config_file = tmp_path / "browser-server.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "playwright", "launch-server", "--browser", "chromium",
         "--config", str(config_file)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the browser goes with it
    )  # fmt: skip
    watchdog = threading.Timer(60, server.kill)  # a server that never prints must not hang us
    watchdog.start()
    try:
        assert server.stdout is not None
        endpoint = server.stdout.readline().strip()
        watchdog.cancel()
        assert endpoint.startswith("ws://"), f"launch-server printed {endpoint!r}"
        yield endpoint
    finally:
        watchdog.cancel()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture
def machine_without_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pytest runs below find no Chromium: none on PATH, none of Playwright's."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(empty))


def test_cases_run_in_a_remote_browser_with_no_local_chromium(
    project: WebagentProject,
    site: StaticSite,
    browser_server: str,
    machine_without_chromium: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page(
        "which.html",
        "<p id='which'></p><script>document.getElementById('which').textContent ="
        f" navigator.userAgent === '{REMOTE_USER_AGENT}' ? 'remote browser' : 'local browser'"
        "</script>",
    )
    project.pytester.makeconftest(CONFTEST)
    project.case(
        "cases/which.yaml",
        """
        name: runs remotely
        url: /which.html
        steps:
          - expect: '"remote browser" is visible'
        """,
    )

    local = project.run_subprocess(timeout=5)  # no endpoint: launching locally is impossible
    local.assert_outcomes(errors=1)
    local.stdout.fnmatch_lines(["*BrowserNotFoundError: no Chromium found*"])

    monkeypatch.setenv("REMOTE_BROWSER", browser_server)
    remote = project.run_subprocess(timeout=5)

    remote.assert_outcomes(passed=1)
    assert "BrowserNotFoundError" not in remote.stdout.str()
