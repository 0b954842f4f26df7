"""The model-driven resolver: observe the page, ask, validate, ground, act; until the step is done.

Each answer is validated (schema, refs, step kind) and, when invalid, sent back with the error,
a bounded number of times. Each action is grounded and executed before the next observation, so
the model always sees the page its previous actions produced. Every way out is bounded: answers
by ``webagent_answer_retries``, actions by ``webagent_max_actions``, HTTP by the client's retries.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pytest_webagent.browser.executor import Action, describe_action
from pytest_webagent.browser.origins import AllowedOrigins
from pytest_webagent.cases.model import StepKind
from pytest_webagent.errors import ModelError, StepFailed, TargetNotFound
from pytest_webagent.resolve.planning.answers import Answer, InvalidAnswer, parse_answer
from pytest_webagent.resolve.planning.grounding import ground_all
from pytest_webagent.resolve.planning.llm import ModelClient, Usage
from pytest_webagent.resolve.planning.prompt import (
    Message,
    Observation,
    correction_message,
    messages_for,
)
from pytest_webagent.resolve.planning.pruning import prune_snapshot

Execute = Callable[[Action], None]


class JudgedFalse(StepFailed):
    headline = "judged false"


class TooManyActions(StepFailed):
    headline = "step not finished"


@dataclass
class PlanResult:
    actions: list[Action] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    verdict: str | None = None
    reason: str = ""
    # (observation sent, answer received) per request, for reports; secrets never enter prompts
    exchanges: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class StepRequest:
    goal: str
    text: str
    kind: StepKind
    history: list[str]  # earlier steps of the case, one line each
    timeout_ms: float
    # Applied to everything read from the page before it goes into a prompt: a page can echo a
    # secret typed earlier (a field's value, a URL), and prompts must only hold placeholders.
    mask: Callable[[str], str] = field(default=lambda text: text)
    allowed: AllowedOrigins | None = None  # where navigate may go (default: the page's origin)
    # Actions of this step ran already (replayed before a drift, or planned before a reflection):
    # "done" with no further action is then a valid answer.
    continuing: bool = False


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

    def plan(
        self, page: Page, request: StepRequest, execute: Execute, record: PlanResult | None = None
    ) -> PlanResult:
        """Plan and execute ``request``; ``record`` (when given) is filled as planning goes, so
        the caller still has the usage and exchanges of a step that fails."""
        result = record if record is not None else PlanResult()
        history = list(request.history)
        while True:
            observation = self._observe(page, request)
            answer, grounded, remember = self._ask(
                page,
                request,
                history,
                observation,
                result,
                first_round=not result.actions and not request.continuing,
            )
            if answer.status == "no_match":
                raise TargetNotFound(
                    f"the model found nothing on the page for this step: {answer.reason}"
                )
            if request.kind is StepKind.JUDGE:
                return self._verdict(answer, result)
            self._check_budget(len(result.actions) + len(grounded), answer)
            for action in grounded:
                execute(action)
                result.actions.append(action)
                history.append(f"this step: {describe_action(action)}")
            # Only an answer whose actions all ran is kept: one that led the step astray (off
            # the allowed origins, into a failing action) must be asked afresh next time.
            remember()
            if answer.status == "done":
                result.reason = answer.reason
                return result
            # "continue" with the budget spent: another question could only be wasted.
            self._check_budget(len(result.actions) + 1, answer)

    def _verdict(self, answer: Answer, result: PlanResult) -> PlanResult:
        result.verdict, result.reason = answer.verdict, answer.reason
        if answer.verdict != "pass":
            raise JudgedFalse(
                f"the model judged the statement false: {answer.reason}",
                hints=[f"judged by {self.client.where}; judge steps are not deterministic"],
            )
        return result

    def _check_budget(self, wanted: int, answer: Answer) -> None:
        if wanted > self.max_actions:
            raise TooManyActions(
                f"{self.client.where} did not finish the step within {self.max_actions} actions "
                f"(webagent_max_actions); its last answer was {answer.status!r}: {answer.reason}",
                hints=["hint: split the step into smaller ones, or raise webagent_max_actions"],
            )

    def _observe(self, page: Page, request: StepRequest) -> Observation:
        # An action may have started a navigation: observe the page it leads to, not the one it
        # leaves (deferred scripts have run by DOMContentLoaded). If the page never gets there,
        # the snapshot below fails with its own, clearer error.
        with suppress(PlaywrightError):
            page.wait_for_load_state("domcontentloaded", timeout=request.timeout_ms)
        try:
            snapshot = request.mask(page.aria_snapshot(mode="ai", timeout=request.timeout_ms))
            title = page.title()
        except PlaywrightError as error:
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise StepFailed(f"could not read the page to plan this step: {first_line}") from error
        pruned = prune_snapshot(snapshot, request.text, self.snapshot_tokens)
        return Observation(request.mask(page.url), request.mask(title), pruned.text)

    def _ask(
        self,
        page: Page,
        request: StepRequest,
        history: list[str],
        observation: Observation,
        result: PlanResult,
        *,
        first_round: bool,
    ) -> tuple[Answer, list[Action], Callable[[], None]]:
        """A valid answer, its grounded actions, and how to memoise it once they have run;
        invalid answers are sent back, bounded."""
        question = messages_for(request.goal, request.text, request.kind, history, observation)
        # A judge's verdict is asked for at every run: that is what the step kind promises.
        use_memo = request.kind is not StepKind.JUDGE
        messages: list[Message] = question
        for attempt in range(self.answer_retries + 1):
            text = self.client.complete(messages, result.usage, memo=use_memo)
            result.exchanges.append((messages[-1]["content"], text))
            try:
                answer = parse_answer(
                    text,
                    request.kind,
                    observation.snapshot,
                    first_round,
                    observation.url,
                    request.allowed,
                )
                grounded = ground_all(page, answer.actions, request.timeout_ms, request.mask)
            except InvalidAnswer as error:
                if attempt == self.answer_retries:
                    raise ModelError(
                        f"{self.client.where} gave no usable answer in {attempt + 1} attempts "
                        f"(webagent_answer_retries={self.answer_retries}); last problem: {error}"
                    ) from None
                messages = [
                    *messages,
                    {"role": "assistant", "content": text},
                    correction_message(str(error)),
                ]
                continue
            if not use_memo or answer.status == "no_match":
                # A failure is not kept: the next run should get a fresh chance.
                return answer, grounded, lambda: None
            # Keyed by the question, not the corrections: the same page next time is free.
            return answer, grounded, partial(self.client.remember, question, text)
        raise AssertionError("unreachable")  # the loop returns or raises
