"""The Python API on the demo app: natural-language steps where they help, plain Playwright where
it is simpler, in the same test. Each form of ``@webagent.case``, then the ``agent`` fixture alone.

The steps are explicit (quoted targets and values), so they need no model; what they resolved to
is committed in ``__trajectories__/test_python_api.py.json``, under each test's id, and replayed
like the YAML examples' trajectories. See docs/python-api.md.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pytest_webagent import Agent, webagent


# 1. Steps declared on the decorator run before the body, which goes on with plain Playwright.
@webagent.case(
    "sign in from Python",
    url="/login.html",
    steps=[
        'Fill "Email" with "alice@example.com"',
        'Fill "Password" with "wonderland"',
        'Click the "Sign in" button',
    ],
)
def test_sign_in_then_check_with_playwright(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


# 2. The body calls the agent; each call is one recorded step. {{ todo }} is the parameter.
@webagent.case(url="/todos.html")
@pytest.mark.parametrize("todo", ["Buy milk", "Walk the dog"])
def test_add_a_todo(page: Page, agent: Agent, todo: str) -> None:
    agent.do('Fill "New todo" with "{{ todo }}"')
    page.get_by_role("button", name="Add").click()
    agent.expect('"Todo list" contains "{{ todo }}"')
    expect(page.get_by_role("status")).to_have_text("1 item left")


# 3. A YAML case run from Python, here on a phone-sized screen; its two parametrize rows become
#    two tests, and its tags are marks (`-m auth` selects them).
@pytest.fixture
def phone_screen(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})


@webagent.case(from_file="login.yaml", name="wrong password is rejected")
@pytest.mark.usefixtures("phone_screen")
def test_wrong_password_on_a_phone(page: Page) -> None:
    assert page.viewport_size == {"width": 390, "height": 844}


# 4. The agent fixture in a test without the decorator: the case starts at the first call.
def test_agent_in_a_plain_test(page: Page, agent: Agent) -> None:
    page.goto("/todos.html")
    agent.do('Fill "New todo" with "Water the plants"')
    page.keyboard.press("Enter")
    agent.do('Check "Complete Water the plants"')
    agent.expect('"0 items left" is visible')
