"""Targets inside same-origin frames: named (`in the "X" frame`) or found when the page itself has
none, recorded with a locator that enters the frame, replayed with no model, exported to code
that passes; a frame of another origin is never acted on."""

from __future__ import annotations

import json

import pytest

from pytest_webagent.resolve.frames import FramedQuery
from pytest_webagent.resolve.phrases import Intent, parse_action, parse_assertion
from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.cli import invoke, run_exported
from tests.support.project import WebagentProject, recorded_steps
from tests.support.site import StaticSite

CONTACT = """
<label>Your message <textarea id="message"></textarea></label>
<button onclick="out.textContent = 'Sent: ' + message.value">Send</button>
<p id="out"></p>
<script>const out = document.getElementById("out");
const message = document.getElementById("message");</script>
"""

FRAMES_CASE = """
name: frames
url: /outer.html
steps:
  - Fill "Your message" with "Hello" in the "Contact form" frame
  - Click "Send"
  - expect: '"Sent: Hello" is visible in the "Contact form" frame'
  - Write a second message
"""


def test_phrases_scope_targets_to_a_frame() -> None:
    framed = FramedQuery("Your message", "input", frame="Contact form")
    assert parse_action('Fill "Your message" with "Hi" in the "Contact form" frame') == Intent(
        "fill", framed, {"value": "Hi"}
    )
    assert parse_assertion('"Sent" is visible inside the "Contact form" iframe') == Intent(
        "expect_visible", FramedQuery("Sent", "visible", frame="Contact form")
    )
    # A quoted name that happens to end the step is not a frame unless the step needs it so.
    assert parse_action('Click "Open in the frame"') is not None
    assert parse_action('Dance in the "Contact form" frame') is None


def test_targets_in_same_origin_frames_record_replay_and_export(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("contact.html", CONTACT, title="Contact")
    site.page("outer.html", '<h1>Outer</h1><iframe title="Contact form" src="/contact.html">'
              "</iframe>", title="Outer")  # fmt: skip
    project.case("cases/frames.yaml", FRAMES_CASE)
    with OpenAITestServer() as server:
        server.on(
            "second message",
            reply.act(reply.fill(element("textbox", "Your message"), "Again")),
        )
        flags = ["--webagent-model=test-model", f"--webagent-base-url={server.base_url}"]
        project.run(*flags).assert_outcomes(passed=1)
        asked = len(server.chat_requests())
        assert asked == 1

        project.run("--webagent-mode", "replay").assert_outcomes(passed=1)

    steps = recorded_steps(project.trajectory("cases/frames.yaml"))["frames"]
    codes = [step["actions"][0]["target"]["code"] for step in steps]
    frame = 'locator("iframe[title=\\"Contact form\\"]").content_frame.'
    assert codes[:3] == [
        frame + 'get_by_role("textbox", name="Your message", exact=True)',
        frame + 'get_by_role("button", name="Send", exact=True)',  # found without being told
        frame + 'get_by_text("Sent: Hello", exact=True).filter(visible=True)',
    ]
    assert steps[0]["actions"][0]["target"]["signature"]["name"] == "Your message"
    assert "Contact form" in codes[3] or "iframe" in codes[3], codes[3]  # the model's ref, too

    monkeypatch.chdir(project.path)
    outcome = invoke(capsys, "export", "cases", "--out", "exported")
    assert outcome.status == 0, outcome.err
    source = (project.path / "exported" / "test_frames.py").read_text(encoding="utf-8")
    run = run_exported(project.path / "exported", site.url)
    assert run.returncode == 0, run.stdout + run.stderr + source


def test_a_frame_of_another_origin_is_never_acted_on(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("contact.html", CONTACT, title="Contact")
    other = site.url.replace("127.0.0.1", "localhost")  # same server, another origin
    site.page("outer.html", f'<iframe title="Elsewhere" src="{other}/contact.html"></iframe>')
    project.case(
        "cases/other.yaml",
        json.dumps(
            {
                "cases": [
                    {
                        "name": "named",
                        "url": "/outer.html",
                        "steps": ['Click "Send" in the "Elsewhere" frame'],
                    },
                    {"name": "searched", "url": "/outer.html", "steps": ['Click "Send"']},
                ]
            }
        ),
    )

    result = project.run(timeout=2)

    result.assert_outcomes(failed=2)
    output = result.stdout.str()
    assert "the frame 'Elsewhere' shows http://localhost:" in output
    assert "frames of other origins are never acted on" in output
    assert "no element named 'Send' appeared within 2s" in output
