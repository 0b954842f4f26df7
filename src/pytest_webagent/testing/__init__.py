"""Test doubles for pytest-webagent: a scriptable OpenAI-compatible server.

Example::

    from pytest_webagent.testing import OpenAITestServer, element, reply

    with OpenAITestServer(model="test-model") as server:
        server.on("sign in", [
            reply.act(reply.fill(element("textbox", "Email"), "a@b.c"), status="continue"),
            reply.act(reply.click(element("button", "Sign in"))),
        ])
        ...  # point the plugin / an OpenAI client at server.base_url

Each rule's replies are used one per matching request; the last one repeats forever.
The fixture ``webagent_llm_server`` lives in :mod:`pytest_webagent.testing.fixtures`.
"""

from pytest_webagent.testing import reply
from pytest_webagent.testing.prompt import ChatRequest, RecordedRequest
from pytest_webagent.testing.script import Element, Reply, Rule, element
from pytest_webagent.testing.server import OpenAITestServer
from pytest_webagent.testing.snapshot import AriaNode, find_ref, parse_aria_snapshot

__all__ = [
    "AriaNode",
    "ChatRequest",
    "Element",
    "OpenAITestServer",
    "RecordedRequest",
    "Reply",
    "Rule",
    "element",
    "find_ref",
    "parse_aria_snapshot",
    "reply",
]
