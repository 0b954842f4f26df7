"""pytest-webagent: end-to-end web tests written as natural-language steps.

YAML case files run with ``pytest --webagent``; Python tests use the API below::

    from pytest_webagent import Agent, webagent

    @webagent.case("Sign in works", url="/login.html", steps=['Fill "Email" with "a@b.c"'])
    def test_sign_in(agent: Agent) -> None:
        agent.expect('"Welcome" is visible')
"""

from pytest_webagent import webagent
from pytest_webagent.agent import Agent

__all__ = ["Agent", "webagent"]
