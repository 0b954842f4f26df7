"""The grammar of explicit steps (pure text, no browser): every phrasing -> its Intent, and
near-misses -> None (not explicit: such a step needs a model)."""

from __future__ import annotations

import pytest

from pytest_webagent.resolve.phrases import (
    Intent,
    Scope,
    TargetQuery,
    is_assertion,
    normalise,
    parse_action,
    parse_assertion,
)
from pytest_webagent.resolve.sentences import parse_actions


def target(name: str, usage: str, role: str = "", child: str = "") -> TargetQuery:
    return TargetQuery(name, usage, role, child)


# Builders of the expected intents, to keep the tables to one readable line per phrasing.
def nav(url: str) -> Intent:
    return Intent("navigate", fields={"url": url})


def click(name: str, role: str = "") -> Intent:
    return Intent("click", target(name, "click", role))


def fill(name: str, value: str) -> Intent:
    return Intent("fill", target(name, "input"), {"value": value})


def toggle(kind: str, name: str, role: str = "") -> Intent:
    return Intent(kind, target(name, "toggle", role))


def press(key: str, name: str | None = None) -> Intent:
    return Intent("press", target(name, "input") if name else None, {"key": key})


def wait(name: str, state: str) -> Intent:
    return Intent("wait_for", target(name, state), {"state": state})


def page(kind: str, value: str, match: str) -> Intent:
    return Intent(f"expect_{kind}", fields={"value": value, "match": match})


def has_value(name: str, value: str) -> Intent:
    return Intent("expect_value", target(name, "input"), {"value": value})


def shown(kind: str, name: str, role: str = "") -> Intent:
    return Intent(f"expect_{kind}", target(name, kind, role))


def count(name: str, child: str, number: int) -> Intent:
    return Intent("expect_count", target(name, "container", "", child), {"count": number})


def text(words: str, inside: str = "", role: str = "") -> Intent:
    where = target(inside, "container", role) if inside else None
    return Intent("expect_text", where, {"text": words})


ACTIONS: list[tuple[str, Intent]] = [
    # navigate: paths, file names and URLs only
    ('Go to "/login.html"', nav("/login.html")),
    ('Open "https://example.com/a?b=1"', nav("https://example.com/a?b=1")),
    ('navigate to "reports.html"', nav("reports.html")),
    ('Visit "/"', nav("/")),
    # click
    ('Click "Sign in"', click("Sign in")),
    ('click on the "Sign in" button', click("Sign in", "button")),
    ('Tap "Home" link', click("Home", "link")),
    ('Click the "Settings" tab', click("Settings", "tab")),
    ('Click the "Copy" menu item', click("Copy", "menuitem")),
    ('Click the "Overview" heading', click("Overview", "heading")),
    ('Press the "Go" button', click("Go", "button")),
    ('Click "Sign in".', click("Sign in")),  # a full stop ends the sentence
    ("Click 'Sign in'", click("Sign in")),  # single quotes
    ("Click \u201cSign in\u201d", click("Sign in")),  # curly quotes
    ("Click \u2018Sign in\u2019", click("Sign in")),
    ("Click \u00abSign in\u00bb", click("Sign in")),
    ('  Click   "Sign in"  ', click("Sign in")),  # spacing
    ('CLICK THE "Sign in" BUTTON', click("Sign in", "button")),
    # fill
    ('Fill "Email" with "a@b.c"', fill("Email", "a@b.c")),
    ('Fill in the "Email" field with "x"', fill("Email", "x")),
    ('Set "Quantity" to "3"', fill("Quantity", "3")),
    ('Fill "Email" with ""', fill("Email", "")),
    ('Type "hello" into "Search"', fill("Search", "hello")),
    ('Enter "Ada" in the "Name" input', fill("Name", "Ada")),
    ('Fill "Name" with "O\u2019Brien"', fill("Name", "O\u2019Brien")),  # apostrophe kept
    # select
    ('Select "Pro" from "Plan"', Intent("select", target("Plan", "select"), {"value": "Pro"})),
    (
        'Choose "Pro" in the "Plan" dropdown',
        Intent("select", target("Plan", "select"), {"value": "Pro"}),
    ),
    # check / uncheck
    ('Check "Remember me"', toggle("check", "Remember me")),
    ('Check the "Terms" checkbox', toggle("check", "Terms", "checkbox")),
    ('Uncheck "Remember me"', toggle("uncheck", "Remember me")),
    ('uncheck the "Yes" radio', toggle("uncheck", "Yes", "radio")),
    # press
    ('Press "Enter"', press("Enter")),
    ('Press "Control+A" in "Notes"', press("Control+A", "Notes")),
    ('Press "Tab" on the "Email" field', press("Tab", "Email")),
    # hover
    ('Hover over "Reports"', Intent("hover", target("Reports", "point"))),
    ('Hover the "Help" link', Intent("hover", target("Help", "point", "link"))),
    # wait
    ('Wait for "Loaded"', wait("Loaded", "visible")),
    ('Wait until "Loaded" appears', wait("Loaded", "visible")),
    ('Wait for the "Loaded" to be visible', wait("Loaded", "visible")),
    ('Wait for "Loading" to disappear', wait("Loading", "hidden")),
    ('Wait until "Loading" disappears', wait("Loading", "hidden")),
    ('Wait until "Loading" is gone', wait("Loading", "hidden")),
    ('wait for "Spinner" to be hidden', wait("Spinner", "hidden")),
    # assertions written as plain steps
    ('Expect "Welcome"', text("Welcome")),
    ('Verify that "Saved" is visible', shown("visible", "Saved")),
    ('Check that the title is "Home"', page("title", "Home", "equals")),
    ('Assert: the URL contains "/done"', page("url", "/done", "contains")),
]

