"""Every way a model or its endpoint can fail: a bounded number of requests, then a failure that
names the endpoint and the model and never the key. Real HTTP, real openai client, test server.

Faults of one kind share one inner run (one case per fault) to keep the suite fast; requests are
told apart by the step text the server reads out of each prompt.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pytest_webagent.errors import ModelError
from pytest_webagent.resolve.planning.llm import ModelClient, Usage
from pytest_webagent.settings import Settings
from pytest_webagent.testing import OpenAITestServer, Reply, element, reply
from tests.support.project import WebagentProject
from tests.test_planner import API_KEY, asked, model_flags, spy_on_clients


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        yield started


def cases(*steps: str) -> str:
    """One case per step, named after its step, on the demo app's todo page."""
    return "cases:\n" + "".join(
        f"  - name: {step.split(':')[-1].strip()}\n    url: /todos.html\n    steps:\n"
        f"      - {step}\n"
        for step in steps
    )


def where(server: OpenAITestServer) -> str:
    return f"model 'test-model' at {server.base_url}"


FENCED = """Sure! Here is my plan:
```json
{"status": "done", "reason": "the empty state is shown",
 "actions": [{"type": "expect_text", "text": "Nothing to do"}]}
```
Anything else?"""

# step -> (what the model answers every time, the problem the failure reports)
ANSWER_FAULTS: dict[str, tuple[Reply, str]] = {
    "Act on prose only": (
        reply.text("I would click the Add button."),
        "the answer is not a JSON object: 'I would click the Add button.'",
    ),
    "Act on a wrong shape": (
        reply.json({"action": "click", "element": "Add"}),
        "*'status' is a required property; the answer: 'reason' is a required property*",
    ),
    "Act on an unknown ref": (
        reply.act(reply.click(reply.unknown_ref())),
        "actions/0: ref 'e1000' is not in the latest snapshot; use a ref shown there, or *",
    ),
    "Act on an empty answer": (reply.text(""), "the answer is empty; answer with one JSON object"),
    # json.loads would raise a bare RecursionError, naming neither the case nor the model.
    "Act on a bottomless answer": (
        reply.text('{"status": "done", "reason": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        "the answer nests 100001 levels deep (at most 32); answer with one flat JSON object *",
    ),
    "expect: the add button works": (
        reply.act(reply.click(element("button", "Add"))),
        "an assertion step may only check, not act: remove click",
    ),
}


def test_invalid_answers_are_sent_back_a_bounded_number_of_times(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    for step, (answer, _) in ANSWER_FAULTS.items():
        server.on(step.removeprefix("expect: "), answer)
    server.on("the empty list says so", reply.text(FENCED))
    server.on("Scroll forever", reply.act(reply.press("End"), status="continue"))
    steps = [*ANSWER_FAULTS, "expect: the empty list says so", "Scroll forever"]
    demo_project.case("cases/faults.yaml", cases(*steps))

    result = demo_project.run(
        *model_flags(server, "--webagent-answer-retries=1", "--webagent-max-actions=3")
    )

    result.assert_outcomes(passed=1, failed=7)
    unusable = f"*{where(server)} gave no usable answer in 2 attempts (webagent_answer_retries=1)"
    result.stdout.fnmatch_lines(
        [f"{unusable}; last problem: {problem}" for _, problem in ANSWER_FAULTS.values()]
        + [
            f"*{where(server)} did not finish the step within 3 actions (webagent_max_actions); "
            "its last answer was 'continue': scripted by the test server"
        ],
        consecutive=False,
    )
    for step in ANSWER_FAULTS:
        chats = asked(server, step.removeprefix("expect: "))
        assert len(chats) == 2, step  # webagent_answer_retries=1: sent back once, no more
        # The problem goes back to the model, after its own answer.
        assert [m["role"] for m in chats[1].messages] == ["system", "user", "assistant", "user"]
        assert "Your previous answer was invalid: " in chats[1].messages[3]["content"]
    assert len(asked(server, "the empty list says so")) == 1  # JSON found in prose: no retry
    assert len(asked(server, "Scroll forever")) == 3  # one action each: no 4th, useless question
    assert API_KEY not in result.stdout.str()


# step -> (what the server answers, the failure it leads to; None: the retry succeeds)
HTTP_FAULTS: dict[str, tuple[list[Reply], str | None]] = {
    "rate limited once": (
        [reply.http_error(429, retry_after=0.01), reply.act(reply.expect_text("Nothing to do"))],
        None,
    ),
    "always rate limited": (
        [reply.http_error(429, retry_after=0.01)],
        "kept rate-limiting (429) after the retries: test server: scripted HTTP 429 *",
    ),
    "server error": (
        [reply.http_error(500, "the GPU caught fire", retry_after=0.01)],
        "answered HTTP 500: the GPU caught fire",
    ),
    "too slow": (
        [reply.delay(2, then=reply.done())],
        "did not answer within 0.5s (webagent_llm_timeout)",
    ),
}


def test_http_faults_are_retried_by_the_client_then_fail_clearly(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    for step, (replies, _) in HTTP_FAULTS.items():
        server.on(step, replies)
    demo_project.case("cases/http.yaml", cases(*(f"expect: {step}" for step in HTTP_FAULTS)))

    result = demo_project.run(
        *model_flags(server, "--webagent-llm-retries=1", "--webagent-llm-timeout=0.5")
    )

    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [f"ModelError: *{where(server)} {fault}" for _, fault in HTTP_FAULTS.values() if fault],
        consecutive=False,
    )
    for step in HTTP_FAULTS:
        retries = [chat.request.header("x-stainless-retry-count") for chat in asked(server, step)]
        assert retries == ["0", "1"], step  # webagent_llm_retries=1: one retry, no more
    assert API_KEY not in result.stdout.str() + result.stderr.str()


def test_requests_of_failing_steps_count_in_the_usage_line(
    demo_project: WebagentProject, server: OpenAITestServer
) -> None:
    server.on("prose only", reply.text("no JSON here"))
    demo_project.case("cases/usage.yaml", cases("Act on prose only"))

    result = demo_project.run(*model_flags(server, "--webagent-answer-retries=1"))

    result.assert_outcomes(failed=1)
    assert len(server.chat_requests()) == 2
    result.stdout.fnmatch_lines(["model: 2 calls, *"])


def test_refused_key_is_never_printed(demo_project: WebagentProject) -> None:
    secret = "sk-wrong-0123456789abcdef-SECRET"
    with OpenAITestServer(api_key="sk-the-right-one") as server:
        demo_project.case("cases/key.yaml", cases("Add a todo called Buy milk"))

        result = demo_project.run(
            "--webagent-model=test-model",
            f"--webagent-base-url={server.base_url}",
            f"--webagent-api-key={secret}",
            "--fulltrace",
            "--showlocals",
            "-vv",
        )

        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines([f"*{where(server)} refused the API key (401); check *"])
        assert [r.header("authorization") for r in server.requests] == [f"Bearer {secret}"]
    assert secret not in result.stdout.str() + result.stderr.str()
    assert secret[:12] not in result.stdout.str()  # not even the part providers echo back


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


def test_unreachable_endpoint_and_no_client_while_no_step_needs_one(
    demo_project: WebagentProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = spy_on_clients(monkeypatch)
    endpoint = closed_port_url()
    demo_project.case(
        "cases/offline.yaml",
        """
        cases:
          - name: explicit only
            url: /todos.html
            steps:
              - Fill "New todo" with "Buy milk"
              - Click the "Add" button
              - expect: '"1 item left" is visible'
          - name: needs a model
            url: /todos.html
            steps:
              - Add a todo called Buy milk
        """,
    )

    result = demo_project.run(
        "--webagent-model=test-model",
        f"--webagent-base-url={endpoint}",
        "--webagent-llm-retries=0",
    )

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "ModelError: *offline.yaml:11: step 1 'Add a todo called Buy milk': "
            f"model 'test-model' at {endpoint} is unreachable: Connection error.",
        ]
    )
    assert [test.split("::")[-1] for test in clients] == ["needs a model (call)"]


SCHEMA_ONLY_STEPS = """
    name: two planned steps
    url: /todos.html
    steps:
      - expect: the list is empty
      - expect: nothing is left to do
    """


@pytest.mark.parametrize(
    ("json_object", "formats"),
    [
        (True, ["json_schema", "json_object", "json_object"]),
        (False, ["json_schema", "json_object", None, None]),
    ],
    ids=["json_object", "text"],
)
def test_server_without_structured_output_gets_plainer_requests(
    demo_project: WebagentProject,
    server: OpenAITestServer,
    json_object: bool,
    formats: list[str | None],
) -> None:
    server.supports_json_schema = False
    server.supports_json_object = json_object
    server.on("the list is empty", reply.act(reply.expect_text("Nothing to do")))
    server.on("nothing is left", reply.act(reply.expect_text("0 items left")))
    demo_project.case("cases/formats.yaml", SCHEMA_ONLY_STEPS)

    result = demo_project.run(*model_flags(server))

    result.assert_outcomes(passed=1)
    # Only the first exchange pays for finding the format; the level found is kept.
    assert [chat.response_format_type for chat in server.chat_requests()] == formats
    result.stdout.fnmatch_lines([f"model: {len(formats)} calls, *"])


class _LoginPage(BaseHTTPRequestHandler):
    """What a captive proxy in front of a model server answers: HTML, with status 200."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html><body>Please sign in to the proxy</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_200_that_is_not_a_chat_completion_fails_clearly_without_credentials() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _LoginPage) as proxy:
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}/v1"
        settings = Settings({
            "webagent_model": "test-model", "webagent_api_key": API_KEY,
            "webagent_base_url": endpoint.replace("//", "//user:hunter2@"),
            "webagent_llm_timeout": 5, "webagent_llm_retries": 0,
        })  # fmt: skip
        usage = Usage()
        with pytest.raises(ModelError) as raised:
            ModelClient(settings, store=None).complete([{"role": "user", "content": "hi"}], usage)
        proxy.shutdown()
    assert str(raised.value) == (
        f"model 'test-model' at {endpoint.replace('//', '//***@')} answered with something "
        "other than a chat completion: '<html><body>Please sign in to the proxy</body></html>'"
    )
    assert usage.calls == 1
