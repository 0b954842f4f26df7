"""Scripted replies and the rules that hand them out, one per matching request."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from pytest_webagent.testing.prompt import ChatRequest

__all__ = [
    "MAX_DELAY_SECONDS",
    "Action",
    "Answer",
    "Content",
    "Delay",
    "Element",
    "HttpError",
    "Reply",
    "Rule",
    "Script",
    "StepKind",
    "Target",
    "UnknownRef",
    "element",
]

MAX_DELAY_SECONDS = 30.0
StepKind = Literal["action", "assertion", "judge"]


@dataclass(frozen=True)
class Element:
    """Placeholder for a snapshot element; becomes ``{"ref": ...}`` when a request is served.

    Matched by exact ``role`` and exact accessible ``name`` (``None``: any name) against the
    snapshot in that request's prompt; ``nth`` (0-based) picks among several matches.
    """

    role: str
    name: str | None = None
    nth: int = 0

    def __str__(self) -> str:
        name = "" if self.name is None else f' "{self.name}"'
        nth = f" (nth={self.nth})" if self.nth else ""
        return f"{self.role}{name}{nth}"


def element(role: str, name: str | None = None, *, nth: int = 0) -> Element:
    """Refer to the element with ARIA ``role`` and exact ``name`` in the request's snapshot."""
    return Element(role, name, nth)


@dataclass(frozen=True)
class UnknownRef:
    """Placeholder for a ref that is guaranteed not to be in the request's snapshot."""


Target: TypeAlias = Element | UnknownRef | str
"""An :class:`Element`, :class:`UnknownRef`, or a raw ref string sent as-is (``"e42"``)."""


@dataclass(frozen=True)
class Action:
    """One planned action; ``fields`` holds everything but ``type`` and ``target``."""

    type: str
    target: Target | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """A planner answer (JSON message content); ``actions=None`` omits the key."""

    status: str
    reason: str
    actions: tuple[Action | Mapping[str, Any], ...] | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class Content:
    """Raw assistant message content, sent verbatim (need not be JSON)."""

    text: str


@dataclass(frozen=True)
class HttpError:
    """An HTTP error response with an OpenAI-style error body."""

    status: int
    message: str
    type: str
    code: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` in the handler thread, then answer with ``then``."""

    seconds: float
    then: Reply

    def __post_init__(self) -> None:
        if not 0 <= self.seconds <= MAX_DELAY_SECONDS:
            raise ValueError(f"delay must be between 0 and {MAX_DELAY_SECONDS:g} seconds")


Reply: TypeAlias = Answer | Content | HttpError | Delay


class Rule:
    """Replies for requests whose step text contains ``step`` (case-insensitive).

    ``step=None`` or ``""`` matches any request, including ones without a ``STEP:`` line;
    ``kind`` additionally restricts the rule to one step kind. Each matching request takes
    the next reply; the last reply then repeats forever.
    """

    def __init__(self, step: str | None, replies: Sequence[Reply], kind: StepKind | None = None):
        if not replies:
            raise ValueError("a rule needs at least one reply")
        for reply in replies:
            if not isinstance(reply, (Answer, Content, HttpError, Delay)):
                raise TypeError(f"not a reply: {reply!r} (build one with reply.json(...) etc.)")
        self.step = step or None
        self.kind = kind
        self.replies: tuple[Reply, ...] = tuple(replies)
        self.calls = 0
        """How many requests this rule has answered so far."""

    def matches(self, chat: ChatRequest) -> bool:
        """Whether this rule applies to ``chat``."""
        if self.kind is not None and chat.kind != self.kind:
            return False
        return self.step is None or self.step.casefold() in (chat.step or "").casefold()

    def take(self) -> Reply:
        """Consume and return the next reply (the caller serialises access)."""
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        return reply

    def __repr__(self) -> str:
        return (
            f"Rule(step={self.step!r}, kind={self.kind!r}, "
            f"replies={len(self.replies)}, calls={self.calls})"
        )


class Script:
    """Thread-safe rule list; the most recently added matching rule wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[Rule]:
        with self._lock:
            return list(self._rules)

    def next_reply(self, chat: ChatRequest) -> Reply | None:
        """Take the next reply of the newest rule matching ``chat``; ``None`` if none does."""
        with self._lock:
            for rule in reversed(self._rules):
                if rule.matches(chat):
                    return rule.take()
        return None
