"""Finding a Chromium: pytest-playwright's launch arguments are extended, never replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_webagent.browser.chromium import (
    SYSTEM_CHROMIUM_FLAGS,
    find_system_chromium,
    merged_launch_args,
)
from pytest_webagent.errors import BrowserNotFoundError
from tests.support.project import WebagentProject

UPSTREAM = {"headless": True, "args": ["--lang=fr", "--no-sandbox"], "slow_mo": 5}


@pytest.fixture
def bundled(tmp_path: Path) -> str:
    path = tmp_path / "ms-playwright" / "chrome"
    path.parent.mkdir()
    path.write_text("")
    return str(path)


@pytest.fixture
def system_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``chromium`` alone on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    executable = bin_dir / "chromium"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return executable


def test_bundled_chromium_present_leaves_the_arguments_alone(
    bundled: str, system_chromium: Path
) -> None:
    assert merged_launch_args(UPSTREAM, "chromium", bundled, None) is UPSTREAM


def test_bundled_missing_adds_the_system_chromium_and_keeps_upstream_args(
    system_chromium: Path, tmp_path: Path
) -> None:
    missing = str(tmp_path / "not-installed" / "chrome")

    merged = merged_launch_args(UPSTREAM, "chromium", missing, None)

    assert merged["executable_path"] == str(system_chromium)
    assert merged["headless"] is True and merged["slow_mo"] == 5
    assert merged["args"][:2] == ["--lang=fr", "--no-sandbox"]  # upstream first, in order
    assert merged["args"].count("--no-sandbox") == 1  # merged, not duplicated
    assert set(SYSTEM_CHROMIUM_FLAGS) <= set(merged["args"])
    assert UPSTREAM["args"] == ["--lang=fr", "--no-sandbox"]  # the upstream value is not mutated


def test_no_upstream_args_at_all(system_chromium: Path) -> None:
    merged = merged_launch_args({}, "chromium", None, None)

    assert merged == {"executable_path": str(system_chromium), "args": list(SYSTEM_CHROMIUM_FLAGS)}


@pytest.mark.parametrize(
    "upstream",
    [{"channel": "chrome"}, {"executable_path": "/opt/my/chrome", "args": ["--x"]}],
    ids=["channel", "executable_path"],
)
def test_a_chosen_channel_or_executable_is_untouched(
    upstream: dict[str, object], system_chromium: Path, tmp_path: Path
) -> None:
    configured = tmp_path / "ignored"
    assert merged_launch_args(upstream, "chromium", None, configured) is upstream


@pytest.mark.parametrize("browser_name", ["firefox", "webkit"])
def test_other_browsers_are_untouched(browser_name: str, system_chromium: Path) -> None:
    assert merged_launch_args(UPSTREAM, browser_name, None, None) is UPSTREAM


def test_a_configured_executable_wins_over_everything(
    bundled: str, system_chromium: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "my-chrome"
    mine.write_text("#!/bin/sh\n")
    mine.chmod(0o755)

    merged = merged_launch_args(UPSTREAM, "chromium", bundled, mine)

    assert merged["executable_path"] == str(mine)
    assert merged["args"][:2] == UPSTREAM["args"]


def test_a_configured_executable_that_is_missing_is_an_error_with_help(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError) as caught:
        merged_launch_args(UPSTREAM, "chromium", None, tmp_path / "nope")

    message = str(caught.value)
    assert f"webagent_browser_executable points at {tmp_path / 'nope'}, which does not exist" in (
        message
    )
    assert "playwright install chromium" in message and "apt-get install chromium" in message


def test_a_configured_path_that_cannot_run_says_why(tmp_path: Path) -> None:
    plain_file = tmp_path / "chrome.txt"
    plain_file.write_text("")
    with pytest.raises(BrowserNotFoundError, match="which is not a file; install one"):
        merged_launch_args(UPSTREAM, "chromium", None, tmp_path)
    with pytest.raises(BrowserNotFoundError, match="which is not executable; install one"):
        merged_launch_args(UPSTREAM, "chromium", None, plain_file)


def test_nothing_found_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", "")
    assert find_system_chromium() is None

    with pytest.raises(BrowserNotFoundError) as caught:
        merged_launch_args(UPSTREAM, "chromium", str(tmp_path / "missing"), None)

    message = str(caught.value)
    assert "no Chromium found: Playwright's browser is not installed" in message
    assert "chromium, chromium-browser, google-chrome" in message
    assert "--webagent-browser-executable" in message


def test_a_missing_configured_browser_fails_the_run_with_the_help_text(
    project: WebagentProject,
) -> None:
    project.case("cases/a.yaml", 'name: a\nurl: /\nsteps:\n  - Click "Go"\n')

    result = project.run("--webagent-browser-executable=/nonexistent")

    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "BrowserNotFoundError" in output
    assert "webagent_browser_executable points at /nonexistent, which does not exist" in output
    assert "apt-get install chromium" in output
