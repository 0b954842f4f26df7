"""What a step asks for: its words, stems, quoted phrases and the roles it hints at."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REF_RE = re.compile(r"\[ref=([^\]\s]+)\]")


WORD_RE = re.compile(r"[^\W_]+")


_QUOTED_RE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|(?<!\w)'([^']+)'(?!\w)")


INTERACTIVE = _words(
    """button link textbox searchbox checkbox radio combobox listbox option tab menuitem
    menuitemcheckbox menuitemradio switch slider spinbutton treeitem"""
)


TEXTUAL = _words(
    """paragraph code blockquote strong emphasis time mark deletion insertion subscript
    superscript term definition note"""
)


# Words of a step that describe the action or the kind of target rather than its name.
_STOPWORDS = _words(
    """a an the this that these those it its there here to into in on onto off at of for from
    with by as and or but then than is are be been should must can will do does not no
    click clicks double right press tap hit type enter fill clear write put set change select
    choose pick check tick uncheck untick toggle turn switch open close go navigate visit hover
    scroll wait see verify assert expect make sure using use via under next named called
    labelled labeled button link field input box checkbox radio tab dropdown menu option item
    textbox combobox slider page value"""
)


# Words of a step that name the kind of target, and the roles they suggest.
_ROLE_HINTS: dict[str, frozenset[str]] = {
    "button": frozenset({"button"}),
    "link": frozenset({"link"}),
    "checkbox": frozenset({"checkbox"}),
    "tick": frozenset({"checkbox"}),
    "radio": frozenset({"radio"}),
    "tab": frozenset({"tab"}),
    "switch": frozenset({"switch", "checkbox"}),
    "toggle": frozenset({"switch", "checkbox", "button"}),
    "dropdown": frozenset({"combobox", "listbox"}),
    "combobox": frozenset({"combobox"}),
    "select": frozenset({"combobox", "listbox", "option"}),
    "option": frozenset({"option"}),
    "field": frozenset({"textbox", "searchbox", "spinbutton", "combobox"}),
    "input": frozenset({"textbox", "searchbox", "spinbutton"}),
    "textbox": frozenset({"textbox"}),
    "box": frozenset({"textbox", "searchbox", "checkbox"}),
    "type": frozenset({"textbox", "searchbox", "spinbutton", "combobox"}),
    "fill": frozenset({"textbox", "searchbox", "spinbutton"}),
    "search": frozenset({"searchbox"}),
    "slider": frozenset({"slider"}),
    "menu": frozenset({"menuitem", "menuitemcheckbox", "menuitemradio"}),
}


_VALUE_VERBS = _words("type types typing enter write input paste")


_FILL_VERBS = _words("fill type enter")


_SET_VERBS = _words("set change update")


_VALUE_WEIGHT = 0.5


ROLE_HINT_FACTOR = 1.2


EQUAL_PHRASE_FACTOR = 1.5


CONTAINS_PHRASE_FACTOR = 1.2


def stem_of(word: str) -> str:
    """Stemming-lite: fold plurals and common verb endings onto one form."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("es") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    elif word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _stems(text: str) -> set[str]:
    return {stem_of(w) for w in WORD_RE.findall(text.lower())}


@dataclass(frozen=True)
class Query:
    weights: dict[str, float]  # stem -> 2.0 if quoted else 1.0
    phrases: tuple[str, ...]  # quoted phrases, lower-cased, whitespace collapsed
    role_hints: frozenset[str]
    phrase_stems: tuple[frozenset[str], ...] = ()  # the stems of each phrase


def parse_step(step_text: str) -> Query:
    weights: dict[str, float] = {}
    phrases: list[str] = []
    lowered = step_text.lower()
    verbs = set(WORD_RE.findall(lowered))
    for match in _QUOTED_RE.finditer(step_text):
        phrase = next(g for g in match.groups() if g is not None)
        before = lowered[: match.start()].split()
        previous = before[-1] if before else ""
        # Text to type is a value, not a description of the target: it counts for little.
        is_value = (
            previous in _VALUE_VERBS
            or (previous == "with" and not verbs.isdisjoint(_FILL_VERBS))
            or (previous == "to" and not verbs.isdisjoint(_SET_VERBS))
        )
        if not is_value:
            phrases.append(" ".join(phrase.lower().split()))
        for stem in _stems(phrase):
            weights[stem] = max(weights.get(stem, 0.0), _VALUE_WEIGHT if is_value else 2.0)
    hints: set[str] = set()
    for word in WORD_RE.findall(lowered):
        hints.update(_ROLE_HINTS.get(word, ()))
        if word in _STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        weights.setdefault(stem_of(word), 1.0)
    kept = tuple(p for p in phrases if p)
    return Query(weights, kept, frozenset(hints), tuple(frozenset(_stems(p)) for p in kept))
