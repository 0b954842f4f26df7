"""``webagent_allowed_origins`` / ``--webagent-allowed-origins``: where pages may go. Issue 7.

The option's precedence and parsing, the default (the base URL's origin and the origins a case
names), and a run where allowing an origin lets a redirect through that fails without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_webagent.browser.origins import AllowedOrigins, origin_of, shown_url
from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.session import SESSION_KEY
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

OPTION = "webagent_allowed_origins"


def resolved(pytester: pytest.Pytester, *args: str) -> tuple[object, str]:
    config = pytester.parseconfigure("-p", "no:cacheprovider", *args)
    settings = config.stash[SESSION_KEY].settings
    return settings.values[OPTION], settings.sources[OPTION]


def test_precedence_cli_over_environment_over_ini_over_default(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolved(pytester) == ("", "default")
    # An ini value is a line list: one origin per line, or several on a line.
    pytester.makeini(
        f"[pytest]\n{OPTION} =\n    https://sso.example.com/\n"
        "    HTTP://Shop.Example:80 https://cdn.example\n"
    )
    assert resolved(pytester) == (
        ("https://sso.example.com", "http://shop.example", "https://cdn.example"),
        f"ini {OPTION}",
    )
    monkeypatch.setenv("WEBAGENT_ALLOWED_ORIGINS", "https://env.example, https://b.example:8443")
    assert resolved(pytester) == (
        ("https://env.example", "https://b.example:8443"),
        "environment WEBAGENT_ALLOWED_ORIGINS",
    )
    assert resolved(pytester, "--webagent-allowed-origins=*") == (
        ("*",),
        "command line --webagent-allowed-origins",
    )


def test_a_toml_list_is_read_as_origins(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        f'[tool.pytest.ini_options]\n{OPTION} = ["https://a.example", "https://b.example"]\n'
    )
    assert resolved(pytester) == (("https://a.example", "https://b.example"), f"ini {OPTION}")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("example.com", "'example.com' is not an origin: write scheme://host*"),
        ("https://a.example/login", "'https://a.example/login' is not an origin: *"),
        ("ftp://files.example", "'ftp://files.example' is not an origin: *"),
        ("https://user:pw@a.example", "'https://a.example': an allowed origin holds no user *"),
    ],
)
def test_an_invalid_origin_is_a_usage_error_naming_the_source(
    pytester: pytest.Pytester, value: str, problem: str
) -> None:
    result = pytester.runpytest_inprocess(
        "--co", "-p", "no:cacheprovider", f"--webagent-allowed-origins={value}"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"*{OPTION} = '{value}' (from command line --webagent-allowed-origins): {problem}"]
    )


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Example.COM:443/a?b#c", "https://example.com"),
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
        ("https://bücher.example/", "https://xn--bcher-kva.example"),
        ("blob:https://app.example/8c1f", "https://app.example"),
        ("about:blank", None),
        ("data:text/html,hi", None),
        ("file:///etc/passwd", None),
        ("javascript:alert(1)", None),
        ("chrome-error://chromewebdata/", None),
    ],
)
def test_origins_are_spelled_one_way(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_by_default_a_case_may_go_to_the_base_url_and_the_urls_it_names(tmp_path: Path) -> None:
    source = tmp_path / "named.yaml"
    source.write_text(
        "name: named\n"
        "url: https://shop.example/start\n"
        "steps:\n"
        '  - Go to "https://sso.example/login"\n'
        '  - Open "/account.html"\n'
        '  - Go to "chrome://crash"\n'
        "  - Visit the partner site at https://partner.example\n",  # not explicit: not named
        encoding="utf-8",
    )
    (case,) = load_cases(source)
    allowed = AllowedOrigins.for_case(("https://cdn.example",), "http://127.0.0.1:8000", case)

    assert allowed.origins == {
        "http://127.0.0.1:8000", "https://shop.example", "https://sso.example",
        "https://cdn.example",
    }  # fmt: skip
    assert allowed.schemes == {"chrome"}
    assert allowed.allows("https://sso.example/callback?code=1")
    assert allowed.allows("about:blank") and allowed.allows("chrome://crash")
    assert not allowed.allows("https://partner.example/")
    assert not allowed.allows("data:text/html,<script>1</script>")
    assert not allowed.allows("file:///etc/passwd")
    # A path resolves against the page, or the base URL while the page is still blank.
    assert allowed.absolute("/x", "about:blank") == "http://127.0.0.1:8000/x"
    assert allowed.absolute("//partner.example/x", "https://shop.example/a") == (
        "https://partner.example/x"
    )
    assert allowed.refusal("https://shop.example/x") is None
    assert allowed.refusal("about:blank") is not None  # nothing to plan there
    assert AllowedOrigins.for_case(("*",), None, case).allows("file:///etc/passwd")


def test_reports_show_no_query_fragment_or_credentials() -> None:
    assert shown_url("https://u:pw@evil.example/c?coupon=SAVE#x") == "https://evil.example/c?…"
    assert shown_url("https://evil.example/c") == "https://evil.example/c"
    assert len(shown_url("data:text/html," + "a" * 1000)) == 200


REDIRECT_AND_NAMED = """\
cases:
  - name: follows the deal
    url: /deal.html
    steps:
      - Click "Special deal"
      - expect: '"landing.html of another site" is visible'
  - name: names the other site itself
    url: /deal.html
    steps:
      - Go to "{other}/offers.html"
      - expect: '"offers.html of another site" is visible'
"""


def test_allowing_an_origin_lets_a_redirect_through(
    project: WebagentProject, site: StaticSite, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with StaticSite(tmp_path_factory.mktemp("other")) as other:
        for name in ("offers.html", "landing.html"):
            other.page(name, f"<p>{name} of another site</p>")
        site.page("deal.html", f'<a href="/redirect?to={other.url}/landing.html">Special deal</a>')
        project.case("cases/deal.yaml", REDIRECT_AND_NAMED.replace("{other}", other.url))

        refused = project.run()
        allowed = project.run(f"--webagent-allowed-origins={other.url}")

    refused.assert_outcomes(passed=1, failed=1)  # the case that names the site may go there
    refused.stdout.fnmatch_lines(
        [
            "*: navigation left the allowed origins in case 'follows the deal'",
            f"  stopped the page from going to {other.url}/landing.html (after click *) before "
            f"the request left the browser: not on an allowed origin (allowed: {site.url})",
            f"  hint: if the case should go there, allow it: webagent_allowed_origins = "
            f"{other.url} (ini), --webagent-allowed-origins or WEBAGENT_ALLOWED_ORIGINS, or name "
            'it in the case (its url: or a Go to "..." step)',
        ]
    )
    allowed.assert_outcomes(passed=2)
