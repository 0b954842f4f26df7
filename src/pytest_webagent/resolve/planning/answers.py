"""Read a model's answer: find the JSON, validate it, and check it makes sense for this step.

Every rejection is a precise sentence, because it is sent back to the model to correct itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pytest_webagent.browser.executor import TARGET_KEYS
from pytest_webagent.browser.origins import AllowedOrigins, origin_of
from pytest_webagent.cases.model import StepKind
from pytest_webagent.schemas import planner_answer_validator

CHECK_TYPES = frozenset(
    {"expect_visible", "expect_hidden", "expect_text", "expect_value", "expect_url",
     "expect_title", "expect_count", "wait_for"}
)  # fmt: skip
# Playwright prints e12 on the first document and f<N>e12 after the page has navigated N times.
_ATTRIBUTE = re.compile(r" \[([^\[\]]*)\]")
_ROLE = re.compile(r"[A-Za-z][\w-]*")
MAX_ANSWER_DEPTH = 32  # the schema's answers nest 4 levels; json.loads recurses once per level
MAX_PROBLEMS = 4  # enough to fix a wrong shape in one go, short enough to stay readable
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class InvalidAnswer(ValueError):
    """The answer cannot be used; ``str()`` says why, in words the model can act on."""


@dataclass(frozen=True)
class Answer:
    status: str
    reason: str
    actions: list[dict[str, Any]] = field(default_factory=list)
    verdict: str | None = None


def refs_in(snapshot: str) -> set[str]:
    """The refs of the snapshot's elements: ``[ref=…]`` attributes of an element line's key.

    Not every ``[ref=e2]`` in the text: a page can write ``- button "Continue" [ref=e2]`` in a
    paragraph (it shows up after the colon, or inside a quoted name), and a ref taken from there
    could point at an element the model was never shown.
    """
    refs: set[str] = set()
    for line in snapshot.split("\n"):
        for attribute in _element_attributes(line):
            name, _, value = attribute.partition("=")
            if name == "ref" and value:
                refs.add(value)
    return refs


def _element_attributes(line: str) -> list[str]:
    """The ``[…]`` attributes after an element's role and quoted name, e.g. ``ref=e5``."""
    body = line.lstrip(" ")
    if not body.startswith("- "):
        return []
    key = _key_of(body[2:])
    role = _ROLE.match(key) if key is not None else None
    if key is None or role is None:
        return []
    position = role.end()
    if key.startswith(' "', position):
        position = _after_quoted(key, position + 1)
    attributes: list[str] = []
    while (found := _ATTRIBUTE.match(key, position)) is not None:
        attributes.append(found.group(1))
        position = found.end()
    # Anything else before the colon: not the shape of an element line, so no refs from it.
    return attributes if key[position:] in ("", ":") or key.startswith(": ", position) else []


def _key_of(entry: str) -> str | None:
    """The YAML key of a snapshot entry: Playwright single-quotes keys that YAML would misread
    (a name with ``: `` in it), doubling the quotes inside."""
    if not entry.startswith("'"):
        return entry
    position = 1
    while (end := entry.find("'", position)) != -1:
        if entry.startswith("''", end):
            position = end + 2
            continue
        return entry[1:end].replace("''", "'") + entry[end + 1 :]
    return None


def _after_quoted(text: str, start: int) -> int:
    """The position after the double-quoted name starting at ``start`` (escapes skipped)."""
    position = start + 1
    while position < len(text):
        if text[position] == "\\":
            position += 2
        elif text[position] == '"':
            return position + 1
        else:
            position += 1
    return len(text)


