"""The MiniWoB++ low-level tasks of the benchmark and the two ways each is phrased.

Phrasing A is the task's own instruction, verbatim (``#query`` of the page). Phrasing B is what a
tester writes from ``docs/writing-cases.md`` knowing the task (its instruction and the data it
draws from) but not the random layout of the episode: quoted names and values, one action a step.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page

Phrasing = Callable[[str, Page], list[str]]


def _quoted(instruction: str) -> list[str]:
    return re.findall(r'"([^"]*)"', instruction)


def _after(prefix: str, instruction: str) -> str:
    match = re.match(rf"{prefix}\s+(.*?)\.?$", instruction)
    return match[1] if match else ""


def click_test(instruction: str, page: Page) -> list[str]:
    return ['Click the "Click Me!" button']


def click_test_2(instruction: str, page: Page) -> list[str]:
    return [f'Click the "{_after("Click button", instruction)}" button']


def click_button_sequence(instruction: str, page: Page) -> list[str]:
    return ['Click the "ONE" button', 'Click the "TWO" button']


def click_button(instruction: str, page: Page) -> list[str]:
    return [f'Click the "{_quoted(instruction)[0]}" button']


def click_link(instruction: str, page: Page) -> list[str]:
    return [f'Click the "{_quoted(instruction)[0]}" link']


def click_option(instruction: str, page: Page) -> list[str]:
    name = re.match(r"Select (.*) and click Submit", instruction)
    return [f'Check "{name[1] if name else ""}"', 'Click "Submit"']


def click_checkboxes(instruction: str, page: Page) -> list[str]:
    names = re.match(r"Select (.*) and click Submit", instruction)
    listed = [] if not names or names[1] == "nothing" else names[1].split(", ")
    return [*(f'Check "{name}"' for name in listed), 'Click "Submit"']


def choose_list(instruction: str, page: Page) -> list[str]:
    item = re.match(r"Select (.*) from the list", instruction)
    return [f'Select "{item[1] if item else ""}" from the list', 'Click "Submit"']


def enter_text(instruction: str, page: Page) -> list[str]:
    return [f'Type "{_quoted(instruction)[0]}" into the text field', 'Click "Submit"']


def enter_text_2(instruction: str, page: Page) -> list[str]:
    text = _quoted(instruction)[0]
    value = text.upper() if "upper case" in instruction else text.lower()
    return [f'Type "{value}" into the text field', 'Click "Submit"']


def enter_password(instruction: str, page: Page) -> list[str]:
    password = _quoted(instruction)[0]
    return [
        f'Fill "Password" with "{password}"',
        f'Fill "Verify password" with "{password}"',
        'Click "Submit"',
    ]


def login_user(instruction: str, page: Page) -> list[str]:
    user, password = _quoted(instruction)[:2]
    return [f'Fill "Username" with "{user}"', f'Fill "Password" with "{password}"', 'Click "Login"']


def login_user_popup(instruction: str, page: Page) -> list[str]:
    # The instruction says "press login"; the button reads "OK" (a fixed label, not the random
    # part). On some runs a popup ("Exit to home page?") opens when a field gets the focus and
    # disables the form, swallowing what is typed: the tester who knows it does what a user does,
    # clicks into the field, dismisses the popup if it appears, then types (writing-cases.md).
    user, password = _quoted(instruction)[:2]
    steps = []
    for field, value in (("Username", user), ("Password", password)):
        steps += [
            f'Click the "{field}" field',
            'Click "Cancel" if it appears',
            f'Fill "{field}" with "{value}"',
        ]
    return [*steps, 'Click "OK"']


def focus_text(instruction: str, page: Page) -> list[str]:
    return ["Click the textbox"]


def focus_text_2(instruction: str, page: Page) -> list[str]:
    position = re.search(r"(\d)(?:st|nd|rd|th)", instruction)
    return [f"Click the {position[0] if position else ''} textbox"]


def click_dialog(instruction: str, page: Page) -> list[str]:
    return ['Click the "Close" button']


def click_dialog_2(instruction: str, page: Page) -> list[str]:
    label = _quoted(instruction)[0]
    return [f'Click the "{"Close" if label == "x" else label}" button in the dialog']


def click_tab(instruction: str, page: Page) -> list[str]:
    return [f'Click the "{_after("Click on", instruction)}" tab']


def click_collapsible(instruction: str, page: Page) -> list[str]:
    heading = page.locator("#area h3").inner_text()  # "Section #N": the tester knows the name
    return [f'Click "{heading}"', 'Click "Submit"']


def use_autocomplete(instruction: str, page: Page) -> list[str]:
    # The tester knows the data (the countries the field suggests) and so the item to enter.
    start, *end = _quoted(instruction)
    countries: list[str] = page.evaluate("ui_utils.COUNTRIES")
    item = next(c for c in countries if c.startswith(start) and c.endswith(end[0] if end else ""))
    # The field suggests as one types, over the button: the tester picks the suggestion.
    return [f'Type "{item}" into the "Tags" field', f'Click "{item}"', 'Click "Submit"']


def movie_search(instruction: str, page: Page) -> list[str]:
    match = re.match(r"Search for (.*) movies directed by (.*) from year (\d+)", instruction)
    genre, director, year = match.groups() if match else ("", "", "")
    return [
        f'Fill "Genre" with "{genre}"',
        f'Fill "Director" with "{director}"',
        f'Fill "Year" with "{year}"',
        'Click "Submit"',
    ]


TASKS: dict[str, Phrasing] = {
    "click-test": click_test,
    "click-test-2": click_test_2,
    "click-button": click_button,
    "click-button-sequence": click_button_sequence,
    "click-link": click_link,
    "click-option": click_option,
    "click-checkboxes": click_checkboxes,
    "choose-list": choose_list,
    "enter-text": enter_text,
    "enter-text-2": enter_text_2,
    "enter-password": enter_password,
    "login-user": login_user,
    "login-user-popup": login_user_popup,
    "focus-text": focus_text,
    "focus-text-2": focus_text_2,
    "click-dialog": click_dialog,
    "click-dialog-2": click_dialog_2,
    "click-tab": click_tab,
    "click-collapsible": click_collapsible,
    "click-collapsible-nodelay": click_collapsible,
    "use-autocomplete": use_autocomplete,
    "use-autocomplete-nodelay": use_autocomplete,
    "multi-layouts": movie_search,
    "multi-orderings": movie_search,
}