ASSERTIONS: list[tuple[str, Intent]] = [
    ('the URL contains "/dashboard"', page("url", "/dashboard", "contains")),
    ('URL to include "/a"', page("url", "/a", "contains")),
    ('the page address is "http://x/"', page("url", "http://x/", "equals")),
    ('url matches "/d.*"', page("url", "/d.*", "regex")),
    ('the title equals "Home"', page("title", "Home", "equals")),
    ('the page title to be "Home"', page("title", "Home", "equals")),
    ('title contains "Dash"', page("title", "Dash", "contains")),
    ('"Email" has value "a@b.c"', has_value("Email", "a@b.c")),
    ('the "Email" field to have the value ""', has_value("Email", "")),
    ('"Saved" is visible', shown("visible", "Saved")),
    ('"Saved" to be shown', shown("visible", "Saved")),
    ('the "Save" button is displayed', shown("visible", "Save", "button")),
    ('"Loading" is hidden', shown("hidden", "Loading")),
    ('"Loading" is not visible', shown("hidden", "Loading")),
    ('"Loading" disappears', shown("hidden", "Loading")),
    ('"Loading" to disappear', shown("hidden", "Loading")),
    ('the "Close" button is gone', shown("hidden", "Close", "button")),
    ('"Todos" has 3 items', count("Todos", "listitem", 3)),
    ('the "Results" to have 0 rows', count("Results", "row", 0)),
    ('"Plan" contains 1 option', count("Plan", "option", 1)),
    ('"Nav" shows 2 links', count("Nav", "link", 2)),
    ('"Toolbar" has 4 buttons', count("Toolbar", "button", 4)),
    ('"Todos" contains "Buy milk"', text("Buy milk", "Todos")),
    ('"Status" says "Done"', text("Done", "Status")),
    ('the "Total" heading has text "42"', text("42", "Total", "heading")),
    ('"Welcome, Alice"', text("Welcome, Alice")),
    ('"Welcome" on the page', text("Welcome")),
    ('"Welcome" shown', text("Welcome")),
]


NOT_EXPLICIT_ACTIONS = [
    "Sign in as Alice",  # no quotes at all
    "Click the sign in button",
    'Click ""',  # an empty target names nothing
    'Click "   "',
    'Click "Sign in" twice',  # trailing words the grammar does not know
    'Click "A" and "B"',
    'Fill "Email"',  # no value
    'Open "Settings"',  # a label, not a URL: the link or menu of that name
    'Go to "the reports page"',
    'Press "Sign in"',  # a name with spaces is not a key
    'Select "Pro"',
    'Click the "Go" spaceship',
    "Expect the cart to be empty",  # an assertion, but not an explicit one
    'Verify that "X" is fine',
    "",
]

NOT_EXPLICIT_ASSERTIONS = [
    "the cart is empty",
    '"Email" has value',
    '"Todos" has three items',
    '"Todos" has 3 apples',
    'the URL ends with "/x"',
    '"X" is visible and "Y" is visible',
    '"" is visible',
    '"Saved" is visible twice',
]


@pytest.mark.parametrize(("text", "intent"), ACTIONS, ids=[text for text, _ in ACTIONS])
def test_action_phrasings(text: str, intent: Intent) -> None:
    assert parse_action(text) == intent


