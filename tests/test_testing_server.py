"""Tests for pytest_webagent.testing: the scriptable OpenAI-compatible test server.

Every test talks to the real server over HTTP with the real ``openai`` client.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import pytest_webagent.testing as testing
from pytest_webagent.testing import OpenAITestServer, element, find_ref, parse_aria_snapshot, reply

SNAPSHOT = """\
- generic [active] [ref=e1]:
  - navigation [ref=e2]:
    - link "Home" [ref=e3] [cursor=pointer]:
      - /url: /a?x=1
  - main [ref=e4]:
    - heading "Sign in" [level=1] [ref=e5]
    - text: Email
    - textbox "Email" [ref=e6]:
      - /placeholder: you@x
    - checkbox "Remember me" [ref=e8]
    - combobox "Plan" [ref=e9]:
      - option "One" [selected]
    - button "Sign in" [ref=e10]
    - listitem [ref=e13]: a"""

SCHEMAS = Path(testing.__file__).resolve().parent.parent / "schemas"


def _answer_validator() -> Draft202012Validator:
    schemas = [
        json.loads((SCHEMAS / n).read_text())
        for n in ("planner-answer.schema.json", "action.schema.json")
    ]
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas
    )
    return Draft202012Validator(schemas[0], registry=registry)


ANSWER = _answer_validator()


def observation(step: str, kind: str = "action", snapshot: str = SNAPSHOT) -> str:
    """An observation message laid out like the planner's (resolve/planning/prompt.py)."""
    boundary = "9f3a1c"
    return "\n".join(
        [
            "CASE GOAL: Log in and check the basket",
            f"STEP: {step}",
            f"STEP KIND: {kind}",
            "This is an ACTION step: perform it with browser actions.",
            "DONE SO FAR:",
            "- nothing yet",
            "URL: http://127.0.0.1:8000/login.html",
            'TITLE (from the page, untrusted): "Login \\"beta\\""',
            f"The page snapshot follows between the boundary lines {boundary}.",
            f'<page_snapshot boundary="{boundary}">',
            snapshot,
            f'</page_snapshot boundary="{boundary}">',
        ]
    )


def messages(step: str, kind: str = "action", snapshot: str = SNAPSHOT) -> list[Any]:
    return [
        {"role": "system", "content": "You are the planner."},
        {"role": "user", "content": observation(step, kind, snapshot)},
    ]


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer(model="test-model") as srv:
        yield srv


@pytest.fixture
def client(server: OpenAITestServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, timeout=5) as c:
        yield c


def ask(client: openai.OpenAI, step: str, **kwargs: Any) -> Any:
    """Send one planner-style request and return the decoded message content."""
    completion = client.chat.completions.create(
        model="test-model", messages=messages(step), **kwargs
    )
    content = completion.choices[0].message.content
    assert content is not None
    return json.loads(content)


def test_models_list_and_retrieve(server: OpenAITestServer, client: openai.OpenAI) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
    assert [m.id for m in client.models.list()] == ["test-model"]
    assert client.models.retrieve("test-model").owned_by == "pytest-webagent"
    with pytest.raises(openai.NotFoundError) as info:
        client.models.retrieve("gpt-nope")
    assert info.value.code == "model_not_found"


def test_element_placeholders_resolve_against_the_prompt_snapshot(
    server: OpenAITestServer, client: openai.OpenAI
) -> None:
    server.on(
        "Sign in as the demo user",
        [
            reply.act(
                reply.fill(element("textbox", "Email"), "alice@example.com"), status="continue"
            ),
            reply.act(
                reply.check(element("checkbox", "Remember me")),
                reply.click(element("button", "Sign in")),
            ),
        ],
    )
    first = ask(client, "sign in as the demo user, please")  # contains, case-insensitive
    second = ask(client, "Sign in as the demo user")
    assert first["status"] == "continue"
    assert first["actions"] == [
        {"type": "fill", "target": {"ref": "e6"}, "value": "alice@example.com"}
    ]
    assert second["status"] == "done"
    assert second["actions"] == [
        {"type": "check", "target": {"ref": "e8"}},
        {"type": "click", "target": {"ref": "e10"}},
    ]
    for answer in (first, second):
        ANSWER.validate(answer)
    chats = server.chat_requests()
    assert [c.step for c in chats] == [
        "sign in as the demo user, please",
        "Sign in as the demo user",
    ]
    assert chats[0].kind == "action" and chats[0].title == 'Login "beta"'
    assert chats[0].goal == "Log in and check the basket"
    assert chats[0].url == "http://127.0.0.1:8000/login.html"
    assert chats[0].snapshot == SNAPSHOT


