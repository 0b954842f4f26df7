"""A step's recorded effect as ``expect(...)`` statements of plain Playwright code.

What replay waits for after the step's actions (``browser/effect_wait.py``), with its semantics:
the URL path, elements by role and exact name (live regions by the text they show) attached, since
``get_by_role`` already leaves hidden elements out and an empty live region is in the
accessibility tree without being "visible", and the values fields keep. Dialogs and new tabs have
no ``expect``: they become comments.
"""

from __future__ import annotations

from typing import Any

from pytest_webagent.commands.layout import Doc, arguments, string_literal
from pytest_webagent.commands.locator_code import Imports, Segment, chain, parse_locator
from pytest_webagent.commands.playwright_code import ValueCode


def effect_statements(
    effect: dict[str, Any] | None, value_code: ValueCode, imports: Imports
) -> list[Doc]:
    """The checks of ``effect`` (raises ``UnsupportedLocator`` for unsafe field code)."""
    if not effect:
        return []
    statements: list[Doc] = []
    if "url_path" in effect:
        imports.modules.add("re")
        path = (
            "re.compile",
            arguments([("re.escape", arguments([value_code(effect["url_path"])]))]),
        )
        statements.append(chain("expect", [Segment("to_have_url", (path,))], root_args=["page"]))
    for element in effect.get("appeared", ()):
        statements.append(_expect(_by_role(element, value_code, imports), "to_be_attached", ()))
    for element in effect.get("disappeared", ()):
        gone = _by_role(element, value_code, imports)[:-1]  # all of them: none is left
        statements.append(_expect(gone, "to_have_count", ("0",)))
    for kept in effect.get("values", ()):
        field = parse_locator(kept["field"], imports)
        statements.append(_expect(field, "to_have_value", (value_code(kept["value"]),)))
    return statements


def effect_comments(effect: dict[str, Any] | None) -> list[str]:
    """What the effect holds that has no ``expect``."""
    if not effect:
        return []
    notes = [f"the step opened a {effect['dialog']} dialog"] if "dialog" in effect else []
    return notes + (["the step opened a new tab"] if effect.get("new_tab") else [])


def _by_role(element: dict[str, str], value_code: ValueCode, imports: Imports) -> list[Segment]:
    role = string_literal(element["role"])
    if "name" in element:
        named: tuple[Doc, ...] = (role, ("name=", value_code(element["name"])), "exact=True")
        return [Segment("get_by_role", named), Segment("first")]
    imports.modules.add("re")
    escaped = ("re.escape", arguments([value_code(element["text"])]))
    text = ("re.compile", arguments([('r"^\\s*" + ', escaped, ' + r"\\s*$"')]))
    return [
        Segment("get_by_role", (role,)),
        Segment("filter", (("has_text=", text),)),
        Segment("first"),
    ]


def _expect(target: list[Segment], check: str, args: tuple[Doc, ...]) -> Doc:
    subject = chain("page", target, fluent_if_long=True)
    return chain("expect", [Segment(check, args)], root_args=[subject])