@pytest.mark.parametrize(("text", "intent"), ASSERTIONS, ids=[text for text, _ in ASSERTIONS])
def test_assertion_phrasings(text: str, intent: Intent) -> None:
    assert parse_assertion(text) == intent
    # The same check written as a plain step with an "Expect" prefix means the same thing.
    assert parse_action(f"Expect {text}") == intent


@pytest.mark.parametrize("text", NOT_EXPLICIT_ACTIONS)
def test_near_miss_actions_are_not_explicit(text: str) -> None:
    assert parse_action(text) is None


@pytest.mark.parametrize("text", NOT_EXPLICIT_ASSERTIONS)
def test_near_miss_assertions_are_not_explicit(text: str) -> None:
    assert parse_assertion(text) is None


def test_assertion_prefixes_are_stripped_once() -> None:
    assert parse_assertion('expect: "Welcome"') == text("Welcome")
    assert parse_assertion('Verify that the title is "Home"') == page("title", "Home", "equals")


def test_press_the_named_button_is_a_click_not_a_key() -> None:
    assert parse_action('Press the "Enter" button') == click("Enter", "button")
    assert parse_action('Press "Enter"') == press("Enter")


def test_check_is_an_action_and_check_that_an_assertion() -> None:
    assert parse_action('Check "that box"') == toggle("check", "that box")
    assert parse_action('Check that "Saved" is visible') == shown("visible", "Saved")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Expect "X"', True),
        ('expect: "X"', True),
        ('Verify that "X" is visible', True),
        ("Assert the cart is empty", True),
        ('Check that "X" is visible', True),
        ('Check "Terms"', False),
        ('Click "Expect"', False),
        ("Expected total is shown", False),
    ],
)
def test_is_assertion(text: str, expected: bool) -> None:
    assert is_assertion(text) is expected


def test_normalise_quotes_and_spacing() -> None:
    assert normalise("Click  \u201eOK\u201c .") == 'Click "OK"'
    # Single quotes become quotes only when there are no double quotes: here they are apostrophes.
    assert normalise('Fill "Name" with "O\'Brien"') == 'Fill "Name" with "O\'Brien"'
    assert normalise("Click 'Don't save'") == "Click 'Don't save'"
    assert parse_action("Click 'Don't save'") is None
    assert parse_action("Click \u2018Don\u2019t save\u2019") is None
    assert normalise('Type "Don\u2019t" into "Notes"') == 'Type "Don\u2019t" into "Notes"'


def test_a_secret_placeholder_with_spaces_is_an_explicit_url() -> None:
    # The documented spelling has spaces inside the braces (issue 15, item 26).
    assert parse_action('Go to "/p?t={{ secrets.TOKEN }}"') == nav("/p?t={{ secrets.TOKEN }}")
    assert parse_action('Open "{{secrets.HOST}}/x"') == nav("{{secrets.HOST}}/x")
    assert parse_action('Go to "/a b"') is None