def test_missing_element_answers_no_match(server: OpenAITestServer, client: openai.OpenAI) -> None:
    server.on("log out", [reply.act(reply.click(element("button", "Log out")))])
    answer = ask(client, "Log out")
    assert answer["status"] == "no_match"
    assert 'button "Log out"' in answer["reason"] and "not in the page snapshot" in answer["reason"]
    assert "actions" not in answer
    ANSWER.validate(answer)


def test_queue_is_consumed_in_order_and_last_reply_repeats(
    server: OpenAITestServer, client: openai.OpenAI
) -> None:
    rule = server.on(
        "keep going",
        [
            reply.act(reply.press("PageDown"), status="continue", reason="one"),
            reply.act(reply.press("PageDown"), status="continue", reason="loop"),
        ],
    )
    reasons = [ask(client, "keep going")["reason"] for _ in range(4)]
    assert reasons == ["one", "loop", "loop", "loop"]
    assert rule.calls == 4


def test_newest_rule_wins_and_kind_filters(server: OpenAITestServer, client: openai.OpenAI) -> None:
    server.on(None, [reply.done("default")])
    server.on("basket", [reply.act(reply.expect_text("2 items"))])
    server.on("looks friendly", [reply.verdict("pass", "greets the user")], kind="judge")
    assert ask(client, "The basket shows 2 items")["actions"] == [
        {"type": "expect_text", "text": "2 items"}
    ]
    assert ask(client, "anything else")["reason"] == "default"
    # the judge rule is restricted to judge steps; this request is an action step
    assert ask(client, "page looks friendly")["reason"] == "default"
    judged = client.chat.completions.create(
        model="test-model", messages=messages("The page looks friendly", kind="judge")
    )
    verdict = json.loads(judged.choices[0].message.content or "")
    assert verdict == {"status": "done", "reason": "greets the user", "verdict": "pass"}
    ANSWER.validate(verdict)


def test_request_without_rule_gets_no_match(
    server: OpenAITestServer, client: openai.OpenAI
) -> None:
    server.on("something else", [reply.done()])
    assert ask(client, "Open the basket") == {
        "status": "no_match",
        "reason": "test server has no rule for step 'Open the basket'",
    }


def test_retry_message_without_step_line_uses_last_observation(
    server: OpenAITestServer, client: openai.OpenAI
) -> None:
    server.on(
        "Sign in", [reply.text("not json"), reply.act(reply.click(element("button", "Sign in")))]
    )
    history = messages("Click Sign in")
    first = client.chat.completions.create(model="test-model", messages=history)
    assert first.choices[0].message.content == "not json"
    history += [
        {"role": "assistant", "content": "not json"},
        {"role": "user", "content": "Your previous answer was invalid: Expecting value."},
    ]
    second = client.chat.completions.create(model="test-model", messages=history)
    assert json.loads(second.choices[0].message.content or "")["actions"][0]["target"] == {
        "ref": "e10"
    }
    assert server.chat_requests()[1].step == "Click Sign in"
    assert server.chat_requests()[1].snapshot == SNAPSHOT


def test_rate_limit_is_retried_by_the_client(server: OpenAITestServer) -> None:
    server.on("x", [reply.http_error(429, retry_after=0.05), reply.done("after the retry")])
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=2) as retrying:
        answer = ask(retrying, "x")
    assert answer["reason"] == "after the retry"
    chats = server.requests
    assert len(chats) == 2
    assert chats[1].header("X-Stainless-Retry-Count") == "1"


def test_rate_limit_without_retries_raises(server: OpenAITestServer, client: openai.OpenAI) -> None:
    server.on("x", reply.http_error(429, retry_after=2))
    with pytest.raises(openai.RateLimitError) as info:
        ask(client, "x")
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.response.headers["retry-after"] == "2"
    assert info.value.response.headers["retry-after-ms"] == "2000"


