"""Steps that hold several actions, and the sentence forms benchmarks and testers write.

``Enter "Tora" into the text field and press Submit`` is two actions; so is ``Click button ONE,
then click button TWO``. A step is split at ", then", "then", "and" and commas, outside quotes,
only where the next part starts with an action verb; every part must be explicit, else the whole
step is not (and goes to the model). A few whole-sentence forms (``Select A, B and click
Submit``, ``Enter the username "u" and the password "p" into the text fields``) are read here as
well, since their parts only make sense together.
"""

from __future__ import annotations

import re

from pytest_webagent.resolve.optional import optional, split_optional
from pytest_webagent.resolve.phrases import (
    BARE,
    Intent,
    Scope,
    TargetQuery,
    normalise,
    parse_action,
)

VERBS = (
    "click", "tap", "press", "hit", "fill", "set", "type", "enter", "select", "choose", "pick",
    "check", "uncheck", "hover", "wait", "go", "open", "navigate", "visit", "focus", "close",
    "expand", "collapse",
)  # fmt: skip
_JOINT = re.compile(
    rf"\s*(?:,\s*(?:and\s+)?(?:then\s+)?|\s+and\s+(?:then\s+)?|\s+then\s+|;\s*)(?=(?:{'|'.join(VERBS)})\b)",
    re.IGNORECASE,
)
_SELECT_MANY = re.compile(r"^(?:select|check|tick)\s+(.+?)\s+and\s+(?:click|press)\s+(.+)$", re.I)
_LOGIN = re.compile(
    r'^(?:enter|type)\s+the\s+(\w+)\s+"([^"]*)"\s+and\s+the\s+(\w+)\s+"([^"]*)"'
    r"(?:\s+(?:into|in)\s+the\s+(?:text\s+)?fields)?$",
    re.IGNORECASE,
)
_BOTH = re.compile(
    r'^(?:enter|type)\s+(?:the\s+(\w+)\s+)?"([^"]*)"\s+(?:into|in)\s+(?:both|all)\s+(?:the\s+)?'
    r"(?:text\s+)?(?:fields|inputs|textboxes)$",
    re.IGNORECASE,
)
_BY_CLICKING = re.compile(
    r"^close\s+the\s+(dialog(?:\s+box)?|popup|modal)\s+by\s+(clicking\s+.+)$", re.I
)
_LABELED = re.compile(
    r"^(?:click|press)(?:\s+on)?\s+the\s+button\s+in\s+the\s+dialog(?:\s+box)?\s+"
    r'(?:labell?ed|named|called)\s+"([^"]+)"$',
    re.IGNORECASE,
)
_EXPAND = re.compile(r"^(?:expand|open)\s+the\s+(?:section|panel|accordion)(?:\s+below)?$", re.I)


def parse_actions(text: str) -> list[Intent] | None:
    """The actions of an explicit step, in order; None when any part is not explicit."""
    phrase = normalise(text)
    whole = _whole_sentence(phrase)
    if whole is not None:
        return whole
    parts = _split(phrase)
    intents: list[Intent] = []
    for whole_part in parts:
        part, if_present = split_optional(whole_part)
        found = _whole_sentence(part)
        if found is None:
            single = parse_action(part)
            found = [single] if single is not None else None
        if found is not None and if_present:  # `Click "Cancel" if it appears`
            made = [optional(intent) for intent in found]
            found = [intent for intent in made if intent is not None]
            found = found if len(found) == len(made) else None
        if found is None:
            return None
        intents.extend(found)
    return intents


def _split(phrase: str) -> list[str]:
    """``A, then B and C`` -> [A, B, C], never inside quotes."""
    parts, start, quoted = [], 0, False
    position = 0
    while position < len(phrase):
        if phrase[position] == '"':
            quoted = not quoted
        elif not quoted:
            joint = _JOINT.match(phrase, position)
            if joint and joint.end() > position and position > start:
                parts.append(phrase[start:position])
                start = position = joint.end()
                continue
        position += 1
    parts.append(phrase[start:])
    return [part.strip() for part in parts if part.strip()]


def _whole_sentence(phrase: str) -> list[Intent] | None:
    match = _LOGIN.match(phrase)
    if match:
        return [
            Intent("fill", TargetQuery(match[1], "input"), {"value": match[2]}),
            Intent("fill", TargetQuery(match[3], "input"), {"value": match[4]}),
        ]
    match = _BOTH.match(phrase)
    if match:
        return [
            Intent("fill", TargetQuery("", "input", "textbox", every=True), {"value": match[2]})
        ]
    match = _LABELED.match(phrase)
    if match:
        return [
            Intent("click", TargetQuery(match[1], "click", "button", scope=Scope("", "dialog")))
        ]
    match = _BY_CLICKING.match(phrase)
    if match:
        inner = parse_action(re.sub(r"^clicking", "click", match[2], flags=re.IGNORECASE))
        return [inner] if inner is not None else None
    if _EXPAND.match(phrase):
        return [Intent("click", TargetQuery("", "click", "expandable"))]
    match = _SELECT_MANY.match(phrase)
    if match and '"' not in match[1]:
        names = [] if match[1].lower() == "nothing" else re.split(r"\s*,\s*|\s+and\s+", match[1])
        if not all(re.fullmatch(BARE, name) for name in names):
            return None
        then = parse_action(f"click {match[2]}")
        if then is None:
            return None
        return [*(Intent("check", TargetQuery(name, "toggle")) for name in names), then]
    return None
