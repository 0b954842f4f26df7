"""``{{ name }}`` substitution in step texts and URLs.

Secrets (``{{ secrets.NAME }}``) are deliberately left as placeholders here: they are resolved only
at the moment a value is handed to the browser, so no other artefact ever holds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}")
SECRET_PREFIX = "secrets."


class TemplateError(ValueError):
    """A placeholder is malformed or names an unknown value."""


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def check_syntax(text: str) -> None:
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        raise TemplateError(
            f"malformed placeholder in {text!r}: write {{{{ name }}}} with a plain identifier"
        )


def render(text: str, values: Mapping[str, Any]) -> str:
    """Substitute ``{{ name }}`` from ``values``, keep ``{{ secrets.X }}``, fail on unknown ones."""
    check_syntax(text)

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith(SECRET_PREFIX):
            return match.group(0)
        if name not in values:
            known = ", ".join(sorted(values)) or "none defined"
            raise TemplateError(f"unknown placeholder {{{{ {name} }}}} (known: {known})")
        value = values[name]
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return PLACEHOLDER.sub(substitute, text)
