"""Smoke-check both demo app versions in headless Chromium (not a pytest test).

    python examples/demo_app/check_demo.py [--chromium /usr/bin/chromium]

Drives every page through its main flows with semantic locators, the way the
example cases address elements, prints "ok" per flow and the AI ARIA snapshot
of the sign-in page. Exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

# Allow running this file directly: make `demo_app` importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_app.server import start_demo_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

Flow = Callable[[Page, int], None]


def sign_in_ok(page: Page, version: int) -> None:
    page.goto("/login.html")
    expect(page).to_have_title("Sign in · Demo Shop")
    sign_in = page.get_by_role("button", name="Sign in", exact=True)
    expect(sign_in).to_have_count(1)
    expect(sign_in).to_have_attribute("data-testid", "sign-in" if version == 1 else "login-submit")
    expect(page.get_by_label("Email")).to_have_count(1)
    expect(page.get_by_label("Password")).to_have_attribute("type", "password")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("wonderland")
    sign_in.click()
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Welcome, Alice", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login\.html$"))
    expect(page.get_by_label("Email")).to_have_value("")
    # Signed out: the dashboard sends us back to the sign-in page.
    page.goto("/dashboard.html")
    expect(page).to_have_title("Sign in · Demo Shop")


def sign_in_wrong_password(page: Page, version: int) -> None:
    page.goto("/login.html")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("Wonderland")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password")
    expect(page).to_have_title("Sign in · Demo Shop")


def remember_me(page: Page, version: int) -> None:
    page.goto("/login.html")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("wonderland")
    page.get_by_label("Remember me").check()
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Email")).to_have_value("alice@example.com")
    expect(page.get_by_label("Remember me")).to_be_checked()


def sso_alert(page: Page, version: int) -> None:
    page.goto("/login.html")
    sso = page.get_by_role("button", name="Sign in with SSO")
    if version == 1:
        expect(sso).to_have_count(0)
        return
    # The drift: an inexact "Sign in" now matches two buttons.
    expect(page.get_by_role("button", name="Sign in")).to_have_count(2)
    sso.click()
    expect(page.get_by_role("alert")).to_have_text("SSO is not configured")


def todos(page: Page, version: int) -> None:
    page.goto("/todos.html")
    add = page.get_by_role("button", name="Add" if version == 1 else "Add todo", exact=True)
    expect(add).to_have_count(1)
    expect(page.get_by_text("Nothing to do")).to_be_visible()
    new_todo = page.get_by_label("New todo")
    expect(new_todo).to_have_attribute("placeholder", "What needs doing?")
    expect(page.get_by_placeholder("What needs doing?")).to_have_count(1)
    new_todo.fill("Buy milk")
    add.click()
    new_todo.fill("Walk the dog")
    new_todo.press("Enter")  # Enter adds too
    todo_list = page.get_by_role("list", name="Todo list")
    expect(todo_list.get_by_role("listitem")).to_have_text(["Buy milk", "Walk the dog"])
    expect(page.get_by_label("Todo list")).to_contain_text("Buy milk")
    expect(page.get_by_role("status")).to_have_text("2 items left")
    expect(page.get_by_text("Nothing to do")).to_be_hidden()
    page.get_by_label("Complete Buy milk").check()
    expect(page.get_by_role("status")).to_have_text("1 item left")
    delete = page.get_by_role("button", name="Delete Buy milk")
    expect(delete).to_have_count(1)
    delete.click()
    expect(todo_list.get_by_role("listitem")).to_have_text(["Walk the dog"])
    expect(page.get_by_role("status")).to_have_text("1 item left")


def clear_all(page: Page, version: int) -> None:
    page.goto("/todos.html")
    for text in ("Buy milk", "Walk the dog"):
        page.get_by_label("New todo").fill(text)
        page.get_by_label("New todo").press("Enter")
    dialog = page.get_by_role("dialog", name="Delete all todos?")
    page.get_by_role("button", name="Clear all").click()
    expect(dialog).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text("2 items left")
    page.get_by_role("button", name="Clear all").click()
    expect(page.get_by_role("heading", name="Delete all todos?")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Nothing to do")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("0 items left")
    expect(page.get_by_role("button", name="Clear all")).to_be_disabled()


def signup(page: Page, version: int) -> None:
    page.goto("/signup.html")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_have_text("Please enter your full name")
    page.get_by_label("Full name").fill("Ada Lovelace")
    plan = page.get_by_label("Plan")
    expect(plan).to_have_js_property("tagName", "SELECT")
    plan.select_option(label="Pro")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Full name")).to_be_hidden()
    page.get_by_label("Email updates").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text("Please accept the terms")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Plan")).to_have_value("pro")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Account created")).to_be_visible()
    expect(page.get_by_text("Plan: Pro", exact=True)).to_be_visible()
    expect(page.get_by_text("Name: Ada Lovelace", exact=True)).to_be_visible()


def reports(page: Page, version: int) -> None:
    started = time.monotonic()
    page.goto("/reports.html")
    expect(page.get_by_text("Loading reports…")).to_be_visible()
    expect(page.get_by_text("3 reports loaded")).to_be_visible()
    assert time.monotonic() - started >= 0.6, "the API answered without its delay"
    expect(page.get_by_text("Loading reports…")).to_be_hidden()
    table = page.get_by_role("table", name="Monthly reports")
    expect(table.get_by_role("row")).to_have_count(4)  # header + 3 months
    expect(table.get_by_role("rowheader")).to_have_text(["January", "February", "March"])


def navigation(page: Page, version: int) -> None:
    page.goto("/")
    expect(page).to_have_title("Demo Shop")
    expect(page.get_by_role("heading", name="Demo Shop")).to_be_visible()
    nav = page.get_by_role("navigation")
    for name in ("Home", "Sign in", "Todos", "Sign up", "Reports"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(1)
    page.get_by_role("link", name="Reports").hover()
    page.get_by_role("link", name="Reports").click()
    expect(page).to_have_title("Reports · Demo Shop")
    expect(page.get_by_role("link", name="Reports")).to_have_attribute("aria-current", "page")


FLOWS: list[Flow] = [
    navigation,
    sign_in_ok,
    sign_in_wrong_password,
    remember_me,
    sso_alert,
    todos,
    clear_all,
    signup,
    reports,
]


def run_flow(browser: Browser, base_url: str, flow: Flow, version: int) -> None:
    # A fresh context per flow, like pytest-playwright gives each test.
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        outside: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(base_url) else outside.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        flow(page, version)
        assert not outside, f"requests outside the demo app: {outside}"
        assert not errors, f"JavaScript errors: {errors}"
    finally:
        context.close()
    print(f"v{version} {flow.__name__}: ok")


def check_version(version: int, chromium: str) -> None:
    with start_demo_server(version) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for flow in FLOWS:
                run_flow(browser, server.url, flow, version)
            page = browser.new_page(base_url=server.url)
            page.goto("/login.html")
            print(f"\n--- v{version} /login.html aria_snapshot(mode='ai') ---")
            print(page.aria_snapshot(mode="ai"))
            print()
            page.close()
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium executable")
    args = parser.parse_args()
    for version in (1, 2):
        check_version(version, args.chromium)
    print("all ok")


if __name__ == "__main__":
    main()
