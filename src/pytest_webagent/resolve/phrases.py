"""The phrasing the direct resolver understands: explicit steps with quoted targets and values.

Parsing is pure text -> ``Intent``; nothing here touches a browser. An ``Intent`` names what to do
and describes its target by the words the author used (a ``TargetQuery``); ``targets.py`` finds it
on the page. The accepted phrasings are listed in ``docs/writing-cases.md``; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Q = r'"([^"]*)"'  # a quoted value (curly and single quotes are normalised to "); may be empty
# A quoted target names something, so it holds more than blanks: `Click ""` is not explicit.
T = r'"([^"]*[^"\s][^"]*)"'
# Something to navigate to: a path, a file name or a URL, never a label like "Settings" (`Open
# "Settings"` means the link or menu of that name, which a model must find).
URL = r'"([^"\s]*[/.:?#][^"\s]*)"'
# A key or chord for Playwright (Enter, Control+A, a); a name with spaces is a button, not a key.
KEY = r'"([^"\s]+)"'
ROLE_WORDS = {
    "button": "button", "link": "link", "tab": "tab", "checkbox": "checkbox", "radio": "radio",
    "menu item": "menuitem", "option": "option", "field": "", "input": "", "heading": "heading",
    "dropdown": "",
}  # fmt: skip
CHILD_ROLES = {"items": "listitem", "item": "listitem", "rows": "row", "row": "row",
               "options": "option", "option": "option", "links": "link", "link": "link",
               "buttons": "button", "button": "button"}  # fmt: skip


@dataclass(frozen=True)
class TargetQuery:
    """An element described by the author: its name, how it is used, and an optional role word."""

    name: str
    usage: str  # click | input | select | toggle | any | visible | container | hidden
    role: str = ""  # from "the X button"; "" when not said
    child_role: str = ""  # expect_count: count children of this role inside the named container


@dataclass(frozen=True)
class Intent:
    type: str  # an action type of action.schema.json
    target: TargetQuery | None = None
    fields: dict[str, str | int] = field(default_factory=dict)


def _role(word: str | None) -> str:
    return ROLE_WORDS.get((word or "").lower(), "")


def _roles_alternation() -> str:
    return "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True))


ROLE = rf"(?:\s+({_roles_alternation()}))?"
THE = r"(?:the\s+)?"

Builder = Callable[[re.Match[str]], Intent]
ACTION_PATTERNS: list[tuple[str, Builder]] = [
    (rf"(?:go to|open|navigate to|visit)\s+{URL}",
     lambda m: Intent("navigate", fields={"url": m[1]})),
    (rf"press\s+{THE}{T}\s+button",
     lambda m: Intent("click", TargetQuery(m[1], "click", "button"))),
    (rf"(?:click|tap)(?:\s+on)?\s+{THE}{T}{ROLE}",
     lambda m: Intent("click", TargetQuery(m[1], "click", _role(m[2])))),
    (rf"(?:fill(?:\s+in)?|set)\s+{THE}{T}{ROLE}\s+(?:with|to)\s+{Q}",
     lambda m: Intent("fill", TargetQuery(m[1], "input", _role(m[2])), {"value": m[3]})),
    (rf"(?:type|enter)\s+{Q}\s+(?:into|in)\s+{THE}{T}{ROLE}",
     lambda m: Intent("fill", TargetQuery(m[2], "input", _role(m[3])), {"value": m[1]})),
    (rf"(?:select|choose)\s+{Q}\s+(?:from|in)\s+{THE}{T}{ROLE}",
     lambda m: Intent("select", TargetQuery(m[2], "select", _role(m[3])), {"value": m[1]})),
    (rf"check\s+{THE}{T}{ROLE}",
     lambda m: Intent("check", TargetQuery(m[1], "toggle", _role(m[2])))),
    (rf"uncheck\s+{THE}{T}{ROLE}",
     lambda m: Intent("uncheck", TargetQuery(m[1], "toggle", _role(m[2])))),
    (rf"press\s+{KEY}(?:\s+(?:in|on)\s+{THE}{T}{ROLE})?",
     lambda m: Intent("press", TargetQuery(m[2], "input", _role(m[3])) if m[2] else None,
                      {"key": m[1]})),
    (rf"hover(?:\s+over)?\s+{THE}{T}{ROLE}",
     lambda m: Intent("hover", TargetQuery(m[1], "any", _role(m[2])))),
    (rf"wait\s+(?:for|until)\s+{THE}{T}\s+(?:to\s+(?:disappear|vanish|be hidden|be gone)|"
     rf"disappears|vanishes|is hidden|is gone)",
     lambda m: Intent("wait_for", TargetQuery(m[1], "hidden"), {"state": "hidden"})),
    (rf"wait\s+(?:for|until)\s+{THE}{T}"
     rf"(?:\s+(?:to\s+(?:appear|be visible|show)|appears|is visible|is shown|shows))?",
     lambda m: Intent("wait_for", TargetQuery(m[1], "visible"), {"state": "visible"})),
]  # fmt: skip

MATCH_WORDS = {"contain": "contains", "contains": "contains", "include": "contains",
               "includes": "contains", "be": "equals", "is": "equals", "equal": "equals",
               "equals": "equals", "match": "regex", "matches": "regex"}  # fmt: skip
PAGE_PROPERTY = r"(?:the\s+)?(?:page\s+)?(url|address|title)"
COMPARISON = r"(?:to\s+)?(contains?|includes?|be|is|equals?|matches|match)"
ASSERTION_PATTERNS: list[tuple[str, Builder]] = [
    (rf"{PAGE_PROPERTY}\s+{COMPARISON}\s+{Q}",
     lambda m: Intent("expect_title" if m[1].lower() == "title" else "expect_url",
                      fields={"value": m[3], "match": MATCH_WORDS[m[2].lower()]})),
    (rf"{THE}{T}{ROLE}\s+(?:to\s+)?(?:have|has)\s+(?:the\s+)?value\s+{Q}",
     lambda m: Intent("expect_value", TargetQuery(m[1], "input", _role(m[2])), {"value": m[3]})),
    (rf"{THE}{T}{ROLE}\s+(?:to\s+be|is)\s+(?:visible|shown|displayed)",
     lambda m: Intent("expect_visible", TargetQuery(m[1], "visible", _role(m[2])))),
    (rf"{THE}{T}{ROLE}\s+(?:(?:to\s+be|is)\s+(?:hidden|not visible|not shown|gone)|"
     rf"(?:to\s+)?disappears?)",
     lambda m: Intent("expect_hidden", TargetQuery(m[1], "hidden", _role(m[2])))),
    (rf"{THE}{T}{ROLE}\s+(?:to\s+)?(?:have|has|contains?|shows?)\s+(\d+)\s+"
     rf"({'|'.join(CHILD_ROLES)})",
     lambda m: Intent("expect_count",
                      TargetQuery(m[1], "container", _role(m[2]), CHILD_ROLES[m[4].lower()]),
                      {"count": int(m[3])})),
    (rf"{THE}{T}{ROLE}\s+(?:to\s+)?(?:contains?|shows?|says|(?:has|have)\s+text)\s+{Q}",
     lambda m: Intent("expect_text", TargetQuery(m[1], "container", _role(m[2])), {"text": m[3]})),
    (rf"{T}(?:\s+(?:is\s+)?(?:visible|shown|displayed|on the page))?",
     lambda m: Intent("expect_text", fields={"text": m[1]})),
]  # fmt: skip

_ACTIONS = [(re.compile(rf"^{p}$", re.IGNORECASE), b) for p, b in ACTION_PATTERNS]
_ASSERTIONS = [(re.compile(rf"^{p}$", re.IGNORECASE), b) for p, b in ASSERTION_PATTERNS]
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
# 'Single' and curly single quotes around a target or value; never apostrophes (O'Brien, Don't).
_SINGLE_QUOTED = re.compile(r"(?<![\w])['\u2018]([^'\u2018\u2019]*)['\u2019](?![\w])")
_EXPECT_PREFIX = re.compile(r"^(?:expect|verify|assert|check that)s?\s*:?\s+(?:that\s+)?", re.I)


def normalise(text: str) -> str:
    text = " ".join(text.translate(_QUOTES).split()).rstrip(". ")
    # 'single quotes' count as quotes only when the step has no double quotes at all.
    if '"' not in text:
        text = _SINGLE_QUOTED.sub(r'"\1"', text)
    return text


def is_assertion(text: str) -> bool:
    """Whether a plain step is worded as a check (``Expect ...``, ``Verify that ...``)."""
    return bool(_EXPECT_PREFIX.match(normalise(text)))


def parse_action(text: str) -> Intent | None:
    """The intent of an explicit action step, or None when the step is not explicit."""
    phrase = normalise(text)
    if _EXPECT_PREFIX.match(phrase):
        return parse_assertion(phrase)
    from pytest_webagent.resolve.verbs import parse_verb  # its table builds on this module's

    return parse_verb(phrase, lambda rest: _first_match(_ACTIONS, rest))


def parse_assertion(text: str) -> Intent | None:
    """The check an explicit ``expect:`` step compiles to, or None when it is not explicit."""
    phrase = _EXPECT_PREFIX.sub("", normalise(text), count=1)
    from pytest_webagent.resolve.verbs import framed  # `... in the "X" frame`

    return framed(phrase, lambda rest: _first_match(_ASSERTIONS, rest))


def _first_match(patterns: list[tuple[re.Pattern[str], Builder]], phrase: str) -> Intent | None:
    for pattern, build in patterns:
        match = pattern.match(phrase)
        if match:
            return build(match)
    return None
