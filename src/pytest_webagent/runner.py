"""Run one case in a page: open its URL, then resolve and execute each step in order."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from urllib.parse import urlparse

from playwright.sync_api import Page

from . import direct
from .errors import StepContext, StepFailed, UnresolvableStep, WebagentError
from .executor import Action, Executor
from .model import Case, Step
from .settings import Settings


class OptionalStepWarning(UserWarning):
    """An optional step failed; the case went on."""


@dataclass
class StepResult:
    step: Step
    resolved_by: str
    actions: list[Action]


class CaseRunner:
    def __init__(self, case: Case, page: Page, settings: Settings, base_url: str | None) -> None:
        self.case = case
        self.page = page
        self.settings = settings
        self.base_url = base_url
        self.executor = Executor(page)
        self.results: list[StepResult] = []

    def run(self) -> list[StepResult]:
        if self.case.url:
            self._open(self.case.url)
        for number, step in enumerate(self.case.steps, 1):
            try:
                self.results.append(self._run_step(step))
            except StepFailed as failure:
                failure.attach(self._context(number, step))
                if not step.optional:
                    raise
                warnings.warn(OptionalStepWarning(failure.report()), stacklevel=1)
        return self.results

    def _open(self, url: str) -> None:
        if not urlparse(url).scheme and not self.base_url:
            raise WebagentError(
                f"{self.case.location}: case {self.case.name!r} starts at the relative URL "
                f"{url!r} but no base URL is set: pass --base-url or set base_url in the ini file"
            )
        self.page.goto(url, timeout=self.settings.step_timeout_ms)

    def _timeout_ms(self, step: Step) -> float:
        return step.timeout * 1000 if step.timeout is not None else self.settings.step_timeout_ms

    def _run_step(self, step: Step) -> StepResult:
        timeout = self._timeout_ms(step)
        intent = direct.parse(step) if self.settings.resolver != "llm" else None
        if intent is None:
            raise UnresolvableStep(
                "this step is not explicit and no model is configured",
                hints=[
                    'hint: quote targets and values (e.g. Click "Sign in", '
                    'Fill "Email" with "a@b.c"); see docs/writing-cases.md for the phrasing,',
                    "      or configure a model (webagent_model) to plan it",
                ],
            )
        actions = direct.resolve(self.page, intent, timeout)
        for action in actions:
            self.executor.run(action, timeout)
        return StepResult(step, direct.RESOLVER_NAME, actions)

    def _context(self, number: int, step: Step) -> StepContext:
        location = type(self.case.location)(self.case.location.path, step.line)
        return StepContext(self.case.item_name, location, number, step.text)
