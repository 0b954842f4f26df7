"""The phrasing the direct resolver understands: explicit steps with quoted targets and values.

Parsing is pure text -> ``Intent``; nothing here touches a browser. An ``Intent`` names what to do
and describes its target by the words the author used (a ``TargetQuery``); ``targets.py`` finds it
on the page. The accepted phrasings are listed in ``docs/writing-cases.md``; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache

Q = r'"([^"]*)"'  # a quoted value (curly and single quotes are normalised to "); may be empty
# A quoted target names something, so it holds more than blanks: `Click ""` is not explicit.
T = r'"([^"]*[^"\s][^"]*)"'
# Something to navigate to: a path, a file name or a URL, never a label like "Settings" (`Open
# "Settings"` means the link or menu of that name, which a model must find). A `{{ secrets.X }}`
# placeholder may sit in it, with the spaces the docs write inside its braces.
URL = r'"((?:[^"\s{]|\{\{\s*[\w.]+\s*\}\}|\{)*[/.:?#](?:[^"\s{]|\{\{\s*[\w.]+\s*\}\}|\{)*)"'
# A key or chord for Playwright (Enter, Control+A, a); a name with spaces is a button, not a key.
KEY = r'"([^"\s]+)"'
# Role words and the ARIA role each means ("" = any role that fits how the target is used).
ROLE_WORDS = {
    "button": "button", "link": "link", "tab": "tab", "checkbox": "checkbox",
    "check box": "checkbox", "radio": "radio", "radio button": "radio", "menu item": "menuitem",
    "option": "option", "field": "", "input": "", "heading": "heading", "dropdown": "",
    "textbox": "textbox", "text box": "textbox", "text field": "textbox", "text input": "textbox",
    "input textbox": "textbox", "input field": "textbox", "input box": "textbox",
    "list": "list", "table": "table", "row": "row", "item": "listitem", "dialog": "dialog",
    "dialog box": "dialog", "menu": "menu", "section": "region", "form": "form", "cell": "cell",
}  # fmt: skip
# Roles that hold other elements: "the "Orders" table" names a container, never a heading.
CONTAINER_ROLES = {"list", "table", "row", "listitem", "dialog", "menu", "region", "form", "cell"}
CHILD_ROLES = {"items": "listitem", "item": "listitem", "rows": "row", "row": "row",
               "options": "option", "option": "option", "links": "link", "link": "link",
               "buttons": "button", "button": "button"}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """Where to look: ``in the "qa-user" row``, ``under "By staff status"``, ``in the dialog``."""

    name: str  # "" for "in the dialog": the one open dialog
    role: str  # an ARIA role of ROLE_WORDS; "heading" for "under "X"" (the part after a heading)


@dataclass(frozen=True)
class TargetQuery:
    """An element described by the author: its name, how it is used, and an optional role word."""

    name: str  # "" for "the textbox": the role alone names it
    usage: str  # click | input | select | toggle | any | point | visible | container | hidden
    role: str = ""  # from "the X button"; "" when not said
    child_role: str = ""  # expect_count: count children of this role inside the named container
    ordinal: int = 0  # "the second ..." -> 2, "the last ..." -> -1; 0 when not said
    scope: Scope | None = None
    every: bool = False  # "both text fields": each element that fits


@dataclass(frozen=True)
class Intent:
    type: str  # an action type of action.schema.json
    target: TargetQuery | None = None
    fields: dict[str, str | int] = field(default_factory=dict)
    optional: bool = False  # `... if it appears`: skipped when the target does not show (optional)


def _role(word: str | None) -> str:
    return ROLE_WORDS.get(" ".join((word or "").lower().split()), "")


def _words(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len,
                           reverse=True))  # fmt: skip


ROLE = rf"(?:\s+({_words(ROLE_WORDS)}))?"
THE = r"(?:the\s+)?"
ORDINAL = rf"(?:{_words(ORDINALS)}|\d+(?:st|nd|rd|th))"
# An unquoted name, where benchmarks and testers write one: one word (`Click button ONE`,
# `press Submit`) or a word and a number (`Click on Tab #2`). Longer bare names need quotes.
BARE = r"[\w][\w!'.-]*(?:\s+#?\d+)?"
NAMED = '"(?P<{}>[^"]*[^"\\s][^"]*)"'  # T with a group name


# The patterns of this module are compiled on first use, not at import: together they take some
# 50 ms to compile, and collecting cases, which imports this module, needs only is_assertion.
@cache
def _scope_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"^(?:(?:in|inside|within|on|from)\s+the\s+{NAMED.format('in')}\s+(?P<role>{_words(ROLE_WORDS)})"
        rf"|(?:under|below|beneath)\s+{THE}{NAMED.format('under')}(?:\s+(?:heading|title|section))?"
        rf"|(?:in|inside|within)\s+the\s+(?P<bare>dialog(?:\s+box)?|form|table|menu))$",
        re.IGNORECASE,
    )


@cache
def _target_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"^{THE}(?:(?P<ord>{ORDINAL})\s+)?(?:(?P<role1>{_words(ROLE_WORDS)})(?:\s+|$))?"
        rf"(?:{NAMED.format('q')}|(?P<bare>{BARE}))?(?:\s+(?P<role2>{_words(ROLE_WORDS)}))?"
        rf"(?:\s+(?P<scope>(?:in|inside|within|on|from|under|below|beneath)\s.*))?$",
        re.IGNORECASE,
    )


def ordinal(word: str) -> int:
    word = word.lower()
    return ORDINALS[word] if word in ORDINALS else int(re.sub(r"\D", "", word))


def scope_of(text: str) -> Scope | None:
    match = _scope_pattern().match(text)
    if match is None:
        return None
    if match["bare"]:
        return Scope("", _role(match["bare"]))
    if match["in"] is not None:
        return Scope(match["in"], _role(match["role"]))
    return Scope(match["under"], "heading")


def target_query(text: str, usage: str, *, bare: bool = True) -> TargetQuery | None:
    """``the second "No" button in the "Sign in" dialog`` -> a TargetQuery; None if not a target.

    An unquoted name counts only after a role word or as a single word (``bare``); a role word
    alone names the one element of that role (``Click the textbox``)."""
    match = _target_pattern().match(text.strip())
    if match is None or (match["role1"] and match["role2"]):
        return None
    name = match["q"] if match["q"] is not None else (match["bare"] or "")
    if match["bare"] and not bare:
        return None
    if match["bare"] and match["role1"] is None and not re.fullmatch(r"\S+(?:\s+#?\d+)?", name):
        return None  # `Click the sign in button`: words the author did not quote
    role_word = match["role1"] or match["role2"]
    if not name and not role_word:
        return None
    scope = scope_of(match["scope"]) if match["scope"] else None
    if match["scope"] and scope is None:
        return None
    role = _role(role_word)
    if usage == "click" and role_word and role_word.lower() in ("field", "input"):
        usage = "input"  # `Click the "Username" field`: into the field, wherever its label is
    if usage == "select" and role in ("list", "listitem"):
        role = ""  # "from the list": the one select on the page
    if not name and not role and not role_word:
        return None
    if not name and role_word and not role:
        role = {"input": "textbox", "select": "combobox"}.get(usage, "textbox")  # "the field"
    return TargetQuery(
        name, usage, role, ordinal=ordinal(match["ord"]) if match["ord"] else 0, scope=scope
    )


# Unquoted words after "press" that are keys, not buttons.
KEY_NAMES = {"enter", "tab", "escape", "esc", "space", "backspace", "delete", "home", "end",
             "pageup", "pagedown", "arrowup", "arrowdown", "arrowleft", "arrowright"}  # fmt: skip


Builder = Callable[[re.Match[str]], "Intent | None"]
TGT = r"(.+?)"  # a target phrase, parsed by target_query
ACTION_PATTERNS: list[tuple[str, Builder]] = [
    (rf"(?:go to|open|navigate to|visit)\s+{URL}",
     lambda m: Intent("navigate", fields={"url": m[1]})),
    (rf"press\s+{THE}{T}\s+button",
     lambda m: Intent("click", TargetQuery(m[1], "click", "button"))),
    (rf"press\s+{KEY}(?:\s+(?:in|on)\s+{TGT})?",
     lambda m: _press(m[1], m[2])),
    (rf"(?:press|hit)\s+(?:the\s+)?({BARE})(?:\s+button)?",
     lambda m: None if m[1].lower() in KEY_NAMES else _click(m[1])),
    (rf"(?:click|tap)(?:\s+on)?\s+{TGT}",
     lambda m: _build("click", m[1], "click")),
    (rf"focus(?:\s+(?:into|on|in))?\s+{TGT}",
     lambda m: _build("click", m[1], "input")),
    (rf"(?:fill(?:\s+in)?|set)\s+{TGT}\s+(?:with|to)\s+{Q}",
     lambda m: _build("fill", m[1], "input", value=m[2])),
    (rf"(?:type|enter)\s+{Q}(?:\s+in\s+all\s+(upper|lower)\s*case(?:\s+letters)?)?"
     rf"\s+(?:into|in)\s+{TGT}",
     lambda m: _build("fill", m[3], "input", value=_cased(m[1], m[2]))),
    (rf"(?:select|choose|pick)\s+{Q}\s+(?:from|in)\s+{TGT}",
     lambda m: _build("select", m[2], "select", value=m[1])),
    (rf"(?:select|choose|pick)\s+({BARE}(?:\s+{BARE})?)\s+from\s+the\s+(?:list|dropdown)",
     lambda m: Intent("select", TargetQuery("", "select", "combobox"), {"value": m[1]})),
    (rf"check\s+{TGT}",
     lambda m: _build("check", m[1], "toggle", bare=False)),
    (rf"uncheck\s+{TGT}",
     lambda m: _build("uncheck", m[1], "toggle", bare=False)),
    (rf"hover(?:\s+over)?\s+{TGT}",
     lambda m: _build("hover", m[1], "point", bare=False)),
    (rf"wait\s+(?:for|until)\s+{THE}{T}\s+(?:to\s+(?:disappear|vanish|be hidden|be gone)|"
     rf"disappears|vanishes|is hidden|is gone)",
     lambda m: Intent("wait_for", TargetQuery(m[1], "hidden"), {"state": "hidden"})),
    (rf"wait\s+(?:for|until)\s+{THE}{T}"
     rf"(?:\s+(?:to\s+(?:appear|be visible|show)|appears|is visible|is shown|shows))?",
     lambda m: Intent("wait_for", TargetQuery(m[1], "visible"), {"state": "visible"})),
]  # fmt: skip


def _build(
    kind: str, phrase: str, usage: str, *, value: str | None = None, bare: bool = True
) -> Intent | None:
    query = target_query(phrase, usage, bare=bare)
    if query is None:
        return None
    if kind == "click" and not query.name and query.role in CONTAINER_ROLES:
        return None  # "Click the list" names no control
    return Intent(kind, query, {} if value is None else {"value": value})


def _click(name: str) -> Intent:
    return Intent("click", TargetQuery(name, "click", "button"))


def _press(key: str, phrase: str | None) -> Intent | None:
    if phrase is None:
        return Intent("press", None, {"key": key})
    query = target_query(phrase, "input", bare=False)
    return None if query is None else Intent("press", query, {"key": key})


def _cased(value: str, case: str | None) -> str:
    if case is None:
        return value
    return value.upper() if case.lower() == "upper" else value.lower()


MATCH_WORDS = {"contain": "contains", "contains": "contains", "include": "contains",
               "includes": "contains", "be": "equals", "is": "equals", "equal": "equals",
               "equals": "equals", "match": "regex", "matches": "regex"}  # fmt: skip
PAGE_PROPERTY = r"(?:the\s+)?(?:page\s+)?(url|address|title)"
# A scope after a check's predicate: `"Delete" is visible in the "qa-user" row`.
AFTER = r"(?:\s+(?P<after>(?:in|inside|within|under|below|beneath)\s.+))?"
COMPARISON = r"(?:to\s+)?(contains?|includes?|be|is|equals?|matches|match)"
ASSERTION_PATTERNS: list[tuple[str, Builder]] = [
    (rf"{PAGE_PROPERTY}\s+{COMPARISON}\s+{Q}",
     lambda m: Intent("expect_title" if m[1].lower() == "title" else "expect_url",
                      fields={"value": m[3], "match": MATCH_WORDS[m[2].lower()]})),
    (rf"{TGT}\s+(?:to\s+)?(?:have|has)\s+(?:the\s+)?value\s+{Q}{AFTER}",
     lambda m: _checked("expect_value", m, "input", value=m[2])),
    (rf"{TGT}\s+(?:to\s+be|is)\s+(?:visible|shown|displayed){AFTER}",
     lambda m: _checked("expect_visible", m, "visible")),
    (rf"{TGT}\s+(?:(?:to\s+be|is)\s+(?:hidden|not visible|not shown|gone)|"
     rf"(?:to\s+)?disappears?){AFTER}",
     lambda m: _checked("expect_hidden", m, "hidden")),
    (rf"{TGT}\s+(?:to\s+)?(?:have|has|contains?|shows?)\s+(\d+)\s+"
     rf"({'|'.join(CHILD_ROLES)}){AFTER}",
     lambda m: _checked("expect_count", m, "container", count=int(m[2]),
                        child=CHILD_ROLES[m[3].lower()])),
    (rf"{TGT}\s+(?:to\s+)?(?:contains?|shows?|says|(?:has|have)\s+text)\s+{Q}{AFTER}",
     lambda m: _checked("expect_text", m, "container", text=m[2])),
    (rf"{T}(?:\s+(?:is\s+)?(?:visible|shown|displayed|on the page))?",
     lambda m: Intent("expect_text", fields={"text": m[1]})),
]  # fmt: skip


def _checked(
    kind: str,
    match: re.Match[str],
    usage: str,
    *,
    value: str | None = None,
    text: str | None = None,
    count: int | None = None,
    child: str = "",
) -> Intent | None:
    """A check on a quoted element, which may carry an ordinal and a scope before or after the
    predicate: `the second "No" button is visible`, `"Delete" is visible in the "qa-user" row`."""
    phrase = match[1] if not match["after"] else f"{match[1]} {match['after']}"
    query = target_query(phrase, usage, bare=False)
    if query is None or not query.name:
        return None
    fields: dict[str, str | int] = {}
    if value is not None:
        fields["value"] = value
    if text is not None:
        fields["text"] = text
    if count is not None:
        fields["count"] = count
    return Intent(kind, replace(query, child_role=child), fields)


CompiledPatterns = list[tuple[re.Pattern[str], Builder]]


@cache
def _actions() -> CompiledPatterns:
    return [(re.compile(rf"^{p}$", re.IGNORECASE), b) for p, b in ACTION_PATTERNS]


@cache
def _assertions() -> CompiledPatterns:
    return [(re.compile(rf"^{p}$", re.IGNORECASE), b) for p, b in ASSERTION_PATTERNS]


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

    return parse_verb(phrase, lambda rest: _first_match(_actions(), rest))


def parse_assertion(text: str) -> Intent | None:
    """The check an explicit ``expect:`` step compiles to, or None when it is not explicit."""
    phrase = _EXPECT_PREFIX.sub("", normalise(text), count=1)
    from pytest_webagent.resolve.verbs import framed  # `... in the "X" frame`

    return framed(phrase, lambda rest: _first_match(_assertions(), rest))


def _first_match(patterns: CompiledPatterns, phrase: str) -> Intent | None:
    for pattern, build in patterns:
        match = pattern.match(phrase)
        if match:
            intent = build(match)
            if intent is not None:
                return intent
    return None
