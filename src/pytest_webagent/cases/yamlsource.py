"""Read a YAML file into plain data plus the line of every key path, safely.

Errors must name a line, so we keep PyYAML's node marks next to the data. Loading is bounded:
files above ``MAX_FILE_BYTES`` and documents that expand to more than ``MAX_NODES`` nodes (alias
"billion laughs" bombs) or nest deeper than ``MAX_DEPTH`` are refused instead of eating memory.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_webagent.errors import CaseFileError, Location

if TYPE_CHECKING:
    # Imported where a file is read: PyYAML with libyaml's extension takes 15-30 ms to import,
    # which a session that reads no case file (a project of Python tests only) need not pay.
    import yaml

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    lines: dict[KeyPath, int]
    quoted: frozenset[KeyPath] = frozenset()  # scalars written in quotes ("..." or '...')

    def line_of(self, key_path: KeyPath) -> int:
        """Line of ``key_path`` or of its nearest ancestor that has one."""
        for end in range(len(key_path), -1, -1):
            line = self.lines.get(tuple(key_path[:end]))
            if line is not None:
                return line
        return 1

    def location(self, key_path: KeyPath) -> Location:
        return Location(self.path, self.line_of(key_path))


def format_key_path(key_path: KeyPath) -> str:
    """``("cases", 0, "steps", 2)`` -> ``cases[0].steps[2]``."""
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path) -> YamlDocument:
    import yaml

    raw = _read_bounded(path)
    text = _decode(path, raw)
    # libyaml's parser, when PyYAML was built with it, reads a case file about 5x faster: what
    # collecting a thousand case files mostly costs. Errors are re-read with the pure-Python
    # parser, whose messages are the ones documented.
    fast_loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return _load(path, text, fast_loader)
    except CaseFileError:
        if fast_loader is yaml.SafeLoader:
            raise
    return _load(path, text, yaml.SafeLoader)


def _load(path: Path, text: str, loader_type: type[yaml.SafeLoader]) -> YamlDocument:
    import yaml

    loader = loader_type(text)
    try:
        _check_depth(path, text, loader_type)
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(path, None, {(): 1})
        lines: dict[KeyPath, int] = {}
        quoted: set[KeyPath] = set()
        _index_lines(path, node, (), lines, quoted, counter=[0])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        message = f"YAML syntax error: {problem}{context}"
        source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if _QUOTE_THEN_TEXT.search(source_line):
            message += (
                "; a YAML value that starts with a quote must end with it: wrap the whole step "
                """in single quotes, e.g. '"Email" has value "a@b.c"'"""
            )
        elif "\t" in source_line or "'\\t'" in problem:
            message += (
                f"; line {line} has a tab character: YAML indents with spaces only, replace the "
                "tab with spaces"
            )
        elif "mapping values are not allowed" in problem and ": " in source_line.lstrip("- "):
            message += (
                "; a colon followed by a space starts a key and its value, so a step with one "
                "(Note: ...) must be quoted whole, e.g. - 'Check the note: saved'"
            )
        raise CaseFileError(Location(path, line), message) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(Location(path, 1), f"YAML error: {exc}") from None
    except RecursionError:
        raise CaseFileError(Location(path, 1), "YAML is nested too deeply") from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, lines, frozenset(quoted))


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing before reading them whole what cannot be a case file: a special
    file (a symlink to ``/dev/zero`` never ends) or one above ``MAX_FILE_BYTES``."""
    try:
        with path.open("rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise CaseFileError(
                    Location(path, 1),
                    f"not a regular file ({stat.filemode(status.st_mode)}); a case file is text",
                )
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CaseFileError(Location(path, 1), f"cannot be read: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        size = max(status.st_size, len(raw))
        raise CaseFileError(
            Location(path, 1), f"file is {size} bytes; case files are limited to {MAX_FILE_BYTES}"
        )
    return raw


def _check_depth(path: Path, text: str, loader_type: type[yaml.SafeLoader]) -> None:
    """Refuse deep nesting from the event stream, before PyYAML's recursive composer sees it.

    The parser is iterative; composing ``[[[[...]]]]`` recurses once per level, so a few thousand
    levels would hit Python's recursion limit (slowly) instead of giving a line number.
    """
    # Every collection starts at a character of its own: `[`, `{`, the `-` of its first entry, or
    # the `:` or `?` of its first key. A text with no more of them than the limit cannot nest
    # deeper, and most case files are spared this second parse.
    if sum(text.count(character) for character in "[{-:?") <= MAX_DEPTH:
        return
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=loader_type):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else 1
                raise CaseFileError(Location(path, line), f"nesting deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError(
            Location(path, line),
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8",
        ) from None


# A scalar that starts with a quoted part and goes on: `- "Email" has value "x"`, also in flow
# style (`[..., "Email" has ...]`). YAML ends the scalar at the closing quote and then chokes.
_QUOTE_THEN_TEXT = re.compile(r"""(?:^|[:\-\[,{])\s*"[^"]*"\s+[^\s#]""")


def _index_lines(
    path: Path,
    node: yaml.Node,
    key_path: KeyPath,
    lines: dict[KeyPath, int],
    quoted: set[KeyPath],
    counter: list[int],
) -> None:
    import yaml

    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise CaseFileError(
            Location(path, node.start_mark.line + 1),
            f"document expands to more than {MAX_NODES} nodes (alias bomb?)",
        )
    if len(key_path) > MAX_DEPTH:
        raise CaseFileError(
            Location(path, node.start_mark.line + 1), f"nesting deeper than {MAX_DEPTH} levels"
        )
    lines.setdefault(key_path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode) and node.style in ('"', "'"):
        quoted.add(key_path)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.tag)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise CaseFileError(
                    Location(path, line),
                    f"duplicate key {key!r} (first defined on line {seen[key]})",
                    format_key_path(key_path),
                )
            seen[key] = line
            child_path = (*key_path, key)
            lines[child_path] = line
            _index_lines(path, value_node, child_path, lines, quoted, counter)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(path, item, (*key_path, index), lines, quoted, counter)
