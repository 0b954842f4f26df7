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


# A step that remembers a value from the page: `Remember the text of "X" as order_id` (or `as
# secret token`). Later steps use `{{ order_id }}`, which only the run can fill in.
REMEMBERS = re.compile(r"^\s*remember\b.*\bas\s+(?:secret\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\.?\s*$",
                       re.IGNORECASE | re.DOTALL)  # fmt: skip


def remembered_name(template: str) -> str | None:
    """The name a step like ``Remember the text of "X" as name`` gives its value, else None."""
    match = REMEMBERS.match(template)
    return match[1] if match else None


def kept(name: str) -> str:
    """A value that renders as its own placeholder: the run fills it in."""
    return f"{{{{ {name} }}}}"
