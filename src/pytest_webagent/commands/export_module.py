"""Names and layout of an exported test module: one module per case file, one test per case."""

from __future__ import annotations

import keyword
import re
import unicodedata
from pathlib import PurePath

from pytest_webagent.cases.model import Case
from pytest_webagent.commands.locator_code import Imports

MAX_NAME_LENGTH = 60  # keeps `def test_...(page: Page) -> None:` on one line


def identifier(text: str) -> str:
    """``"sign in: valid"`` -> ``sign_in_valid``; ``"Café à la carte"`` -> ``cafe_a_la_carte``;
    ``"Вход в систему"`` -> ``вход_в_систему``. Latin letters lose their accents, other letters
    are kept: Python names may hold any letter (PEP 3131), and a name in the case's own language
    reads better than a transliteration or an empty ``case``."""
    words = re.sub(r"\W+", "_", "".join(_unaccented(char) for char in text)).strip("_").lower()
    return words or "case"


def _unaccented(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base.isascii() and base.isalpha() else char


def function_name(case: Case, taken: set[str]) -> str:
    """``test_<case name>[_<parametrize id>]``, shortened and made unique within the module."""
    name = "test_" + identifier(case.name)
    if case.param_id:
        name += "_" + identifier(case.param_id)
    return _unique(name[:MAX_NAME_LENGTH].rstrip("_"), taken)


def module_name(relative: PurePath, taken: set[str]) -> str:
    """``auth/login.yaml`` -> ``test_auth_login`` (flat, so pytest never sees two modules of
    the same base name in different folders)."""
    stem = "_".join([*relative.parent.parts, relative.stem])
    return _unique("test_" + identifier(stem), taken)


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken or keyword.iskeyword(candidate):
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


def module_source(
    where: str,
    trajectory_where: str,
    functions: list[str],
    imports: Imports,
    uses_pytest: bool,
    uses_suppress: bool,
) -> str:
    docstring = (
        '"""Plain pytest-playwright tests exported by `webagent export`.\n\n'
        f"Case file:  {where}\n"
        f"Trajectory: {trajectory_where}\n\n"
        "The tests perform the recorded actions and checks with Playwright locators and\n"
        "`expect`, without pytest-webagent. Relative URLs need a base URL:\n\n"
        "    pytest --base-url http://127.0.0.1:8000 <folder of this file>\n"
        '"""'
    )
    standard = [f"import {module}" for module in sorted(imports.modules)]
    if uses_suppress:
        standard.append("from contextlib import suppress")
    playwright_names = ["Error", "Page", "expect"] if uses_suppress else ["Page", "expect"]
    third_party = ["import pytest"] if uses_pytest else []
    third_party.append(f"from playwright.sync_api import {', '.join(playwright_names)}")
    blocks = [docstring, "\n".join(standard), "\n".join(third_party)]
    header = "\n\n".join(block for block in blocks if block)
    return header + "\n\n\n" + "\n\n".join(functions)