def _nesting_depth(text: str) -> int:
    """How deep brackets nest in ``text`` outside JSON strings: checked before ``json.loads``,
    whose recursion an answer nested 100,000 levels deep would exhaust (a RecursionError)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


_NOT_JSON = object()  # json.loads can return None, so failure needs its own marker


def _loads(candidate: str) -> Any:
    try:
        return json.loads(candidate)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return _NOT_JSON


def extract_json(text: str) -> Any:
    """The JSON object in ``text``: the whole text, a fenced block, or the outermost braces.

    Models that ignore the requested format wrap the object in prose or a code fence; an object
    is preferred over other JSON (a prose answer may quote a list or a number first).
    """
    if not text.strip():
        raise InvalidAnswer("the answer is empty; answer with one JSON object")
    depth = _nesting_depth(text)
    if depth > MAX_ANSWER_DEPTH:
        raise InvalidAnswer(
            f"the answer nests {depth} levels deep (at most {MAX_ANSWER_DEPTH}); answer with "
            "one flat JSON object as described"
        )
    candidates = [text.strip(), *_FENCE.findall(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    parsed = [value for value in map(_loads, candidates) if value is not _NOT_JSON]
    objects = [value for value in parsed if isinstance(value, dict)]
    if objects or parsed:
        return (objects or parsed)[0]
    preview = " ".join(text.split())[:120]
    raise InvalidAnswer(f"the answer is not a JSON object: {preview!r}")


def parse_answer(
    text: str,
    kind: StepKind,
    snapshot: str,
    first_round: bool,
    page_url: str = "",
    allowed: AllowedOrigins | None = None,
) -> Answer:
    data = extract_json(text)
    if not isinstance(data, dict):
        raise InvalidAnswer(f"the answer must be a JSON object, not {type(data).__name__}")
    problems = _schema_problems(data)
    if problems:
        raise InvalidAnswer(problems)
    answer = Answer(data["status"], data["reason"], data.get("actions", []), data.get("verdict"))
    _check_for_kind(answer, kind, first_round)
    _check_can_fail(answer, kind, first_round)
    _check_refs(answer, snapshot)
    _check_navigation(answer, page_url, allowed)
    return answer


def _schema_problems(data: dict[str, Any]) -> str:
    """Every schema violation (a few at most), most relevant first: the model fixes all at once."""
    from jsonschema.exceptions import relevance  # on first use, as in schemas/__init__.py

    errors = sorted(planner_answer_validator().iter_errors(data), key=relevance, reverse=True)
    lines: list[str] = []
    for error in errors:
        where = "/".join(str(part) for part in error.absolute_path) or "the answer"
        line = f"{where}: {error.message}"
        if line not in lines:
            lines.append(line)
    return "; ".join(lines[:MAX_PROBLEMS])


def _check_for_kind(answer: Answer, kind: StepKind, first_round: bool) -> None:
    if answer.status == "no_match":
        return
    if kind is StepKind.JUDGE:
        if answer.verdict not in ("pass", "fail") or answer.actions:
            raise InvalidAnswer('a judge step needs "verdict": "pass" or "fail" and no actions')
        return
    if answer.verdict is not None:
        raise InvalidAnswer('"verdict" is only for judge steps; this step needs actions')
    if kind is StepKind.ASSERTION:
        acting = sorted({a["type"] for a in answer.actions} - CHECK_TYPES)
        if acting:
            raise InvalidAnswer(
                f"an assertion step may only check, not act: remove {', '.join(acting)}"
            )
    if first_round and answer.status == "done" and not answer.actions:
        raise InvalidAnswer("the step needs at least one action; answer no_match if none fits")


# Pages no check of a real page would match all of: a URL or title check that matches every one
# of them matches anything (`.*`, "", "http", "/").
_UNRELATED = {
    "expect_url": ("http://a.invalid/", "https://b.invalid:8443/x/y?z=1#w", "http://127.0.0.1:9/q"),
    "expect_title": ("", "Untitled", "Zq9 Kx7 -- 42", "404 Not Found"),
}
ACTING = frozenset({"click", "fill", "select", "check", "uncheck", "press", "hover"})


def _matches(value: str, match: str, text: str) -> bool:
    if match == "equals":
        return value == text
    if match == "regex":
        try:
            return re.search(value, text) is not None
        except re.error:
            return False  # an invalid pattern is refused by its own check
    return value in text


def _check_can_fail(answer: Answer, kind: StepKind, first_round: bool) -> None:
    """A check that cannot fail proves nothing, and would be recorded and replayed forever."""
    for index, action in enumerate(answer.actions):
        samples = _UNRELATED.get(action["type"])
        if samples is None:
            continue
        value, match = str(action.get("value", "")), action.get("match", "contains")
        if match == "regex":
            try:
                re.compile(value)
            except re.error as error:
                raise InvalidAnswer(
                    f"actions/{index}: {value!r} is not a valid regex: {error}"
                ) from None
        if all(_matches(value, match, sample) for sample in samples):
            raise InvalidAnswer(
                f"actions/{index}: this {action['type']} matches any page ({match} {value!r}), "
                "so it can never fail; check for what this page shows and others do not"
            )
    types = [action["type"] for action in answer.actions]
    if kind is StepKind.ASSERTION and first_round and types and set(types) == {"wait_for"}:
        raise InvalidAnswer(
            "an assertion needs a check (expect_*): wait_for only waits; use expect_visible, "
            "expect_text or another expect_* that fails when the statement is false"
        )
    acted = set()
    for index, action in enumerate(answer.actions):
        ref = action.get("target", {}).get("ref")
        if action["type"] in ACTING and ref is not None:
            acted.add(ref)
        elif action["type"] == "expect_visible" and ref in acted:
            raise InvalidAnswer(
                f"actions/{index}: expect_visible on {ref!r}, the element this step just acted "
                "on, can never fail; check what the action changed (a message, a new value, the "
                "next page)"
            )


def _check_refs(answer: Answer, snapshot: str) -> None:
    known = refs_in(snapshot)
    for index, action in enumerate(answer.actions):
        refs = [action.get(key, {}).get("ref") for key in TARGET_KEYS]
        for ref in refs:
            if ref is None or ref in known:
                continue
            raise InvalidAnswer(
                f"actions/{index}: ref {ref!r} is not in the latest snapshot; use a ref shown "
                "there, or answer no_match"
            )


def _check_navigation(answer: Answer, page_url: str, allowed: AllowedOrigins | None) -> None:
    """Page content can try to steer the model to another site: a navigation must stay on the
    allowed origins (by default the page's own), and be a web page (no javascript:, file:…)."""
    if allowed is None:
        here = origin_of(page_url)
        if here is None:
            return  # no page yet (about:blank) and no allowed origins given: nothing to stay on
        allowed = AllowedOrigins(frozenset({here}))
    for index, action in enumerate(answer.actions):
        if action["type"] != "navigate":
            continue
        refusal = allowed.refusal(allowed.absolute(action["url"], page_url))
        if refusal is not None:
            raise InvalidAnswer(f"actions/{index}: {refusal}, or answer no_match")
