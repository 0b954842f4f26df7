"""Model settings: command line > environment > ini, as the header shows and as the wire proves
(which server is asked, for which model, with which key), and the token usage line."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import ExitStack
from typing import NamedTuple

import pytest

from pytest_webagent.testing import OpenAITestServer, reply
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

CHECK = {
    "status": "done",
    "reason": "the button is there",
    "actions": [{"type": "expect_text", "text": "Go"}],
}


class Layer(NamedTuple):
    name: str
    model: str
    source: str  # as the header line names it
    key: str  # the key the server must receive (the ini sets none: the environment's is used)


LAYERS = (
    Layer("ini", "ini-model", "ini webagent_model", "sk-from-env"),
    Layer("environment", "env-model", "environment WEBAGENT_MODEL", "sk-from-env"),
    Layer("command line", "cli-model", "command line --webagent-model", "sk-from-cli"),
)


@pytest.fixture
def servers() -> Iterator[dict[str, OpenAITestServer]]:
    """One server per settings layer, each answering the same check."""
    with ExitStack() as stack:
        started = {layer.name: stack.enter_context(OpenAITestServer()) for layer in LAYERS}
        for server in started.values():
            server.on(None, reply.json(CHECK))
        yield started


def test_model_base_url_and_key_follow_cli_over_environment_over_ini(
    project: WebagentProject,
    site: StaticSite,
    servers: dict[str, OpenAITestServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = site.page("go.html", "<button>Go</button>")
    project.case("cases/go.yaml", f"name: go\nurl: {url}\nsteps:\n  - expect: there is a way on\n")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    cli: list[str] = []
    for layer in LAYERS:  # each run adds the next layer on top of the previous ones
        server = servers[layer.name]
        if layer.name == "ini":
            project.write_ini(
                "webagent_model = ini-model", f"webagent_base_url = {server.base_url}"
            )
        if layer.name == "environment":
            monkeypatch.setenv("WEBAGENT_MODEL", "env-model")
            monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        if layer.name == "command line":
            cli = [
                "--webagent-model=cli-model",
                f"--webagent-base-url={server.base_url}",
                "--webagent-api-key=sk-from-cli",
            ]

        result = project.run("--webagent-mode=refresh", *cli)

        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(
            [f"webagent: mode refresh (*), resolver auto, model {layer.model} ({layer.source}), *"]
        )
        asked = server.chat_requests()
        assert [chat.model for chat in asked] == [layer.model], layer
        assert asked[0].request.header("authorization") == f"Bearer {layer.key}"
        # Only the winning layer's server was asked, once.
        assert {name: len(s.requests) for name, s in servers.items() if s.requests} == {
            layer.name: 1
        }
        # Tokens as the server counted them: ceil(characters / 4) of the prompt and the answer.
        prompt = math.ceil(asked[0].prompt_chars / 4)
        completion = math.ceil(len(json.dumps(CHECK)) / 4)
        result.stdout.fnmatch_lines(
            [f"model: 1 call, {prompt} prompt + {completion} completion tokens, 0 answers *"]
        )
        server.reset()


def test_header_says_no_model_when_none_is_configured(project: WebagentProject) -> None:
    result = project.run("--collect-only")

    result.stdout.fnmatch_lines(["webagent: mode missing (default), resolver auto, no model, *"])
