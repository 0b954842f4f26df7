"""The navigation guard pauses only what it may have to stop, and still stops it.

Patterns are checked against Chromium's own glob rules reimplemented here (``*``, ``?``, a
backslash escapes), then the guard runs in a real Chromium with two sites: navigations within the
allowed origin must reach the server while Python is not inside any Playwright call (a paused
request would wait for Python), and navigations elsewhere must not reach the other server at all.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from pytest_webagent.browser.chromium import merged_launch_args
from pytest_webagent.browser.document_patterns import URL_ALPHABET, document_patterns_outside
from pytest_webagent.browser.navigation_guard import NavigationGuard, rest_idle_pauses
from pytest_webagent.browser.origins import AllowedOrigins
from tests.support.browser import headless_chromium
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

ORIGINS = {"http://127.0.0.1:8000", "http://127.0.0.1:8001", "https://example.com"}


def chromium_glob(pattern: str) -> re.Pattern[str]:
    """A Fetch ``urlPattern`` as Chromium matches it: ``*``, ``?``, ``\\`` escapes; whole URL."""
    parts, escaped = [], False
    for character in pattern:
        if escaped:
            parts.append(re.escape(character))
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "*":
            parts.append(".*")
        elif character == "?":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.DOTALL)


def paused(url: str, patterns: list[re.Pattern[str]]) -> bool:
    return any(pattern.fullmatch(url) for pattern in patterns)


def test_patterns_pause_every_url_of_another_origin_and_no_other() -> None:
    compiled = [chromium_glob(p["urlPattern"]) for p in document_patterns_outside(ORIGINS)]
    allowed = [
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8001/a?b=*&c=?#x",
        "https://example.com/path\\with*wildcards?",
    ]
    refused = [
        "http://127.0.0.1:800/",
        "http://127.0.0.1:80000/",
        "http://127.0.0.1:8002/",
        "http://127.0.0.1:8000@evil.test/",
        "http://127.0.0.1.evil.test:8000/",
        "https://example.com.evil.test/",
        "https://example.co/",
        "http://example.com/",
        "https://127.0.0.1:8000/",
        "data:text/html,<p>hi</p>",
        "ftp://127.0.0.1:8000/",
        "http://127.0.0.1:8000",  # no canonical URL ends there; paused all the same
        "*",
        "",
    ]
    assert [url for url in allowed if paused(url, compiled)] == []
    assert [url for url in refused if not paused(url, compiled)] == []
    # Random URLs near the allowed prefixes: paused exactly when no allowed origin starts them.
    rng = random.Random(16)
    prefixes = [f"{origin}/" for origin in ORIGINS]
    for _ in range(3000):
        base = rng.choice(prefixes)
        cut = rng.randrange(len(base) + 1)
        url = base[:cut] + "".join(rng.choice(URL_ALPHABET) for _ in range(rng.randrange(4)))
        assert paused(url, compiled) == (not url.startswith(tuple(prefixes))), url


def test_no_origin_left_unpaused_pauses_every_document() -> None:
    assert document_patterns_outside([]) == [
        {"urlPattern": "*", "resourceType": "Document", "requestStage": "Request"}
    ]


@pytest.fixture
def browser() -> Iterator[Browser]:
    with headless_chromium() as (_, launched):
        yield launched


def guarded_page(browser: Browser, *origins: str) -> tuple[Page, NavigationGuard]:
    page = browser.new_context().new_page()
    return page, NavigationGuard(page, AllowedOrigins(frozenset(origins)))


def test_navigations_within_the_allowed_origins_are_never_held(
    browser: Browser, site: StaticSite, other: StaticSite
) -> None:
    site.page("start.html", "<p>start</p>")
    site.page("next.html", "<p>next</p>")
    other.page("away.html", "<p>away</p>")
    page, guard = guarded_page(browser, site.url)
    page.goto(f"{site.url}/start.html")

    # Started by the page, then Python waits outside Playwright: a paused request would wait too.
    page.evaluate("() => setTimeout(() => { location.href = '/next.html' }, 0)")
    deadline = time.monotonic() + 5
    while "/next.html" not in site.paths and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/next.html" in site.paths

    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto(f"{other.url}/away.html")
    assert guard.take() == f"{other.url}/away.html"
    # A popup a page opens is held to the same rule, though no guard of its own watches it.
    opener, opener_guard = guarded_page(browser, site.url)
    opener.goto(f"{site.url}/start.html")
    with opener.expect_popup() as popup:
        opener.evaluate(f"() => {{ window.open({f'{other.url}/popup.html'!r}) }}")
    popup.value.wait_for_load_state()
    assert opener_guard.take() == f"{other.url}/popup.html"
    assert other.paths == []


def test_each_page_keeps_its_own_rule_in_one_browser(
    browser: Browser, site: StaticSite, other: StaticSite
) -> None:
    site.page("start.html", "<p>start</p>")
    other.page("away.html", "<p>away</p>")
    narrow, narrow_guard = guarded_page(browser, site.url)
    wide, wide_guard = guarded_page(browser, site.url, other.url)
    only_other, only_other_guard = guarded_page(browser, other.url)

    wide.goto(f"{other.url}/away.html")  # paused (not allowed to every page), then let go
    only_other.goto(f"{other.url}/away.html")
    narrow.goto(f"{site.url}/start.html")
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        narrow.goto(f"{other.url}/away.html?from=narrow")
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        only_other.goto(f"{site.url}/start.html?from=only-other")

    assert narrow_guard.take() == f"{other.url}/away.html?from=narrow"
    assert only_other_guard.take() == f"{site.url}/start.html?from=only-other"
    assert wide_guard.take() is None
    assert "/away.html?from=narrow" not in other.paths
    assert "/start.html?from=only-other" not in site.paths
    assert wide.url == f"{other.url}/away.html"
    # Once rules were mixed, a later page is told apart too, though one rule is left open.
    wide.close()
    only_other.close()
    later, later_guard = guarded_page(browser, site.url)
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        later.goto(f"{other.url}/away.html?from=later")
    assert later_guard.take() == f"{other.url}/away.html?from=later"


def test_the_users_own_routes_still_answer_beside_the_guard(
    browser: Browser, site: StaticSite, other: StaticSite
) -> None:
    site.page("start.html", "<p>start</p>")
    page, guard = guarded_page(browser, site.url)
    page.route("**/data.json", lambda route: route.fulfill(json={"from": "route"}))
    page.goto(f"{site.url}/start.html")

    answer = page.evaluate("async () => (await fetch('/data.json')).json()")

    assert answer == {"from": "route"}
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto(f"{other.url}/start.html")
    assert guard.take() == f"{other.url}/start.html"
    assert other.paths == []


def test_a_persistent_context_is_guarded_and_a_later_guard_replaces_the_pages(
    tmp_path: Path, site: StaticSite, other: StaticSite
) -> None:
    site.page("start.html", "<p>start</p>")
    other.page("away.html", "<p>away</p>")
    with sync_playwright() as playwright:
        launch = merged_launch_args({}, "chromium", playwright.chromium.executable_path, None)
        context = playwright.chromium.launch_persistent_context(tmp_path / "profile", **launch)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            narrow = NavigationGuard(page, AllowedOrigins(frozenset({site.url})))
            page.goto(f"{site.url}/start.html")
            with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
                page.goto(f"{other.url}/away.html?narrow")
            assert narrow.take() == f"{other.url}/away.html?narrow"
            page.wait_for_url("chrome-error://chromewebdata/")  # shown after a blocked request
            # A later run on the same page (the Python API) replaces the page's guard.
            wide = NavigationGuard(page, AllowedOrigins(frozenset({site.url, other.url})))
            page.goto(f"{other.url}/away.html?wide")
            assert wide.take() is None
            # (a persistent profile's browser also asks the other site for its favicon)
            assert [path for path in other.paths if path.startswith("/away")] == ["/away.html?wide"]
        finally:
            context.close()


def test_the_pauses_rest_while_no_guarded_page_is_open_and_come_back_with_the_next_guard(
    browser: Browser, site: StaticSite, other: StaticSite
) -> None:
    """Before a test that does not use the plugin, a browser with no guarded page open goes
    without Chromium's interception (it slows each request): nothing of its pages waits for
    Python. A browser with a guarded page open keeps its pauses."""
    site.page("start.html", "<p>start</p>")
    other.page("away.html", "<p>away</p>")
    first, _ = guarded_page(browser, site.url)
    first.goto(f"{site.url}/start.html")
    rest_idle_pauses()  # a guarded page is open: nothing changes
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        first.goto(f"{other.url}/away.html?from=first")
    first.close()
    rest_idle_pauses()

    plain = browser.new_context().new_page()
    plain.goto(f"{site.url}/start.html")
    # Started by the page, then Python waits outside Playwright: a paused request would wait.
    plain.evaluate(f"() => setTimeout(() => {{ location.href = '{other.url}/away.html' }}, 0)")
    deadline = time.monotonic() + 5
    while "/away.html" not in other.paths and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/away.html" in other.paths

    later, later_guard = guarded_page(browser, site.url)
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        later.goto(f"{other.url}/away.html?from=later")
    assert later_guard.take() == f"{other.url}/away.html?from=later"
    assert [path for path in other.paths if "from=" in path] == []


def test_a_test_that_does_not_use_the_plugin_goes_without_the_pauses(
    project: WebagentProject, site: StaticSite, other: StaticSite
) -> None:
    """pytest-playwright shares its browser between a test using the plugin and the next one: a
    test that does not use the plugin must not have its requests go through the guard's
    interception (a request paused there would wait for Python, which waits outside Playwright
    here)."""
    site.page("start.html", "<p>start</p>")
    other.page("away.html", "<p>away</p>")
    project.case(
        "test_two.py",
        f"""
        import time
        from urllib.request import urlopen

        def test_with_the_plugin(page, agent):
            page.goto("/start.html")
            agent.expect('"start" is visible')

        def test_without_it(page):
            page.goto("/start.html")
            page.evaluate("() => setTimeout(() => {{ location.href = '{other.url}/away.html' }})")
            deadline = time.monotonic() + 5
            while urlopen("{other.url}/requested?path=/away.html").read() != b"yes":
                assert time.monotonic() < deadline, "the request waited for Python"
                time.sleep(0.05)
        """,
    )
    project.run().assert_outcomes(passed=2)
