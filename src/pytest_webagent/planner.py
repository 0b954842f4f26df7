"""The model-driven resolver: observe the page, ask, validate, ground, act; until the step is done.

Each answer is validated (schema, refs, step kind) and, when invalid, sent back with the error,
a bounded number of times. Each action is grounded and executed before the next observation, so
the model always sees the page its previous actions produced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page

from .answers import Answer, InvalidAnswer, parse_answer
from .errors import ModelError, StepFailed, TargetNotFound
from .executor import Action, describe_action
from .grounding import ground
from .llm import ModelClient, Usage
from .model import StepKind
from .prompt import Observation, correction_message, messages_for
from .pruning import prune_snapshot

Execute = Callable[[Action], None]


class JudgedFalse(StepFailed):
    headline = "judged false"


@dataclass
class PlanResult:
    actions: list[Action] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    verdict: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class StepRequest:
    goal: str
    text: str
    kind: StepKind
    history: list[str]  # earlier steps of the case, one line each
    timeout_ms: float


class Planner:
    def __init__(
        self, client: ModelClient, *, answer_retries: int, max_actions: int, snapshot_tokens: int
    ) -> None:
        self.client = client
        self.answer_retries = answer_retries
        self.max_actions = max_actions
        self.snapshot_tokens = snapshot_tokens

    @property
    def name(self) -> str:
        return f"model:{self.client.model}"

    def plan(self, page: Page, request: StepRequest, execute: Execute) -> PlanResult:
        result = PlanResult()
        history = list(request.history)
        while True:
            observation = self._observe(page, request.text, request.timeout_ms)
            answer, grounded = self._ask(
                page, request, history, observation, result, first_round=not result.actions
            )
            if answer.status == "no_match":
                raise TargetNotFound(
                    f"the model found nothing on the page for this step: {answer.reason}"
                )
            if request.kind is StepKind.JUDGE:
                result.verdict, result.reason = answer.verdict, answer.reason
                if answer.verdict != "pass":
                    raise JudgedFalse(
                        f"the model judged the statement false: {answer.reason}",
                        hints=["note: judge steps are not deterministic"],
                    )
                return result
            for action in grounded:
                if len(result.actions) >= self.max_actions:
                    raise StepFailed(
                        f"the model did not finish the step within {self.max_actions} actions "
                        "(webagent_max_actions)"
                    )
                execute(action)
                result.actions.append(action)
                history.append(f"this step: {describe_action(action)}")
            if answer.status == "done":
                result.reason = answer.reason
                return result

    def _observe(self, page: Page, step_text: str, timeout_ms: float) -> Observation:
        snapshot = page.aria_snapshot(mode="ai", timeout=timeout_ms)
        pruned = prune_snapshot(snapshot, step_text, self.snapshot_tokens)
        return Observation(page.url, page.title(), pruned.text)

    def _ask(
        self,
        page: Page,
        request: StepRequest,
        history: list[str],
        observation: Observation,
        result: PlanResult,
        *,
        first_round: bool,
    ) -> tuple[Answer, list[Action]]:
        """A valid answer and its grounded actions; invalid answers are sent back, bounded."""
        messages = messages_for(request.goal, request.text, request.kind, history, observation)
        for attempt in range(self.answer_retries + 1):
            text = self.client.complete(messages, result.usage)
            try:
                answer = parse_answer(text, request.kind, observation.snapshot, first_round)
                grounded = [ground(page, planned, request.timeout_ms) for planned in answer.actions]
            except InvalidAnswer as error:
                if attempt == self.answer_retries:
                    raise ModelError(
                        f"model {self.client.model!r} gave no usable answer after "
                        f"{attempt + 1} attempts; last problem: {error}"
                    ) from None
                messages = [
                    *messages,
                    {"role": "assistant", "content": text},
                    correction_message(str(error)),
                ]
                continue
            self.client.remember(messages, text)
            return answer, grounded
        raise AssertionError("unreachable")  # the loop returns or raises
