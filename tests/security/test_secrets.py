"""Secrets: ``{{ secrets.NAME }}`` reaches the browser as its value and nothing else as anything
but the placeholder. Planted values are searched for in every artefact of a run (issue 7)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.security.artefacts import leaks, run_artefacts
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

PASSWORD = "hunter2-S3cr3t!"
API_TOKEN = "tok en/42+x"  # URL-encoding changes it: masked in that form too

# A page that echoes what was typed everywhere a page can: visible text, field values (in the
# ARIA snapshot), the URL and the title.
ACCOUNT = """
<label for=pw>Password</label><input id=pw>
<label for=tok>Token</label><input id=tok>
<button onclick="save()">Save</button>
<p id=echo>Not saved</p>
<script>
function save() {
  echo.textContent = 'Saved for ' + pw.value + ' with ' + tok.value;
  history.replaceState(null, '', '?token=' + encodeURIComponent(tok.value));
  document.title = 'Saved ' + pw.value;
}
</script>
"""

CASES = """
cases:
  - name: saves the account
    url: /account.html
    vars:
      token: "{{ secrets.API_TOKEN }}"
    steps:
      - Fill "Password" with "{{ secrets.PASSWORD }}"
      - Fill "Token" with "{{ token }}"
      - Click "Save"
      - expect: the page confirms the save
      - expect: '"Password" has value "{{ secrets.PASSWORD }}"'
      - Expect "Saved for {{ secrets.PASSWORD }} with {{ secrets.API_TOKEN }}"
  - name: the model types a secret by its placeholder
    url: /account.html
    steps:
      - Enter the stored password
      - Click "Save"
      - Expect "Saved for {{ secrets.PASSWORD }}"
  - name: a failing check quotes the expected value
    url: /account.html
    steps:
      - Fill "Password" with "{{ secrets.PASSWORD }}"
      - expect: '"Token" has value "{{ secrets.PASSWORD }}"'
