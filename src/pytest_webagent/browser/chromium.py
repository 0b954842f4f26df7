"""Find a Chromium to launch: Playwright's own when installed, else one from the system.

Only the launch arguments are touched, and only by merging into pytest-playwright's, so
``--headed``, ``--slowmo`` and ``--browser-channel`` keep their meaning.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from pytest_webagent.errors import BrowserNotFoundError

SYSTEM_CHROMIUM_NAMES = (
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
)  # fmt: skip
# A distribution's Chromium phones home at start; these keep it quiet and fast (and offline-safe).
SYSTEM_CHROMIUM_FLAGS = (
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
)  # fmt: skip
INSTALL_HELP = (
    "install one with `playwright install chromium`, or your distribution's package "
    "(`apt-get install chromium` on Debian/Ubuntu), or point webagent_browser_executable "
    "(--webagent-browser-executable) at a Chromium or Chrome executable"
)


def find_system_chromium() -> Path | None:
    for name in SYSTEM_CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def merged_launch_args(
    upstream: dict[str, Any],
    browser_name: str,
    bundled_executable: str | None,
    configured: Path | None,
) -> dict[str, Any]:
    """pytest-playwright's launch arguments plus an executable when one must be chosen."""
    if browser_name != "chromium" or "channel" in upstream or "executable_path" in upstream:
        return upstream
    if configured is not None:
        problem = _not_executable(configured)
        if problem:
            raise BrowserNotFoundError(
                f"webagent_browser_executable points at {configured}, which {problem}; "
                + INSTALL_HELP
            )
        return _with_executable(upstream, configured)
    if bundled_executable and Path(bundled_executable).is_file():
        return upstream
    system = find_system_chromium()
    if system is None:
        raise BrowserNotFoundError(
            "no Chromium found: Playwright's browser is not installed and none of "
            f"{', '.join(SYSTEM_CHROMIUM_NAMES)} is on PATH; " + INSTALL_HELP
        )
    return _with_executable(upstream, system)


def _not_executable(path: Path) -> str:
    """Why ``path`` cannot be launched ("" when it can): said now, not as a launch failure later."""
    if not path.exists():
        return "does not exist"
    if not path.is_file():
        return "is not a file"
    if not os.access(path, os.X_OK):
        return "is not executable"
    return ""


def _with_executable(upstream: dict[str, Any], executable: Path) -> dict[str, Any]:
    args = list(upstream.get("args") or [])
    args.extend(flag for flag in SYSTEM_CHROMIUM_FLAGS if flag not in args)
    return {**upstream, "executable_path": str(executable), "args": args}
