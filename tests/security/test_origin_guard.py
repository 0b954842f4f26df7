"""Leaving the allowed origins is stopped before the request leaves the browser, URLs are read
the way the browser reads them, and a URL the model planned never receives a secret (issue 15,
breaks 1 and 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_webagent.browser.origins import AllowedOrigins, browser_url, origin_of
from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.testing import OpenAITestServer, reply
from tests.security.artefacts import leaks, run_artefacts
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

PASSWORD = "hunter2-0pen-redirect"
APP = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("url", "goes_to"),
    [
        ("http:\\\\evil.test:9/x", "http://evil.test:9"),
        ("/\\evil.test:9/x", "http://evil.test:9"),
        ("\\\\evil.test:9/x", "http://evil.test:9"),
        ("http://127.0.0.1:8000\\@evil.test:9/x", "http://127.0.0.1:8000"),
        ("http://evil.test:9\\@127.0.0.1:8000/x", "http://evil.test:9"),
        (" \t/\n\\evil.test/", "http://evil.test"),
        ("https:evil.test", "https://evil.test"),
        ("http:///evil.test/x", "http://evil.test"),
        ("http:page.html", APP),  # the base's own scheme: a path
        ("/x?to=\\\\evil.test", APP),  # a backslash in the query is a backslash
    ],
)
def test_urls_are_read_as_the_browser_reads_them(url: str, goes_to: str) -> None:
    assert origin_of(browser_url(url, f"{APP}/a/b.html")) == goes_to


def test_a_case_names_an_origin_as_the_browser_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('cases:\n  - name: c\n    steps:\n      - Go to "/\\evil.test/x"\n')
    (case,) = load_cases(path)
    allowed = AllowedOrigins.for_case((), APP, case)
    assert allowed.origins == {APP, "http://evil.test"}


def test_nothing_reaches_another_origin(
    project: WebagentProject,
    site: StaticSite,
    other: StaticSite,
    server: OpenAITestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_PASSWORD", PASSWORD)
    host = other.url.removeprefix("http://")  # 127.0.0.1:port
    site.page(
        "start.html",
        f"""<button onclick="location = '{other.url}/by-script'">Leave</button>
        <a href="/redirect?to={other.url}/by-redirect">Redirect</a>
        <label for=pw>Password</label><input id=pw>""",
    )
    planned = {
        "backslashes": f"http:\\\\{host}/planned-1",
        "a slash and a backslash": f"/\\{host}/planned-2",
        "two backslashes": f"\\\\{host}/planned-3",
        "a user name": f"{other.url}\\@{site.url.removeprefix('http://')}/planned-4",
        # Same origin, but an open redirect: the secret would leave in the query (break 3).
        "the redirect": f"/redirect?to={other.url}/planned-5?p={{{{ secrets.PASSWORD }}}}",
    }
    cases = [
        "cases:",
        '  - name: a script leaves\n    url: /start.html\n    steps:\n      - Click "Leave"',
        '  - name: a redirect leaves\n    url: /start.html\n    steps:\n      - Click "Redirect"',
        # The case's own Go to step still gets its secret.
        "  - name: goes to its own URL\n    url: /start.html\n    steps:\n"
        '      - Go to "/start.html?t={{secrets.PASSWORD}}"',
    ]
    for name, url in planned.items():
        server.on(f"Open {name}", reply.act(reply.navigate(url)))
        cases.append(
            f"  - name: the model plans {name}\n    url: /start.html\n    steps:\n"
            f'      - Fill "Password" with "{{{{ secrets.PASSWORD }}}}"\n      - Open {name}'
        )
    project.case("cases/leave.yaml", "\n".join(cases) + "\n")

    result = project.run("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")

    result.assert_outcomes(passed=1, failed=2 + len(planned))
    assert f"/start.html?t={PASSWORD}" in site.paths
    assert other.paths == []  # not one request, not even one that failed afterwards
    assert [path for path in site.paths if "planned-5" in path] == []
    assert leaks(run_artefacts(result, project.path, server), [PASSWORD]) == []
    output = result.stdout.str()
    for leaving in ("by-script", "by-redirect"):
        assert (f"stopped the page from going to {other.url}/{leaving} (after click ") in output
    assert output.count("before the request left the browser: not on an allowed origin") == 2
    # The model's answer is refused as it is checked, with the URL as the browser reads it.
    assert output.count(f"'{other.url}/planned-") + output.count(f"'{other.url}/@") == 4
    assert output.count("is on another site; navigate only within") == 4
    assert (
        "refused to go to /redirect?to=" in output
        and "a URL the model planned never receives secrets" in output
    )
