"""Fixtures for the test suite: pages on 127.0.0.1, the demo app, pytester projects."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

# pytester's in-process runs restore sys.modules afterwards, dropping modules first imported inside
# them. httpx caches the exception classes of the httpcore it first saw, so an httpcore re-imported
# by a later inner run raises timeouts httpx no longer recognises (a raw ReadTimeout instead of
# openai's error). Importing the model client's stack here keeps one copy for every run.
import httpcore2  # noqa: F401
import openai  # noqa: F401
import pytest
from playwright.sync_api import Page

# The same for the plugin's run stack (Python API, runner, resolvers, replay), which the plugin
# imports only once a case runs: imported again by every inner run, it would cost each one some
# 0.1 s and give its classes a second identity.
import pytest_webagent.webagent  # noqa: F401
from tests.support.browser import headless_chromium
from tests.support.project import PLUGIN_ENVIRONMENT, WebagentProject
from tests.support.site import StaticSite

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "examples"))  # the demo app lives with the examples

from demo_app.server import start_demo_server  # noqa: E402


@pytest.fixture(autouse=True)
def _clean_plugin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test inherits CI=true, a model or a key from the machine running the suite."""
    for name in PLUGIN_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def demo_url() -> Iterator[str]:
    """The example demo app (version 1) on 127.0.0.1."""
    server = start_demo_server(1)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def demo_v2_url() -> Iterator[str]:
    """The drifted version 2 of the demo app."""
    server = start_demo_server(2)
    yield server.url
    server.stop()


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    """An empty static site; tests write pages into it with ``site.page(name, html)``."""
    with StaticSite(tmp_path_factory.mktemp("site")) as served:
        yield served


@pytest.fixture
def project(pytester: pytest.Pytester, site: StaticSite) -> WebagentProject:
    """A pytester project whose base URL is ``site``."""
    return WebagentProject(pytester, site.url)


@pytest.fixture
def demo_project(pytester: pytest.Pytester, demo_url: str) -> WebagentProject:
    """A pytester project whose base URL is the demo app."""
    return WebagentProject(pytester, demo_url)


@pytest.fixture
def page() -> Iterator[Page]:
    """A page of this machine's headless Chromium (the suite runs without pytest-playwright)."""
    with headless_chromium() as (_, browser):
        yield browser.new_page()
