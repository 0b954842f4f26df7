"""More verbs for the direct resolver: double-click, right-click, drag, upload, type slowly,
scroll into view, remember a value, switch and close tabs.

A table of its own, consulted by ``phrases.parse_action`` before the basic phrasings (none of
these verbs is a prefix of them). Each entry is a regular expression over the normalised step and
the ``Intent`` it builds; the accepted phrasings are listed in ``docs/writing-cases.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_webagent.resolve.frames import in_frame, split_frame
from pytest_webagent.resolve.phrases import (
    ROLE,
    THE,
    Builder,
    Intent,
    Q,
    T,
    TargetQuery,
    _role,
)

# A name to remember a value under: a plain identifier, as placeholders are written.
NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
# How slow "slowly" is: enough for inputs that react to each keystroke (autocomplete, masks).
SLOW_TYPING_DELAY_MS = 50
SLOWLY = r"(?:slowly|key by key|character by character|one key at a time)"


NOWHERE = TargetQuery("", "any")


@dataclass(frozen=True)
class DragIntent(Intent):
    """``Drag "Card 3" to "Done"``: a second target, where the first is dropped."""

    destination: TargetQuery = NOWHERE


def _drag(match: re.Match[str]) -> Intent:
    return DragIntent(
        "drag",
        TargetQuery(match[1], "point", _role(match[2])),
        destination=TargetQuery(match[3], "point", _role(match[4])),
    )


def _typed(text: str, name: str, role: str | None) -> Intent:
    fields: dict[str, str | int] = {"value": text, "delay": SLOW_TYPING_DELAY_MS}
    return Intent("type", TargetQuery(name, "input", _role(role)), fields)


def _remember(match: re.Match[str]) -> Intent:
    fields: dict[str, str | int] = {"name": match[5], "property": match[1].lower()}
    if match[4]:
        fields["secret"] = True
    usage = "input" if match[1].lower() == "value" else "any"
    return Intent("remember", TargetQuery(match[2], usage, _role(match[3])), fields)


VERB_PATTERNS: list[tuple[str, Builder]] = [
    (rf"double[- ]?click(?:\s+on)?\s+{THE}{T}{ROLE}",
     lambda m: Intent("double_click", TargetQuery(m[1], "point", _role(m[2])))),
    (rf"right[- ]?click(?:\s+on)?\s+{THE}{T}{ROLE}",
     lambda m: Intent("right_click", TargetQuery(m[1], "point", _role(m[2])))),
    (rf"drag\s+{THE}{T}{ROLE}\s+(?:to|onto|into|over)\s+{THE}{T}{ROLE}", _drag),
    (rf"(?:upload|attach)\s+{T}\s+(?:to|into|in|as)\s+{THE}{T}{ROLE}",
     lambda m: Intent("upload", TargetQuery(m[2], "input", _role(m[3])), {"file": m[1]})),
    (rf"type\s+{Q}\s+{SLOWLY}\s+(?:into|in)\s+{THE}{T}{ROLE}", lambda m: _typed(m[1], m[2], m[3])),
    (rf"type\s+{Q}\s+(?:into|in)\s+{THE}{T}{ROLE}\s+{SLOWLY}", lambda m: _typed(m[1], m[2], m[3])),
    (rf"scroll\s+{THE}{T}{ROLE}\s+into\s+view",
     lambda m: Intent("scroll_into_view", TargetQuery(m[1], "point", _role(m[2])))),
    (rf"scroll\s+(?:down\s+|up\s+)?to\s+{THE}{T}{ROLE}",
     lambda m: Intent("scroll_into_view", TargetQuery(m[1], "point", _role(m[2])))),
    (rf"remember\s+(?:the\s+)?(text|value)\s+of\s+{THE}{T}{ROLE}\s+as\s+(secret\s+)?{NAME}",
     _remember),
    (rf"switch\s+(?:back\s+)?to\s+{THE}{T}\s+(?:tab|window|page|popup)",
     lambda m: Intent("switch_tab", fields={"title": m[1]})),
    (r"close\s+(?:the\s+|this\s+)?(?:current\s+)?(?:tab|window|popup)",
     lambda m: Intent("close_tab")),
]  # fmt: skip

VERBS = [(re.compile(rf"^{p}$", re.IGNORECASE), b) for p, b in VERB_PATTERNS]


def parse_verb(phrase: str, basic: Callable[[str], Intent | None]) -> Intent | None:
    """The intent of a normalised action step: one of these verbs, else ``basic``'s phrasing;
    either may end in ``in the "X" frame``."""
    return framed(phrase, lambda step: _verb(step) or basic(step))


def framed(phrase: str, parse: Callable[[str], Intent | None]) -> Intent | None:
    """``parse`` of the step, its targets scoped to the frame a trailing ``in the "X" frame``
    names."""
    intent = parse(phrase)
    step, frame = split_frame(phrase)
    if intent is not None or frame is None:
        return intent  # a quoted name ending in "frame" is the whole phrase's, when it parses
    scoped = parse(step)
    return in_frame(scoped, frame) if scoped is not None else None


def _verb(phrase: str) -> Intent | None:
    for pattern, build in VERBS:
        match = pattern.match(phrase)
        if match:
            return build(match)
    return None
