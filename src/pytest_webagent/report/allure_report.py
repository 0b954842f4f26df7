"""What a case tells Allure: its labels, one step per natural-language step, nested actions,
how each step was resolved, and attachments.

Everything here is a no-op unless allure-pytest is collecting results (``--alluredir``): the
``allure`` package is not even imported otherwise, so runs without Allure pay nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.browser.executor import Action, describe_action
from pytest_webagent.cases.model import Case, Step
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.secret_values import Secrets

ATTACHMENT_LIMIT = 200_000  # characters; prompts of large pages are cut, not dropped
# Allure 3 opens attachments of this type in Playwright's trace viewer; Allure 2 offers a download.
TRACE_CONTENT_TYPE = "application/vnd.allure.playwright-trace"


def allure_active(config: pytest.Config) -> bool:
    return config.pluginmanager.get_plugin("allure_listener") is not None


def attach_trace(path: Path) -> None:
    """Attach a Playwright trace to the running test (after its teardown, before it closes)."""
    import allure

    allure.attach.file(
        str(path), name="Playwright trace", attachment_type=TRACE_CONTENT_TYPE, extension="zip"
    )


def attach_to_run(name: str, text: str, content_type: str, extension: str) -> None:
    """A run-level attachment, not tied to a test (Allure 3 shows it with the whole report);
    a no-op with an allure-pytest older than its global attachments (2.16)."""
    import allure

    if hasattr(allure, "global_attach"):
        allure.global_attach(text, name=name, attachment_type=content_type, extension=extension)


class StepReport:
    """The Allure step of one natural-language step (inactive: all no-ops)."""

    def __init__(self, active: bool, step_uuid: Any = None, secrets: Secrets | None = None) -> None:
        self.active = active
        self._uuid = step_uuid
        self._secrets = secrets if secrets is not None else Secrets()

    def resolved(self, resolution: str, detail: str, usage: Usage) -> None:
        """Record how the step was resolved (and what the model cost) on its Allure step."""
        if not self.active:
            return
        from pytest_webagent.compat import add_step_parameter

        add_step_parameter(self._uuid, "resolution", resolution)
        if detail:
            add_step_parameter(self._uuid, "drift", detail)
        if usage.calls or usage.memo_hits:
            add_step_parameter(
                self._uuid,
                "model",
                f"requests: {usage.calls}, tokens: {usage.prompt_tokens} prompt + "
                f"{usage.completion_tokens} completion, answers from the memo: {usage.memo_hits}",
            )

    def parameter(self, name: str, value: str) -> None:
        """A parameter of this step (which identity fields matched, for one)."""
        if self.active:
            from pytest_webagent.compat import add_step_parameter

            add_step_parameter(self._uuid, name, self._secrets.mask(value))

    def action(self, action: Action) -> AbstractContextManager[object]:
        """A nested Allure step around the execution of one action."""
        if not self.active:
            return nullcontext()
        import allure

        return _scrubbing(self._secrets, allure.step(self._secrets.mask(describe_action(action))))

    def attach_json(self, name: str, data: Any) -> None:
        if not self.active:
            return  # without Allure, not even the masking and the dump
        text = json.dumps(self._secrets.mask_data(data), indent=2, sort_keys=True)
        self.attach_text(name, text, json_type=True)

    def attach_text(self, name: str, text: str, *, json_type: bool = False) -> None:
        if not self.active:
            return
        import allure

        text = self._secrets.mask(text)
        if len(text) > ATTACHMENT_LIMIT:
            text = text[:ATTACHMENT_LIMIT] + f"\n… cut at {ATTACHMENT_LIMIT} characters"
        kind = allure.attachment_type.JSON if json_type else allure.attachment_type.TEXT
        allure.attach(text, name=name, attachment_type=kind)

    def attach_png(self, name: str, png: bytes) -> None:
        if self.active:
            import allure

            allure.attach(png, name=name, attachment_type=allure.attachment_type.PNG)


class CaseReport:
    """The Allure side of one case run."""

    def __init__(
        self, active: bool, screenshots: str = "failure", secrets: Secrets | None = None
    ) -> None:
        self.active = active
        self.screenshots = screenshots  # on | failure | off
        self.secrets = secrets if secrets is not None else Secrets()

    def describe(
        self,
        case: Case,
        title: str | None,
        identity: dict[str, str],
        circumstances: dict[str, str],
    ) -> None:
        """Title, labels, links and parameters of the case's Allure result.

        One scheme for every item, YAML case or Python test, with or without the agent: the suite
        labels are allure-pytest's own (folder, file name without its extension), the title is
        pytest's item name (``None`` keeps allure-pytest's), and only what identifies the test
        (``identity``: the case's parametrize row, the browser) enters the history id. How it ran
        (``circumstances``: mode, model) is an excluded parameter, so history, retries and flaky
        detection follow one test across modes and models.
        """
        if not self.active:
            return
        import allure

        if title is not None:
            allure.dynamic.title(title)
        if case.description:
            allure.dynamic.description(case.description)
        # Tags are pytest markers, which allure-pytest already reports as Allure tags.
        for label, values in case.labels.items():
            allure.dynamic.label(label, *values)
        for link in case.links:
            allure.dynamic.link(link.url, link_type=link.kind, name=link.name or None)
        for name, value in {**{k: str(v) for k, v in case.params.items()}, **identity}.items():
            allure.dynamic.parameter(name, value)
        for name, value in circumstances.items():
            self.parameter(name, value)

    def parameter(self, name: str, value: str) -> None:
        """A parameter that says how the case ran, left out of the Allure history id."""
        if self.active:
            import allure

            allure.dynamic.parameter(name, value, excluded=True)

    def failure(self, page: Page, hide: Sequence[Locator] = ()) -> None:
        """What the page looked like when a step failed: a screenshot and its ARIA snapshot."""
        if not self.active:
            return
        import allure

        # The page may be gone (crash, closed): report what can be had, never mask the failure.
        if self.screenshots != "off":
            self._screenshot(page, "page at failure", hide)
        with suppress(PlaywrightError):
            snapshot = self.secrets.mask(page.aria_snapshot(timeout=5000))
            allure.attach(
                snapshot,
                name="ARIA snapshot at failure",
                attachment_type=allure.attachment_type.TEXT,
            )

    def final_page(self, page: Page, hide: Sequence[Locator] = ()) -> None:
        # With screenshots "on" the last step's screenshot already shows the final page.
        if self.active and self.screenshots == "failure":
            self._screenshot(page, "final page", hide)

    def after_step(self, page: Page, hide: Sequence[Locator] = ()) -> None:
        if self.active and self.screenshots == "on":
            self._screenshot(page, "page after the step", hide)

    @staticmethod
    def _screenshot(page: Page, name: str, hide: Sequence[Locator]) -> None:
        """A screenshot with the fields that received a secret painted over."""
        import allure

        with suppress(PlaywrightError):
            png = page.screenshot(timeout=5000, mask=list(hide))
            allure.attach(png, name=name, attachment_type=allure.attachment_type.PNG)

    @contextmanager
    def step(self, number: int, step: Step) -> Iterator[StepReport]:
        if not self.active:
            yield StepReport(False)
            return
        import allure

        kind = "" if step.kind.value == "action" else f"{step.kind.value}: "
        context = allure.step(f"{kind}{step.text}")  # Allure numbers steps itself
        with _scrubbing(self.secrets, context):
            yield StepReport(True, getattr(context, "uuid", None), self.secrets)


@contextmanager
def _scrubbing(secrets: Secrets, step: AbstractContextManager[object]) -> Iterator[None]:
    """``step``, with secret values masked out of an exception before the step records it."""
    with step:
        try:
            yield
        except BaseException as error:
            secrets.scrub_exception(error)
            raise
