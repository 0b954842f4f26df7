"""Secrets in the forms a page, a browser or Python gives them back (issue 15, breaks 4, 5, 6, 8,
9, 10 and 28): regex-escaped, browser-encoded, ``repr``'d with both quote kinds, stripped by a
field; and ``webagent_secrets`` returned as a plain dict, under ``--showlocals --fulltrace``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from pytest_webagent.secret_values import SecretMapping, Secrets, hide_values
from pytest_webagent.testing import OpenAITestServer, reply
from tests.security.artefacts import leaks, run_artefacts
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

PASSWORD = "Tr0ub4dor&3-hunter2"  # re.escape changes it: Tr0ub4dor\&3\-hunter2
TOKEN = "tok en~42"  # a form sends it as tok+en%7E42, a path as tok%20en~42
QUOTED = """it's "Tr0ub" """.strip()  # both quote kinds: repr escapes one of them
NOTE = "alice.secret\n"  # a one-line field keeps it without the newline
SECRETS = {"PASSWORD": PASSWORD, "TOKEN": TOKEN, "QUOTED": QUOTED, "NOTE": NOTE}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (repr(re.compile(re.escape(PASSWORD))), "PASSWORD"),  # break 5
        (f"Expected pattern: /{re.escape(PASSWORD)}/", "PASSWORD"),
        ("/u/tok%20en%7E42/account.html", "TOKEN"),  # break 6
        ("?tok=tok+en%7e42", "TOKEN"),
        ("?tok=tok%2520en~42", "TOKEN"),  # encoded twice, as in a redirect's ?to=
        (repr({"QUOTED": QUOTED}), "QUOTED"),  # break 8
        (json.dumps(QUOTED), "QUOTED"),
        ("it&#x27;s &quot;Tr0ub&quot;", "QUOTED"),
        ('textbox "Note": alice.secret', "NOTE"),  # break 10
        (repr(NOTE), "NOTE"),
    ],
)
def test_every_form_of_a_secret_is_masked(text: str, name: str) -> None:
    masked = Secrets(SECRETS).mask(text)
    assert f"{{{{ secrets.{name} }}}}" in masked
    assert leaks([("masked", masked.encode())], SECRETS.values()) == []


def test_masking_leaves_other_text_alone() -> None:
    text = "a tok, en 42, Tr0ub4dor and it's fine; %20 + ~"
    assert Secrets(SECRETS).mask(text) == text
    # A short form made by stripping is not masked on its own.
    assert Secrets({"NEWLINE": "\nab\n"}).mask("a tab") == "a tab"


def test_a_mapping_of_secrets_never_prints_a_value() -> None:
    hidden = hide_values({"PASSWORD": PASSWORD})
    assert isinstance(hidden, SecretMapping) and hidden["PASSWORD"] == PASSWORD
    assert PASSWORD not in repr(hidden) + str(hidden) + repr([hidden]) + f"{hidden}"
    assert dict(hidden) == {"PASSWORD": PASSWORD}


# A form sent with GET puts every field in the URL (``+`` and ``%7E``); the page then moves the
# token into its path, percent-encoded, and echoes the note as the field kept it.
ACCOUNT = """
<form action="/account.html">
  <label for=pw>Password</label><input id=pw name=pw>
  <label for=tok>Token</label><input id=tok name=tok>
  <label for=note>Note</label><input id=note name=note>
  <button>Save</button>
</form>
<button onclick="exportReport()">Export</button>
<p id=echo>Not saved</p>
<script>
function exportReport() {  // a download named after what was typed (break 9)
  const link = document.createElement("a");
  link.download = "report-" + pw.value + ".txt";
  link.href = URL.createObjectURL(new Blob(["report"]));
  link.click();
  echo.textContent = "Exported";
}
const sent = new URLSearchParams(location.search);
if (sent.has("tok")) {
  echo.textContent = "Saved for " + sent.get("note");
  const path = encodeURIComponent(sent.get("tok")).replace(/~/g, "%7E");
  history.replaceState(null, "", "/u/" + path + "/x.html" + location.search);
}
</script>
"""

CASES = """
cases:
  - name: saves
    url: /account.html
    steps:
      - Fill "Password" with "{{ secrets.PASSWORD }}"
      - Fill "Token" with "{{ secrets.TOKEN }}"
      - Fill "Note" with "{{ secrets.NOTE }}"
      - Click "Save"
      - Expect "Saved for"
      - expect: the page confirms the save
  - name: a failing title check quotes a pattern
    url: /account.html
    steps:
      - Fill "Note" with "{{ secrets.QUOTED }}"
      - Expect the title to contain "{{ secrets.QUOTED }}"
  - name: a refused download is named after a secret
    url: /account.html
    steps:
      - Fill "Password" with "{{ secrets.PASSWORD }}"
      - Click "Export"
      - Expect "Exported"
      - Fill "Note" with "the download event has arrived by now"
      - Expect "Exported"
"""

MODULE = """
from pytest_webagent import Agent


def test_secret_first_used_in_a_call(page, agent: Agent) -> None:
    page.goto("/account.html")
    agent.do('Fill "Password" with "{{ secrets.PASSWORD }}"')
    agent.expect('the title contains "{{ secrets.PASSWORD }}"')
"""

CONFTEST = f"""
import pytest


@pytest.fixture(scope="session")
def webagent_secrets():
    return {SECRETS!r}
"""


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        yield started


def test_encoded_and_quoted_forms_reach_no_artefact(
    project: WebagentProject, site: StaticSite, server: OpenAITestServer
) -> None:
    site.page("account.html", ACCOUNT, title="Account")
    server.on("confirms the save", reply.act(reply.expect_text("Saved for")))
    project.case("cases/account.yaml", CASES)
    project.case("test_account.py", MODULE)
    project.pytester.makeconftest(CONFTEST)

    result = project.run(
        "--webagent-model=test-model",
        f"--webagent-base-url={server.base_url}",
        "--alluredir=allure-results",
        "--junitxml=junit.xml",
        "--showlocals",
        "--fulltrace",
        "-vv",
        "-rA",
        "--tracing=retain-on-failure",
    )

    result.assert_outcomes(passed=2, failed=2)
    output = result.stdout.str()
    assert "DownloadRefusedWarning" in output and "report-{{ secrets.PASSWORD }}.txt" in output
    # The failures still say what was expected, as the placeholder.
    assert leaks(run_artefacts(result, project.path, server), SECRETS.values()) == []
    assert "{{ secrets.QUOTED }}" in output and "{{ secrets.PASSWORD }}" in output
    assert "SecretMapping(NOTE, PASSWORD, QUOTED, TOKEN: values hidden)" in output
    # The model saw the URL with the placeholders where the browser had encoded the values.
    (confirm,) = server.chat_requests()
    assert confirm.url is not None and "/u/{{ secrets.TOKEN }}/x.html" in confirm.url
    steps = json.loads(project.trajectory("cases/account.yaml").read_text())["cases"]["saves"]
    assert steps["steps"][-1]["url_path"] == "/u/{{ secrets.TOKEN }}/x.html"
    # The failure's ARIA snapshot in Allure shows the field's value as the placeholder.
    snapshots = [
        path.read_text()
        for path in (project.path / "allure-results").glob("*-attachment.txt")
        if "textbox" in path.read_text()
    ]
    assert any('textbox "Password": {{ secrets.PASSWORD }}' in text for text in snapshots)
    assert quote(TOKEN, safe="") not in output
