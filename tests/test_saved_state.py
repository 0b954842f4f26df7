"""Signed-in state: a case saves its browser's storage state, other cases start from it (their own
``browser_context_args`` still applying), the saving case runs first whatever the file order, and
a case whose state was never saved says so before its page opens."""

from __future__ import annotations

import stat

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

LOGIN = """<button onclick="document.cookie = 'session=alice; path=/';
  localStorage.setItem('user', 'Alice'); location.href = '/account.html'">Sign in</button>"""
ACCOUNT = """<p id="who"></p><p id="lang"></p>
<script>
  const signedIn = document.cookie.includes("session=alice") && localStorage.getItem("user");
  document.getElementById("who").textContent = signedIn ? "Signed in as Alice" : "Signed out";
  document.getElementById("lang").textContent = "Language " + navigator.language;
</script>"""

CASES = """
cases:
  - name: view account
    uses_state: signed-in
    marks:
      - browser_context_args: {locale: de-DE}
    url: /account.html
    steps:
      - expect: '"Signed in as Alice" is visible'
      - expect: '"Language de-DE" is visible'
  - name: sign in
    saves_state: signed-in
    url: /login.html
    steps:
      - Click "Sign in"
      - expect: '"Signed in as Alice" is visible'
  - name: fresh visitor
    url: /account.html
    steps:
      - expect: '"Signed out" is visible'
"""


def test_a_saved_sign_in_is_reused_by_other_cases(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("login.html", LOGIN, title="Login")
    site.page("account.html", ACCOUNT, title="Account")
    project.case("cases/account.yaml", CASES)

    result = project.run("-v", timeout=10)

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["*::sign in PASSED*", "*::view account PASSED*", "*::fresh visitor PASSED*"]
    )
    saved = project.path / ".webagent-cache" / "state" / "signed-in.json"
    assert "alice" in saved.read_text(encoding="utf-8")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600

    # A Python test running the YAML case starts from the state too.
    project.case(
        "test_account.py",
        """
        from pytest_webagent import Agent, webagent


        @webagent.case("view account", from_file="cases/account.yaml")
        def test_view_account(agent: Agent) -> None:
            assert agent.page.context.cookies()[0]["value"] == "alice"
        """,
    )
    project.run("test_account.py", timeout=10).assert_outcomes(passed=1)

    saved.unlink()
    missing = project.run("-k", "view")

    missing.assert_outcomes(errors=2)  # the YAML case and the Python test running it
    missing.stdout.fnmatch_lines(
        [
            "*account.yaml:2: case 'view account' uses the state 'signed-in', which no case has "
            "saved yet: run the case with `saves_state: signed-in` in the same run*"
        ]
    )
