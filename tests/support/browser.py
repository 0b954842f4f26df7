"""This machine's headless Chromium, for tests that drive a page directly (not through pytester)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Playwright, sync_playwright

from pytest_webagent.browser.chromium import merged_launch_args


@contextmanager
def headless_chromium() -> Iterator[tuple[Playwright, Browser]]:
    """Playwright and a headless Chromium, found the way the plugin finds it."""
    with sync_playwright() as playwright:
        launch = merged_launch_args({}, "chromium", playwright.chromium.executable_path, None)
        browser = playwright.chromium.launch(headless=True, **launch)
        try:
            yield playwright, browser
        finally:
            browser.close()
