"""Lay out generated Python statements the way ``ruff format`` (and black) would.

Exported tests must come out already formatted, without a formatter at run time. Statements are
built as a small document of groups and soft line breaks (Wadler/Prettier style, which is how ruff
formats): a group is printed on one line when it fits in what is left of the line, else its breaks
become newlines. Measuring "what is left" stops at the next break of an enclosing group that is
already broken, which is what makes ``expect(...).to_have_text(`` stay on one line while only the
last call's arguments are split. Only the shapes the exporter produces are modelled: calls,
attribute chains (fluent inside parentheses), subscripts, ``+`` and string literals.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import TypeAlias

LINE_WIDTH = 88  # ruff's and black's default
INDENT = "    "


class Break(Enum):
    SOFT = ""  # nothing when flat
    SPACE = " "  # a space when flat


@dataclass(frozen=True)
class Group:
    parts: tuple[Doc, ...]


@dataclass(frozen=True)
class Indent:
    parts: tuple[Doc, ...]


@dataclass(frozen=True)
class IfBroken:
    """Text printed only when the enclosing group is broken (a trailing comma)."""

    text: str


Doc: TypeAlias = str | Group | Indent | IfBroken | Break | tuple["Doc", ...]


def group(*parts: Doc) -> Group:
    return Group(parts)


def indent(*parts: Doc) -> Indent:
    return Indent(parts)


def arguments(items: list[Doc]) -> Doc:
    """``(a, b)``: broken as one indented line first, then one argument per line with a comma."""
    if not items:
        return "()"
    if len(items) == 1:
        return group("(", indent(Break.SOFT, items[0]), Break.SOFT, ")")
    joined: list[Doc] = []
    for index, item in enumerate(items):
        joined += [item] if index == 0 else [",", Break.SPACE, item]
    inner = group(*joined, IfBroken(","))
    return group("(", indent(Break.SOFT, inner), Break.SOFT, ")")


def text_width(text: str) -> int:
    """Columns ``text`` takes in an editor (wide East Asian characters count twice)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


@dataclass
class _Command:
    indent: int
    flat: bool
    doc: Doc


def render(doc: Doc, level: int, width: int = LINE_WIDTH) -> str:
    """``doc`` as source lines at indentation ``level`` (each line indented)."""
    out: list[str] = [INDENT * level]
    column = len(INDENT) * level
    commands = [_Command(column, False, doc)]
    while commands:
        command = commands.pop()
        item = command.doc
        if isinstance(item, str):
            out.append(item)
            column += text_width(item)
        elif isinstance(item, tuple):
            commands += [_Command(command.indent, command.flat, part) for part in reversed(item)]
        elif isinstance(item, Indent):
            deeper = command.indent + len(INDENT)
            commands += [_Command(deeper, command.flat, part) for part in reversed(item.parts)]
        elif isinstance(item, Group):
            flat = command.flat or _fits(
                _Command(command.indent, True, item.parts), commands, width - column
            )
            commands.append(_Command(command.indent, flat, item.parts))
        elif isinstance(item, IfBroken):
            if not command.flat:
                out.append(item.text)
                column += text_width(item.text)
        elif command.flat:
            out.append(item.value)
            column += len(item.value)
        else:
            out.append("\n" + " " * command.indent)
            column = command.indent
    return "".join(out)


def _fits(next_command: _Command, rest: list[_Command], remaining: int) -> bool:
    """Whether ``next_command`` flat, and what follows it up to the next line break, fits."""
    pending = [next_command]
    rest_index = len(rest)
    while remaining >= 0:
        if not pending:
            if rest_index == 0:
                return True
            rest_index -= 1
            pending.append(rest[rest_index])
            continue
        command = pending.pop()
        item = command.doc
        if isinstance(item, str):
            remaining -= text_width(item)
        elif isinstance(item, tuple):
            pending += [_Command(command.indent, command.flat, part) for part in reversed(item)]
        elif isinstance(item, (Group, Indent)):
            pending += [_Command(command.indent, command.flat, p) for p in reversed(item.parts)]
        elif isinstance(item, IfBroken):
            remaining -= 0 if command.flat else len(item.text)
        elif not command.flat:
            return True  # a line break of a broken group: the rest goes on another line
        else:
            remaining -= len(item.value)
    return False


def string_literal(value: str) -> str:
    """A Python string literal for ``value`` with the quotes and escapes ruff keeps as they are."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    escaped: list[str] = []
    for char in value:
        if char == "\\" or char == quote:
            escaped.append("\\" + char)
        elif char in _NAMED_ESCAPES:
            escaped.append(_NAMED_ESCAPES[char])
        elif not char.isprintable():
            code = ord(char)
            if code < 0x100:
                escaped.append(f"\\x{code:02x}")
            else:
                escaped.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            escaped.append(char)
    return quote + "".join(escaped) + quote


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
