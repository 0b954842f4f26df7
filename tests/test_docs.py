"""The configuration reference documents every option the plugin registers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_webagent.settings import OPTIONS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def registered_options(pytester: pytest.Pytester) -> set[str]:
    """Every webagent CLI flag and ini key, as pytest --help prints them."""
    help_text = pytester.runpytest_inprocess("--help").stdout.str()
    flags = set(re.findall(r"(--webagent[\w-]*)", help_text))
    ini_keys = set(re.findall(r"^\s+(webagent\w*) \(", help_text, flags=re.MULTILINE))
    return flags | ini_keys


def test_every_registered_option_is_in_the_configuration_reference(
    pytester: pytest.Pytester,
) -> None:
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    options = registered_options(pytester)
    assert {spec.ini for spec in OPTIONS} <= options  # the scrape itself works
    missing = sorted(name for name in options if f"`{name}`" not in reference)
    assert not missing, f"options missing from docs/configuration.md: {missing}"


def test_every_environment_variable_is_in_the_configuration_reference() -> None:
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(spec.env for spec in OPTIONS if spec.env and f"`{spec.env}`" not in reference)
    assert not missing, f"environment variables missing from docs/configuration.md: {missing}"