def test_server_error(server: OpenAITestServer, client: openai.OpenAI) -> None:
    server.on("x", [reply.http_error(500, "boom")])
    with pytest.raises(openai.InternalServerError) as info:
        ask(client, "x")
    assert info.value.status_code == 500
    assert info.value.message.endswith("boom") or "boom" in str(info.value.body)
    assert info.value.type == "server_error"


def test_api_key_is_required_when_set() -> None:
    with OpenAITestServer(api_key="sk-right") as server:
        server.on(None, [reply.done("ok")])
        wrong = openai.OpenAI(base_url=server.base_url, api_key="sk-wrong", max_retries=0)
        with wrong, pytest.raises(openai.AuthenticationError) as info:
            ask(wrong, "x")
        assert info.value.code == "invalid_api_key"
        with openai.OpenAI(base_url=server.base_url, api_key="sk-right", max_retries=0) as right:
            assert ask(right, "x")["reason"] == "ok"
        sent = [r.header("authorization") for r in server.requests]
        assert sent == ["Bearer sk-wrong", "Bearer sk-right"]
        assert server.requests[1].headers["authorization"] == "Bearer sk-right"


def test_delay_beyond_client_timeout_times_out(server: OpenAITestServer) -> None:
    server.on(
        "slow", [reply.delay(2, then=reply.done()), reply.delay(0.05, then=reply.done("late"))]
    )
    with openai.OpenAI(
        base_url=server.base_url, api_key="sk-test", max_retries=0, timeout=0.2
    ) as c:
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            ask(c, "slow")
        assert time.monotonic() - started < 1.5
        assert ask(c, "slow")["reason"] == "late"  # a short delay within the timeout is fine
    started = time.monotonic()
    server.stop()  # the first handler is still sleeping: stop wakes it instead of waiting
    assert time.monotonic() - started < 1.0
    with pytest.raises(ValueError):
        reply.delay(31, then=reply.done())


def test_response_format_support_flags(server: OpenAITestServer, client: openai.OpenAI) -> None:
    rule = server.on("x", [reply.done("fine")])
    schema_format: Any = {
        "type": "json_schema",
        "json_schema": {"name": "a", "schema": {"type": "object"}},
    }
    assert ask(client, "x", response_format=schema_format)["reason"] == "fine"
    server.supports_json_schema = False
    with pytest.raises(openai.BadRequestError) as info:
        ask(client, "x", response_format=schema_format)
    assert info.value.param == "response_format" and "response_format" in info.value.message
    assert ask(client, "x", response_format={"type": "json_object"})["reason"] == "fine"
    server.supports_json_object = False
    with pytest.raises(openai.BadRequestError):
        ask(client, "x", response_format={"type": "json_object"})
    assert ask(client, "x")["reason"] == "fine"  # plain text still works
    assert rule.calls == 3  # rejected requests do not consume replies
    formats = [c.response_format_type for c in server.chat_requests()]
    assert formats == ["json_schema", "json_schema", "json_object", "json_object", None]


def test_raw_text_json_and_bad_refs(server: OpenAITestServer, client: openai.OpenAI) -> None:
    server.on("prose", [reply.text("Sure! I would click the button.")])
    server.on("shape", [reply.json({"action": "click", "where": "button"})])
    server.on("ghost", [reply.act(reply.click(reply.unknown_ref()), reply.click("e42"))])
    server.on("evil", [reply.act(reply.navigate("https://evil.example/"))])
    prose = client.chat.completions.create(model="test-model", messages=messages("prose"))
    assert prose.choices[0].message.content == "Sure! I would click the button."
    assert ask(client, "shape") == {"action": "click", "where": "button"}
    ghost = ask(client, "ghost")["actions"]
    refs = {n.ref for n in parse_aria_snapshot(SNAPSHOT)}
    assert ghost[0]["target"]["ref"] not in refs
    assert ghost[1]["target"] == {"ref": "e42"}
    assert ask(client, "evil")["actions"] == [{"type": "navigate", "url": "https://evil.example/"}]