SENTENCES: list[tuple[str, list[Intent]]] = [
    ('Enter "Tora" into the text field and press Submit.',
     [Intent("fill", TargetQuery("", "input", "textbox"), {"value": "Tora"}),
      Intent("click", TargetQuery("Submit", "click", "button"))]),
    ('Type "TORA" in all lower case letters in the text input and press Submit.',
     [Intent("fill", TargetQuery("", "input", "textbox"), {"value": "tora"}),
      Intent("click", TargetQuery("Submit", "click", "button"))]),
    ("Select ycO, Mw and click Submit.",
     [toggle("check", "ycO"), toggle("check", "Mw"), click("Submit")]),
    ("Select nothing and click Submit.", [click("Submit")]),
    ("Select Alice from the list and click Submit.",
     [Intent("select", TargetQuery("", "select", "combobox"), {"value": "Alice"}),
      click("Submit")]),
    ('Enter the username "u" and the password "p" into the text fields and press login.',
     [fill("username", "u"), fill("password", "p"), click("login", "button")]),
    ('Enter the password "p" into both text fields and press submit.',
     [Intent("fill", TargetQuery("", "input", "textbox", every=True), {"value": "p"}),
      click("submit", "button")]),
    ('Close the dialog box by clicking the "x".', [click("x")]),
    ('Click the button in the dialog box labeled "OK".',
     [Intent("click", TargetQuery("OK", "click", "button", scope=Scope("", "dialog")))]),
    ("Expand the section below and click submit.",
     [Intent("click", TargetQuery("", "click", "expandable")), click("submit")]),
    ("Click button ONE, then click button TWO.", [click("ONE", "button"), click("TWO", "button")]),
    ("Focus into the 3rd input textbox.",
     [Intent("click", TargetQuery("", "input", "textbox", ordinal=3))]),
    ('Click on the link "In".', [click("In", "link")]),
    ("Click on Tab #2.", [click("Tab #2")]),
    ('Fill "Email" with "a" and click "Go"', [fill("Email", "a"), click("Go")]),
    ('Click the second "No" button',
     [Intent("click", TargetQuery("No", "click", "button", ordinal=2))]),
    ('Click the last "Delete" button',
     [Intent("click", TargetQuery("Delete", "click", "button", ordinal=-1))]),
    ('Click "Delete" in the "qa-user" row',
     [Intent("click", TargetQuery("Delete", "click", scope=Scope("qa-user", "row")))]),
    ('Click "Yes" under "By staff status"',
     [Intent("click", TargetQuery("Yes", "click", scope=Scope("By staff status", "heading")))]),
    ('Click "Close" in the "Sign in" dialog',
     [Intent("click", TargetQuery("Close", "click", scope=Scope("Sign in", "dialog")))]),
    # Optional actions: acted on when the target shows, else skipped.
    ('Click "Cancel" if it appears', [Intent("click", target("Cancel", "click"), optional=True)]),
    ('Click the "Later" button if present',
     [Intent("click", target("Later", "click", "button"), optional=True)]),
    ("Click 'Accept cookies', if it\u2019s shown",
     [Intent("click", target("Accept cookies", "click"), optional=True)]),
    ('Check "Remember me" if it is visible',
     [Intent("check", target("Remember me", "toggle"), optional=True)]),
    ('Fill "Code" with "1" if there is one',
     [Intent("fill", target("Code", "input"), {"value": "1"}, optional=True)]),
    ('Click "x" if any and click "Save"',
     [Intent("click", target("x", "click"), optional=True), click("Save")]),
    ('Click the "Name" field', [Intent("click", target("Name", "input"))]),
]  # fmt: skip


SCOPED_CHECKS = [
    ('"Delete" is visible in the "qa-user" row',
     Intent("expect_visible", TargetQuery("Delete", "visible", scope=Scope("qa-user", "row")))),
    ('"Delete" in the "qa-user" row is visible',
     Intent("expect_visible", TargetQuery("Delete", "visible", scope=Scope("qa-user", "row")))),
    ('the second "No" button is visible',
     Intent("expect_visible", TargetQuery("No", "visible", "button", ordinal=2))),
    ('Verify that the last "No" button in the dialog is hidden',
     Intent("expect_hidden", TargetQuery("No", "hidden", "button", ordinal=-1,
                                         scope=Scope("", "dialog")))),
    ('the 2nd "Filter" field has value "x"',
     Intent("expect_value", TargetQuery("Filter", "input", ordinal=2), {"value": "x"})),
    ('"Status" says "active" in the "qa-user" row',
     Intent("expect_text", TargetQuery("Status", "container", scope=Scope("qa-user", "row")),
            {"text": "active"})),
    ('"Orders" table has 4 rows under "Shop"',
     Intent("expect_count", TargetQuery("Orders", "container", "table", "row",
                                        scope=Scope("Shop", "heading")), {"count": 4})),
]  # fmt: skip


@pytest.mark.parametrize(("text", "intent"), SCOPED_CHECKS, ids=[t for t, _ in SCOPED_CHECKS])
def test_checks_take_ordinals_and_scopes(text: str, intent: Intent) -> None:
    assert parse_assertion(text) == intent


@pytest.mark.parametrize(("text", "intents"), SENTENCES, ids=[t for t, _ in SENTENCES])
def test_sentence_forms(text: str, intents: list[Intent]) -> None:
    assert parse_actions(text) == intents


@pytest.mark.parametrize(
    "text",
    ['Click "A" and "B"', "Click the sign in button", "Sign in with the account menu",
     'Enter an item that starts with "Gu"', "Search for action movies directed by X",
     'Click "Go" and then dance', "Click the list", 'Wait for "Saved" if it appears',
     'Click "Cancel" when it appears', 'Click "Cancel" if you like', "Click if present"],
)  # fmt: skip
def test_sentences_that_stay_for_the_model(text: str) -> None:
    assert parse_actions(text) is None
