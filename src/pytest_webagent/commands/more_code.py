"""Exported code for the verbs beyond click and fill, for remembered values, and for tabs.

``browser/more_actions.py`` and ``run/tabs.py`` are the reference. Some of these take more than
one statement (a switch looks through the open tabs; closing a tab goes on in another), and an
action recorded with ``opens_tab`` runs inside ``with page.expect_popup() as popup:``, after
which the test goes on in ``page = popup.value``, as the case did.
"""

from __future__ import annotations

import posixpath

from pytest_webagent.commands.layout import Doc, arguments, render, string_literal
from pytest_webagent.commands.locator_code import Imports, Segment, chain
from pytest_webagent.commands.playwright_code import (
    Action,
    CaseValues,
    action_statement,
    target_segments,
    variable_name,
)


def action_lines(
    action: Action, values: CaseValues, imports: Imports, timeout_ms: int | None, level: int
) -> list[str]:
    """The source lines performing ``action`` at indentation ``level``."""
    timeout: list[Doc] = [f"timeout={timeout_ms}"] if timeout_ms is not None else []
    if action.get("opens_tab"):
        inner = {key: value for key, value in action.items() if key != "opens_tab"}
        expect_popup = chain("page", [Segment("expect_popup", tuple(timeout))])
        return [
            render(("with ", expect_popup, " as popup:"), level),
            *action_lines(inner, values, imports, timeout_ms, level + 1),
            render("page = popup.value", level),
            render('page.wait_for_load_state("domcontentloaded")', level),
        ]
    statements = _statements(action, values, imports, timeout)
    if statements is None:
        statements = [action_statement(action, values.expression, imports, timeout_ms)]
    return [render(statement, level) for statement in statements]


def _statements(
    action: Action, values: CaseValues, imports: Imports, timeout: list[Doc]
) -> list[Doc] | None:
    kind = action["type"]
    if kind == "switch_tab":
        title = values.expression(action["title"])
        return [
            "for tab in page.context.pages:",
            ("    if ", title, " in tab.title() or ", title, " in tab.url:"),
            "        page = tab",
            "page.bring_to_front()",
        ]
    if kind == "close_tab":
        return ["page.close()", "page = page.context.pages[-1]", "page.bring_to_front()"]
    if "target" not in action:
        return None
    target = target_segments(action["target"]["code"], values.expression, imports)

    def on_target(*segments: Segment) -> Doc:
        return chain("page", [*target, *segments])

    if kind == "double_click":
        return [on_target(Segment("dblclick", tuple(timeout)))]
    if kind == "right_click":
        return [on_target(Segment("click", (("button=", string_literal("right")), *timeout)))]
    if kind == "scroll_into_view":
        return [on_target(Segment("scroll_into_view_if_needed", tuple(timeout)))]
    if kind == "drag":
        dropped_on = target_segments(action["destination"]["code"], values.expression, imports)
        destination = chain("page", dropped_on)
        return [on_target(Segment("drag_to", (destination, *timeout)))]
    if kind == "upload":
        return [on_target(Segment("set_input_files", (_file(action, values, imports), *timeout)))]
    if kind == "type":
        value = values.expression(action["value"])
        delay: list[Doc] = [f"delay={int(action['delay'])}"] if "delay" in action else []
        return [on_target(Segment("press_sequentially", (value, *delay, *timeout)))]
    if kind == "remember":
        assign = f"{variable_name(action['name'])} = "
        if action.get("property") == "value":
            return [(assign, on_target(Segment("input_value", tuple(timeout))))]
        text = on_target(Segment("inner_text", tuple(timeout)), Segment("split", ()))
        return [(assign, ('" ".join', arguments([text])))]
    return None


def _file(action: Action, values: CaseValues, imports: Imports) -> Doc:
    """The uploaded file, found from the exported module's folder as it was from the case's."""
    imports.modules.add("os")
    path = posixpath.normpath(posixpath.join(values.files_from, action["file"]))
    folder = ("os.path.dirname", arguments(["__file__"]))
    return ("os.path.join", arguments([folder, string_literal(path)]))
