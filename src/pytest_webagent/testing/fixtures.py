"""Pytest fixture for the OpenAI test server.

Enable it in a ``conftest.py`` with ``pytest_plugins = ["pytest_webagent.testing.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_webagent.testing.server import OpenAITestServer

__all__ = ["webagent_llm_server"]


@pytest.fixture
def webagent_llm_server() -> Iterator[OpenAITestServer]:
    """A started :class:`OpenAITestServer` (model ``"test-model"``, no API key), per test.

    Script it with ``webagent_llm_server.on(...)``; point clients at its ``base_url``.
    It is stopped when the test ends.
    """
    with OpenAITestServer() as server:
        yield server
