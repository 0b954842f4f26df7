"""Read a model's answer: find the JSON, validate it, and check it makes sense for this step.

Every rejection is a precise sentence, because it is sent back to the model to correct itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import best_match

from .model import StepKind
from .schemas import planner_answer_validator

CHECK_TYPES = frozenset(
    {"expect_visible", "expect_hidden", "expect_text", "expect_value", "expect_url",
     "expect_title", "expect_count", "wait_for"}
)  # fmt: skip
_REF = re.compile(r"\[ref=([a-z]*\d+)\]")
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


def extract_json(text: str) -> Any:
    """The JSON object in ``text``: the whole text, a fenced block, or the outermost braces."""
    candidates = [text.strip(), *_FENCE.findall(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except (json.JSONDecodeError, ValueError):
            continue
    preview = " ".join(text.split())[:120] or "(empty)"
    raise InvalidAnswer(f"the answer is not a JSON object: {preview!r}")


def parse_answer(text: str, kind: StepKind, snapshot: str, first_round: bool) -> Answer:
    data = extract_json(text)
    if not isinstance(data, dict):
        raise InvalidAnswer(f"the answer must be a JSON object, not {type(data).__name__}")
    error = best_match(planner_answer_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the answer"
        raise InvalidAnswer(f"{where}: {error.message}")
    answer = Answer(data["status"], data["reason"], data.get("actions", []), data.get("verdict"))
    _check_for_kind(answer, kind, first_round)
    _check_refs(answer, snapshot)
    return answer


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
        ref = action.get("target", {}).get("ref")
        if ref is not None and ref not in known:
            raise InvalidAnswer(
                f"actions/{index}: ref {ref!r} is not in the latest snapshot; use a ref shown "
                "there, or answer no_match"
            )
