"""A small reader for Playwright ARIA snapshots (``page.aria_snapshot(mode="ai")``).

It reads the YAML-like lines Playwright renders, e.g.::

    - button "Sign in" [ref=e10] [cursor=pointer]
    - 'link "Note: read me" [ref=e3]':

and is just good enough for the test server to find an element's ``ref`` by role and
accessible name. It is not a YAML parser and ignores property lines such as ``- /url: ...``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["AriaNode", "find_ref", "parse_aria_snapshot"]

_ITEM = re.compile(r"^(?P<indent>[ \t]*)- (?P<body>.*)$")
_KEY = re.compile(
    r'^(?P<role>[A-Za-z][\w-]*)(?: (?P<name>"(?:[^"\\]|\\.)*"))?(?P<attrs>(?: \[[^\]]*\])*)$'
)
_ATTR = re.compile(r"\[([^\]=\s]+)(?:=([^\]]*))?\]")


@dataclass(frozen=True)
class AriaNode:
    """One element line of an ARIA snapshot.

    ``name`` is ``None`` when the line has no quoted name; ``ref`` is ``None`` for lines
    Playwright gave no ref (those cannot be targeted). ``attributes`` holds the bracketed
    flags, e.g. ``{"ref": "e10", "cursor": "pointer", "active": ""}``; ``text`` is the inline
    value after the colon (``listitem [ref=e13]: a`` has text ``"a"``).
    """

    role: str
    name: str | None
    ref: str | None
    depth: int
    attributes: Mapping[str, str] = field(default_factory=dict)
    text: str | None = None


def _split_key(body: str) -> tuple[str, str]:
    """Split an item body into its key and what follows the key (``": value"``, ``":"``...)."""
    if body.startswith("'"):  # YAML single-quoted key; '' escapes a quote
        i = 1
        while i < len(body):
            if body[i] == "'":
                if body[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return body[1:i].replace("''", "'"), body[i + 1 :]
            i += 1
        return body, ""
    match = re.search(r":(?: |$)", body)
    if match is None:
        return body, ""
    return body[: match.start()], body[match.start() :]


def _decode(quoted: str) -> str:
    try:
        value = json.loads(quoted)
    except ValueError:
        value = None
    if isinstance(value, str):
        return value
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


def _inline_text(rest: str) -> str | None:
    value = rest[1:].strip() if rest.startswith(":") else ""
    if not value:
        return None
    return _decode(value) if value.startswith('"') and value.endswith('"') else value


def parse_aria_snapshot(snapshot: str) -> list[AriaNode]:
    """Parse every element line of ``snapshot`` in document order.

    Plain ``- text: ...`` lines and ``- /property: ...`` lines are skipped; lines that do not
    look like snapshot items are ignored rather than rejected.
    """
    nodes: list[AriaNode] = []
    for line in snapshot.splitlines():
        item = _ITEM.match(line)
        if item is None:
            continue
        key, rest = _split_key(item.group("body"))
        parsed = _KEY.match(key)
        if parsed is None or parsed.group("role") == "text":
            continue
        attributes = {k: v or "" for k, v in _ATTR.findall(parsed.group("attrs") or "")}
        name = parsed.group("name")
        nodes.append(
            AriaNode(
                role=parsed.group("role"),
                name=_decode(name) if name is not None else None,
                ref=attributes.get("ref") or None,
                depth=len(item.group("indent").expandtabs(2)) // 2,
                attributes=attributes,
                text=_inline_text(rest),
            )
        )
    return nodes


def find_ref(
    snapshot: str | Sequence[AriaNode], role: str, name: str | None = None, nth: int = 0
) -> str | None:
    """Return the ref of the ``nth`` (0-based) element with ``role`` and exactly ``name``.

    ``name=None`` matches any name. Only elements that carry a ref are counted. Returns
    ``None`` when there is no such element.
    """
    nodes = parse_aria_snapshot(snapshot) if isinstance(snapshot, str) else snapshot
    matches = [
        node.ref
        for node in nodes
        if node.ref is not None and node.role == role and (name is None or node.name == name)
    ]
    return matches[nth] if 0 <= nth < len(matches) else None
