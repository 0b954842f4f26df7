"""pytest-webagent: end-to-end web tests written as natural-language steps.

YAML case files run with ``pytest --webagent``; Python tests use the API below::

    from pytest_webagent import Agent, webagent

    @webagent.case("Sign in works", url="/login.html", steps=['Fill "Email" with "a@b.c"'])
    def test_sign_in(agent: Agent) -> None:
        agent.expect('"Welcome" is visible')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_webagent import webagent
    from pytest_webagent.agent import Agent

__all__ = ["Agent", "webagent"]


def __getattr__(name: str) -> Any:
    # Imported on first use: pytest imports this package for the plugin, and the Python API
    # brings in the whole run stack (runner, resolvers, replay), which listing or collecting
    # YAML cases never needs.
    if name == "Agent":
        value = importlib.import_module("pytest_webagent.agent").Agent
    elif name == "webagent":
        value = importlib.import_module("pytest_webagent.webagent")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # found directly from now on
    return value
