"""The identity check that runs inside a replayed action, and the value check of the effect wait:
the engines of replay/selector_engines.py in a real page, deciding as the full check would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pytest_webagent.replay import selector_engines
from pytest_webagent.replay.identity import Drift, Verified, narrowing, verify
from pytest_webagent.replay.signature import Signature
from tests.support.browser import headless_chromium

PAGE = """
<button data-testid="save"
        onclick="this.dataset.clicks = (+this.dataset.clicks || 0) + 1">Save</button>
<a href="#" role="button" onclick="this.dataset.clicks = 1">Send</a>
<button data-testid="new-id" onclick="this.dataset.clicks = 1">Archive</button>
<button onclick="this.dataset.clicks = 1">Say "hi" &gt;&gt; it's</button>
<div id="plain" onclick="this.dataset.clicks = 1">Plain</div>
<button onclick="this.dataset.clicks = 1">No</button>
<button onclick="this.dataset.clicks = 1">No</button>
<label>Email <input id="email" value="typed-in-html"></label>
"""


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Page]:
    with headless_chromium() as (playwright, browser):
        selector_engines.register(playwright.selectors)
        selector_engines.register(playwright.selectors)  # twice: still one registration
        yield browser.new_page()


@pytest.fixture
def page(browser_page: Page) -> Page:
    """The page, fresh for each test (the tests click on it)."""
    browser_page.set_content(PAGE)
    return browser_page


def role_target(role: str, name: str, **fields: str) -> dict[str, Any]:
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    signature: Signature = {"role": role, "name": name, **fields}
    return {"selector": f'internal:role={role}[name="{quoted}"s]', "signature": signature}


def click(page: Page, target: dict[str, Any]) -> str:
    """``acted`` or ``refused``: what clicking the target, narrowed to its recording, did."""
    action = {"type": "click", "target": target}
    narrowed = narrowing(action)
    assert narrowed is not None
    locator = page.locator(str(target["selector"]) + narrowed)
    try:
        locator.click(timeout=2000)
    except PlaywrightError as error:
        assert selector_engines.refused(error), error
        return "refused"
    return "acted"


def clicks(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.get_attribute("data-clicks") or "0")


def test_the_recorded_element_is_acted_on(page: Page) -> None:
    target = role_target("button", "Save", tag="button", test_id="save")
    assert click(page, target) == "acted"
    assert clicks(page, "[data-testid=save]") == "1"
    # A name with quotes, an apostrophe and `>>` survives the selector it travels in.
    assert click(page, role_target("button", 'Say "hi" >> it\'s', tag="button")) == "acted"
    assert clicks(page, "button:has-text('Say')") == "1"


def test_anything_else_is_refused_before_acting(page: Page) -> None:
    # Same role and name, another tag: a different element.
    assert click(page, role_target("button", "Send", tag="button")) == "refused"
    assert clicks(page, "a") == "0"
    # A recorded attribute that changed.
    assert click(page, role_target("button", "Archive", tag="button", test_id="old")) == "refused"
    # Several matches: Playwright's strict mode refuses them in the same call.
    assert click(page, role_target("button", "No", tag="button")) == "refused"
    assert clicks(page, "button:has-text('No')") == "0"


def test_what_the_full_check_would_tolerate_is_left_to_it(page: Page) -> None:
    """Stricter than the comparison, never looser: a test id that appeared is refused in the
    action, and the full check then tolerates it, so replay acts after all."""
    target = role_target("button", "Archive", tag="button")
    assert click(page, target) == "refused"
    checked = verify(page, {"type": "click", "target": {**target, "code": "Archive"}}, 2000)
    assert isinstance(checked, Verified)
    assert "test_id added" in checked.comparison.describe()


def test_role_and_name_are_guessed_only_when_the_selector_does_not_pin_them(page: Page) -> None:
    guessed = {
        "selector": "#email",
        "signature": {"role": "textbox", "name": "Email", "tag": "input"},
    }
    assert click(page, guessed) == "acted"
    renamed = {
        "selector": "#email",
        "signature": {"role": "textbox", "name": "Mail", "tag": "input"},
    }
    assert click(page, renamed) == "refused"
    # A div has no role the page can tell: the full check (ARIA snapshot) decides.
    unknown = {"selector": "#plain", "signature": {"role": "text", "name": "", "tag": "div"}}
    assert click(page, unknown) == "refused"
    checked = verify(page, {"type": "click", "target": {**unknown, "code": "#plain"}}, 2000)
    assert not isinstance(checked, Drift)


def test_the_value_engine_reads_the_live_value_not_the_attribute(page: Page) -> None:
    field = page.locator("#email")
    field.fill("alice@example.com")
    assert page.locator("#email" + selector_engines.holding("alice@example.com")).count() == 1
    assert page.locator("#email" + selector_engines.holding("typed-in-html")).count() == 0
    root = page.locator(":root").filter(
        has=page.locator("#email" + selector_engines.holding("alice@example.com"))
    )
    assert root.count() == 1
