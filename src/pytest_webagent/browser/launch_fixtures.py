"""Fixture overrides registered at configure time, after every entry-point plugin.

Registering this module late makes its ``browser_type_launch_args`` the one pytest picks, while it
still receives pytest-playwright's value to extend (a plugin's import order is not ours to choose).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_webagent.browser import chromium
from pytest_webagent.errors import BrowserNotFoundError
from pytest_webagent.session import WebagentSession


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
    browser_type: Any,
    connect_options: dict[str, Any] | None,
    webagent_session: WebagentSession,
) -> dict[str, Any]:
    if connect_options:
        # pytest-playwright connects to a remote browser server instead of launching: no local
        # Chromium is needed, and these arguments only travel to the server as a header.
        return browser_type_launch_args
    try:
        return chromium.merged_launch_args(
            browser_type_launch_args,
            browser_type.name,
            browser_type.executable_path,
            webagent_session.settings.browser_executable,
        )
    except BrowserNotFoundError as error:
        pytest.fail(f"BrowserNotFoundError: {error}", pytrace=False)
