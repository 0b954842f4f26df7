"""An element whose name holds a secret: recorded with the whole placeholder (never the prefix of
the value that Playwright's locator keeps), and replayed (issue 15, break 11)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.security.artefacts import leaks, run_artefacts
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

EMAIL = "alice.secret@corp.example.com"
# Playwright's Locator.normalize() cuts this name at a word: "Continue as alice.secret@corp".
PAGE = """
<label for=email>Email</label><input id=email>
<button onclick="go.textContent = 'Continue as ' + email.value; go.hidden = false">Next</button>
<button id=go hidden onclick="done.hidden = false">?</button>
<p id=done hidden>Signed in</p>
"""
CASE = """
cases:
  - name: continues as the user
    url: /login.html
    steps:
      - Fill "Email" with "{{ secrets.EMAIL }}"
      - Click "Next"
      - Continue with my account
      - Expect "Signed in"
"""


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        yield started


def test_a_secret_in_a_name_is_recorded_whole_and_replays(
    project: WebagentProject,
    site: StaticSite,
    server: OpenAITestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_EMAIL", EMAIL)
    site.page("login.html", PAGE)
    # The model sees the name masked, and answers with the ref of that element.
    name = "Continue as {{ secrets.EMAIL }}"
    server.on("Continue with my account", reply.act(reply.click(element("button", name))))
    project.case("cases/login.yaml", CASE)

    (action,) = recorded_then_replayed(project, server, "cases/login.yaml", "continues as the user")

    target = action["target"]
    assert target["signature"]["name"] == name
    assert "{{ secrets.EMAIL }}" in target["selector"] and name in target["code"]


def recorded_then_replayed(
    project: WebagentProject, server: OpenAITestServer, path: str, case: str
) -> list[dict[str, Any]]:
    """Record the case with the model, replay it with none asked, check that no artefact of
    either run holds the secret, whole or cut; the actions recorded for its third step."""
    flags = ("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")
    recording = project.run(*flags)
    replay = project.run(*flags, "--webagent-mode=replay", "-v")

    recording.assert_outcomes(passed=1)
    replay.assert_outcomes(passed=1)
    parts = [EMAIL, EMAIL[: EMAIL.index(".example")]]  # the whole value, and the cut one
    assert leaks(run_artefacts(recording, project.path, server), parts) == []
    assert leaks(run_artefacts(replay, project.path, server), parts) == []
    assert len(server.chat_requests()) == 1  # the replay asked nothing
    steps = json.loads(project.trajectory(path).read_text())["cases"][case]["steps"]
    actions: list[dict[str, Any]] = steps[2]["actions"]
    return actions


DROP_PAGE = """
<label for=email>Email</label><input id=email>
<button onclick="vault.setAttribute('aria-label', 'Vault of ' + email.value); vault.hidden = false">
  Next</button>
<button draggable="true" id="card">Card 3</button>
<section id="vault" hidden style="min-height: 40px">Drop here</section>
<p id="out"></p>
<script>
  card.addEventListener("dragstart", (event) => event.dataTransfer.setData("text", "card"));
  vault.addEventListener("dragover", (event) => event.preventDefault());
  vault.addEventListener("drop", (event) => { event.preventDefault(); vault.append(card);
    out.textContent = "Stored"; });
</script>
"""
DROP_CASE = """
cases:
  - name: stores the card
    url: /drop.html
    steps:
      - Fill "Email" with "{{ secrets.EMAIL }}"
      - Click "Next"
      - Put the card in my vault
      - Expect "Stored"
"""


def test_a_drop_target_whose_name_holds_a_secret_replays(
    project: WebagentProject,
    site: StaticSite,
    server: OpenAITestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_EMAIL", EMAIL)
    site.page("drop.html", DROP_PAGE)
    vault = element("region", "Vault of {{ secrets.EMAIL }}")
    server.on(
        "Put the card in my vault",
        reply.act(reply.drag(element("button", "Card 3"), vault)),
    )
    project.case("cases/drop.yaml", DROP_CASE)

    # Replayed only when the drop target's recorded selector gets the value back for the drag.
    (action,) = recorded_then_replayed(project, server, "cases/drop.yaml", "stores the card")

    assert "{{ secrets.EMAIL }}" in action["destination"]["selector"]
