"""Exported code is laid out as ``ruff format`` lays it out: hundreds of generated statements of
every shape the exporter writes, with strings of random lengths, must be left unchanged by ruff;
and string literals mean exactly their value."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from typing import Any

import pytest

from pytest_webagent.commands.layout import render, string_literal
from pytest_webagent.commands.locator_code import Imports, UnsupportedLocator, parse_locator
from pytest_webagent.commands.playwright_code import CaseValues, action_statement

WORDS = ["Sign", "in", "Todo", "list", "a", "very", "long", "accessible", "name", "x", "é", "日本"]
LOCATORS = [
    'get_by_role("{role}", name="{text}", exact=True)',
    'get_by_text("{text}", exact=True).filter(visible=True)',
    'get_by_role("list", name="{text}").get_by_role("listitem")',
    'get_by_role("list", name="{text}").get_by_role("listitem").first',
    'get_by_label("{text}").nth(2)',
    'locator("#{role}").content_frame.get_by_role("button", name="{text}")',
    'get_by_test_id("{text}")',
    'get_by_role("button", name=re.compile(r"{text}", re.IGNORECASE))',
    'get_by_placeholder("{text}").filter(has_text="{text}").last',
]


def phrase(rng: random.Random, most: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, most)))


def random_action(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(
        [
            "navigate",
            "click",
            "fill",
            "select",
            "check",
            "press",
            "hover",
            "wait_for",
            "expect_visible",
            "expect_hidden",
            "expect_text",
            "expect_value",
            "expect_url",
            "expect_title",
            "expect_count",
        ]
    )
    code = rng.choice(LOCATORS).format(role=rng.choice(["button", "textbox"]), text=phrase(rng, 14))
    action: dict[str, Any] = {"type": kind, "target": {"code": code, "selector": "x"}}
    value = phrase(rng, 16)
    if rng.random() < 0.3:
        value = rng.choice([f"{{{{ secrets.TOKEN }}}} {value}", f"{value}{{{{ secrets.KEY }}}}"])
    action.update(
        url="/" + value,
        value=value,
        text=value,
        key="Enter",
        count=3,
        state="hidden",
        match=rng.choice(["contains", "equals", "regex"]),
    )
    if kind in ("navigate", "expect_url", "expect_title") or (
        kind in ("press", "expect_text") and rng.random() < 0.5
    ):
        del action["target"]
    return action


@pytest.mark.parametrize("width", [88, 60])
def test_generated_statements_are_what_ruff_would_write(width: int) -> None:
    rng = random.Random(width)
    values = CaseValues({}, Imports())
    lines = ["def test_generated(page):"]
    for _ in range(400):
        timeout = rng.choice([None, 5000])
        statement = action_statement(random_action(rng), values.expression, Imports(), timeout)
        level = rng.choice([1, 2])  # 2: inside the `with` block of an optional step
        lines += ["    with suppress(Error):"] * (level - 1) + [render(statement, level, width)]
    source = "\n".join(lines) + "\n"
    ruff = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--isolated",
            f"--line-length={width}",
            "--diff",
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout[:6000]


TRICKY = [
    "plain",
    "it's",
    'say "hi"',
    '"both" \' kinds',
    "back\\slash",
    "tab\there",
    "new\nline",
    "bell\x07",
    "é日本",
    "\u2028",
    "\U0001f600",
    "",
    "'",
    '"',
]


@pytest.mark.parametrize("value", TRICKY)
def test_string_literals_mean_their_value_and_ruff_keeps_them(value: str) -> None:
    literal = string_literal(value)

    assert ast.literal_eval(literal) == value
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "-"],
        input=f"x = {literal}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ruff.stdout == f"x = {literal}\n"


@pytest.mark.parametrize(
    "code",
    [
        'get_by_role("button").evaluate("alert(1)")',
        'get_by_role("button", name=__import__("os").getcwd())',
        'get_by_role("button"); import os',
        "page.get_by_role('button')",
        'get_by_text("x", **kwargs)',
        'get_by_role("button", name=re.compile("x", flags))',
        "first",
    ],
)
def test_locator_code_that_is_not_a_plain_locator_is_refused(code: str) -> None:
    with pytest.raises(UnsupportedLocator):
        parse_locator(code, Imports())