"""


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as started:
        yield started


@pytest.fixture
def secrets_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_PASSWORD", PASSWORD)
    monkeypatch.setenv("WEBAGENT_SECRET_API_TOKEN", API_TOKEN)


def test_planted_secrets_reach_the_browser_and_no_artefact(
    project: WebagentProject, site: StaticSite, server: OpenAITestServer, secrets_set: None
) -> None:
    site.page("account.html", ACCOUNT)
    server.on("confirms the save", reply.act(reply.expect_text("Saved for")))
    server.on(
        "stored password",
        reply.act(reply.fill(element("textbox", "Password"), "{{ secrets.PASSWORD }}")),
    )
    project.case("cases/account.yaml", CASES)
    flags = [
        "--webagent-model=test-model",
        f"--webagent-base-url={server.base_url}",
        "--webagent-api-key=sk-secrets-test",
        "--webagent-screenshots=on",
        "--alluredir=allure-results",
        "--junitxml=junit.xml",
        "-vv",
        "--showlocals",
        "-rA",
        "--tracing=retain-on-failure",  # Playwright records typed values: scrubbed
    ]

    recording = project.run(*flags)

    recording.assert_outcomes(passed=2, failed=1)
    # The failure still says what was expected, as the placeholder (-vv: Playwright's text too).
    recording.stdout.fnmatch_lines(
        ["*\"Token\"*to have the value '{{ secrets.PASSWORD }}': Locator expected *",
         "caused by AssertionError:", "Locator expected to have Value '{{ secrets.PASSWORD }}'"]
    )  # fmt: skip
    assert leaks(run_artefacts(recording, project.path, server), [PASSWORD, API_TOKEN]) == []
    # The failed case's trace was kept, and holds the placeholder where Playwright had the value.
    (trace,) = project.path.glob("test-results/*/trace.zip")
    with zipfile.ZipFile(trace) as archive:
        assert "{{ secrets.PASSWORD }}" in archive.read("trace.trace").decode()

    replay = project.run(*flags, "--webagent-mode=replay")

    replay.assert_outcomes(passed=2, failed=1)  # the failed case was not recorded
    assert leaks(run_artefacts(replay, project.path, server), [PASSWORD, API_TOKEN]) == []

    # The model saw the page after the save, with the echoed values masked.
    confirm = next(c for c in server.chat_requests() if c.step == "the page confirms the save")
    assert confirm.snapshot is not None and "Saved for {{ secrets.PASSWORD }}" in confirm.snapshot
    recorded = json.loads(project.trajectory("cases/account.yaml").read_text())["cases"]
    values = [
        action.get("value")
        for case in recorded.values()
        for entry in case["steps"]
        for action in entry["actions"]
    ]
    assert values.count("{{ secrets.PASSWORD }}") == 3 and "{{ token }}" in values
    assert len(server.chat_requests()) == 2  # the replay run asked nothing


def test_missing_secret_is_named_before_the_page_opens_and_explained_once(
    project: WebagentProject,
) -> None:
    project.case(
        "cases/login.yaml",
        """
        cases:
          - name: signs in
            url: /login.html
            steps:
              - Fill "Email" with "a@b.c"
              - Fill "Password" with "{{ secrets.PASSWORD }}"
          - name: signs in again
            url: /login.html
            steps:
              - Fill "Password" with "{{ secrets.PASSWORD }}"
        """,
    )

    result = project.run("--setup-show", "-p", "xdist", "-n", "2")

    result.assert_outcomes(errors=2)
    output = result.stdout.str()
    # Each case names the secret in one line; what to do, and who needs it, is said once.
    result.stdout.fnmatch_lines(
        [
            "*MissingSecretError: case 'signs in' needs secrets that have no value: "
            "{{ secrets.PASSWORD }} (not set); how to give them a value is said once, at the end "
            "of the run (webagent: missing secrets)",
        ]
    )
    assert output.count("set the environment variable WEBAGENT_SECRET_PASSWORD") == 1, output
    result.stdout.fnmatch_lines_random(
        [
            "missing secret {{ secrets.PASSWORD }} is not set: set the environment variable "
            "WEBAGENT_SECRET_PASSWORD or provide it from the webagent_secrets fixture; needed by "
            "2 cases, which failed without it:",
            "  *cases/login.yaml:6 (cases/login.yaml::signs in)",
            "  *cases/login.yaml:10 (cases/login.yaml::signs in again)",
        ]
    )
    assert "SETUP    F page" not in output


def test_empty_secret_is_refused(project: WebagentProject, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_TOKEN", "")
    project.case(
        "cases/token.yaml",
        """
        cases:
          - name: uses a token
            url: /?t={{ secrets.TOKEN }}
            steps:
              - Expect "anything"
        """,
    )

    result = project.run()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*needs secrets that have no value: {{ secrets.TOKEN }} (empty)*",
            "missing secret {{ secrets.TOKEN }} is empty: *; needed by 1 case, which failed "
            "without it:",
            "  *cases/token.yaml:2 (cases/token.yaml::uses a token)",
        ]
    )


def test_a_webagent_secrets_fixture_provides_the_values(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("account.html", ACCOUNT)
    project.pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def webagent_secrets():
            return {{"PASSWORD": {PASSWORD!r}}}
        """
    )
    project.case(
        "cases/account.yaml",
        """
        cases:
          - name: saves
            url: /account.html
            steps:
              - Fill "Password" with "{{ secrets.PASSWORD }}"
              - Click "Save"
              - Expect "Saved for {{ secrets.PASSWORD }}"
        """,
    )

    result = project.run("-v")

    result.assert_outcomes(passed=1)
    assert leaks(run_artefacts(result, project.path, None), [PASSWORD]) == []


def test_the_leak_search_finds_each_encoded_form() -> None:
    echoed = [("url", b"/?token=tok%20en%2F42%2Bx"), ("plain", b"x hunter2-S3cr3t! y")]
    assert leaks(echoed, [API_TOKEN, PASSWORD]) == ["url", "plain"]
