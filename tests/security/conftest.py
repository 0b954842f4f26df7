"""Fixtures shared by the security tests: a second site and the OpenAI-compatible test server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_webagent.testing import OpenAITestServer
from tests.support.site import StaticSite


@pytest.fixture
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    """A second site: an origin no case may reach."""
    with StaticSite(tmp_path_factory.mktemp("other")) as served:
        yield served


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        yield started
