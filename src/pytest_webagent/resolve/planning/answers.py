"""Read a model's answer: find the JSON, validate it, and check it makes sense for this step.

Every rejection is a precise sentence, because it is sent back to the model to correct itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import relevance

from pytest_webagent.browser.origins import AllowedOrigins, origin_of
from pytest_webagent.cases.model import StepKind
from pytest_webagent.schemas import planner_answer_validator

CHECK_TYPES = frozenset(
    {"expect_visible", "expect_hidden", "expect_text", "expect_value", "expect_url",
     "expect_title", "expect_count", "wait_for"}
)  # fmt: skip
# Playwright prints e12 on the first document and f<N>e12 after the page has navigated N times.
_REF = re.compile(r"\[ref=([a-z0-9]+)\]")
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
    return set(_REF.findall(snapshot))


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
    _check_refs(answer, snapshot)
    _check_navigation(answer, page_url, allowed)
    return answer


def _schema_problems(data: dict[str, Any]) -> str:
    """Every schema violation (a few at most), most relevant first: the model fixes all at once."""
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


def _check_refs(answer: Answer, snapshot: str) -> None:
    known = refs_in(snapshot)
    for index, action in enumerate(answer.actions):
        refs = [action.get(key, {}).get("ref") for key in ("target", "destination")]
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