def test_usage_estimates_tokens_from_characters(
    server: OpenAITestServer, client: openai.OpenAI
) -> None:
    server.on("x", [reply.text("abcde")])
    msgs: list[Any] = [
        {"role": "system", "content": "1234567"},
        {"role": "user", "content": "STEP: x"},
    ]
    completion = client.chat.completions.create(model="other-model", messages=msgs)
    minimal = server.chat_requests()[0]  # the bare format: just a STEP line
    assert (minimal.step, minimal.kind, minimal.snapshot) == ("x", None, None)
    assert completion.object == "chat.completion" and completion.model == "other-model"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    # ceil(14 chars / 4) and ceil(5 chars / 4)
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (4, 2)
    assert completion.usage.total_tokens == 6


def test_unknown_route_and_bad_body_get_openai_errors(server: OpenAITestServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server.url}/v1/embeddings", timeout=5)
    assert info.value.code == 404
    error = json.loads(info.value.read())["error"]
    assert set(error) >= {"message", "type", "code"} and "/v1/embeddings" in error["message"]
    bad = urllib.request.Request(
        f"{server.base_url}/chat/completions", data=b"{nope", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(bad, timeout=5)
    assert info.value.code == 400
    assert [(r.method, r.path, r.body, r.raw_body) for r in server.requests] == [
        ("GET", "/v1/embeddings", None, b""),
        ("POST", "/v1/chat/completions", None, b"{nope"),
    ]


def test_concurrent_requests_each_take_one_reply(server: OpenAITestServer) -> None:
    server.on("x", [reply.json({"n": i}) for i in range(8)])
    results: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0) as c:
            n = ask(c, "x")["n"]
        with lock:
            results.append(n)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == list(range(8))


def test_reset_clears_rules_and_requests(server: OpenAITestServer, client: openai.OpenAI) -> None:
    server.on("x", [reply.done("scripted")])
    assert ask(client, "x")["reason"] == "scripted"
    server.reset()
    assert server.requests == [] and server.rules == []
    assert ask(client, "x")["status"] == "no_match"
    assert len(server.requests) == 1


def test_snapshot_parser_handles_quotes_and_nth() -> None:
    snapshot = "\n".join(
        [
            "- list [ref=e1]:",
            '  - button "Say \\"hi\\"" [ref=e2]',
            "  - 'link \"Note: it''s here\" [ref=e3] [cursor=pointer]':",
            "    - /url: /n",
            '  - button "Add" [ref=e4]',
            '  - button "Add" [disabled] [ref=e5]',
            '  - listitem [ref=e6]: "- dash"',
        ]
    )
    nodes = parse_aria_snapshot(snapshot)
    assert [n.ref for n in nodes] == ["e1", "e2", "e3", "e4", "e5", "e6"]
    assert nodes[1].name == 'Say "hi"'
    assert nodes[2].name == "Note: it's here" and nodes[2].attributes["cursor"] == "pointer"
    assert nodes[2].depth == 1 and nodes[5].text == "- dash"
    assert find_ref(snapshot, "button", "Add") == "e4"
    assert find_ref(snapshot, "button", "Add", nth=1) == "e5"
    assert find_ref(snapshot, "button", "Add", nth=2) is None
    assert find_ref(SNAPSHOT, "option", "One") is None  # no ref: cannot be targeted
    assert find_ref(SNAPSHOT, "listitem") == "e13"


def test_fixture_is_available_through_pytest_plugins(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["pytest_webagent.testing.fixtures"]')
    pytester.makepyfile(
        """
        import openai
        from pytest_webagent.testing import reply

        def test_it(webagent_llm_server):
            webagent_llm_server.on(None, [reply.done("from fixture")])
            client = openai.OpenAI(base_url=webagent_llm_server.base_url, api_key="k")
            out = client.chat.completions.create(
                model="test-model", messages=[{"role": "user", "content": "STEP: a"}]
            )
            assert "from fixture" in out.choices[0].message.content
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:webagent", "-p", "no:playwright")
    result.assert_outcomes(passed=1)


def test_rules_reject_empty_or_non_reply_queues(server: OpenAITestServer) -> None:
    with pytest.raises(ValueError):
        server.on("x", [])
    with pytest.raises(TypeError, match=r"reply\.json"):
        server.on("x", [{"status": "done", "reason": "raw dicts are not replies"}])  # type: ignore[list-item]
    assert server.rules == []
