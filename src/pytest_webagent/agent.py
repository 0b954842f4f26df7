"""The ``agent`` fixture: natural-language steps called from a Python test.

Each call is one step of the test's case, run by the same ``CaseRunner`` as a YAML case's steps
(replay, identity checks, drift, planning, Allure), and recorded in the trajectory of the test's
module under the test's id. The case starts at the first call, or before the body of a test
decorated with ``@webagent.case``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from pytest_webagent.cases.pycase import (
    Occurrences,
    build_case,
    case_id_of,
    draft,
    make_step,
    spec_of,
    values_of,
)
from pytest_webagent.cases.templating import kept, remembered_name
from pytest_webagent.errors import Location, StepFailed, WebagentError
from pytest_webagent.run.runner import CaseRunner
from pytest_webagent.secret_values import MissingSecretError, Secrets
from pytest_webagent.session import MISSING_SECRETS_KEY, WebagentSession


class Agent:
    """Runs natural-language steps in the test's ``page``, each one a step of the test's case.

    Get it as the ``agent`` fixture. Steps are replayed from the trajectory of the test's module
    when recorded, else resolved (explicit steps without a model) and recorded when the test
    passes. A step that fails raises an ``AssertionError`` naming this call's file and line.
    """

    def __init__(
        self,
        session: WebagentSession,
        page: Page,
        request: pytest.FixtureRequest,
        provided_secrets: Mapping[str, str],
    ) -> None:
        self._session = session
        self._page = page
        self._request = request
        self._provided_secrets = provided_secrets
        self._secrets = Secrets()  # the values of the secrets the steps so far use
        self._item: pytest.Function = request.node  # the agent is a function-scoped fixture
        self._spec = spec_of(self._item)
        self._row: str | None = getattr(request, "param", None)  # a from_file case's row
        self._runner: CaseRunner | None = None
        self._occurrences: Occurrences = Counter()
        self._declared_failure: BaseException | None = None
        self._values = values_of(self._item)

    @property
    def page(self) -> Page:
        """The page the steps run in: pytest-playwright's ``page`` fixture of this test, or the
        tab a step opened or switched to since."""
        return self._runner.page if self._runner is not None else self._page

    @property
    def remembered(self) -> dict[str, str]:
        """The values steps remembered from the page so far (``Remember the text of "Order
        number" as order_id`` -> ``agent.remembered["order_id"]``); secret ones included."""
        return dict(self._runner.memory.values) if self._runner is not None else {}

    def do(self, step: str, *, timeout: float | None = None, optional: bool = False) -> None:
        """Perform an action step, e.g. ``agent.do('Click the "Sign in" button')``.

        ``timeout``: seconds for this step (default: ``webagent_step_timeout``); ``optional``:
        a failure is a warning and the test goes on.
        """
        __tracebackhide__ = True
        self._call("do", step, timeout, optional)

    def expect(self, check: str, *, timeout: float | None = None, optional: bool = False) -> None:
        """Check the page, e.g. ``agent.expect('"Welcome, Alice" is visible')``.

        Compiled to a deterministic check (recorded, replayed without a model); a failing check
        fails in every mode and is never healed.
        """
        __tracebackhide__ = True
        self._call("expect", check, timeout, optional)

    def judge(
        self, statement: str, *, timeout: float | None = None, optional: bool = False
    ) -> None:
        """Have the model judge a statement about the live page, at every run (never recorded).

        Needs a model, and a mode other than ``replay``.
        """
        __tracebackhide__ = True
        self._call("judge", statement, timeout, optional)

    def _call(self, key: str, text: str, timeout: float | None, optional: bool) -> None:
        __tracebackhide__ = True
        raw: dict[str, object] = {key: text, "optional": optional}
        if timeout is not None:
            raw["timeout"] = timeout
        where = _caller()
        try:
            runner = self._started()
            step = make_step(draft(raw, where, f"agent.{key}()"), self._values, self._occurrences)
            name = remembered_name(step.template)
            if name is not None:  # later steps may use {{ name }}: the run fills it in
                self._values[name] = kept(name)
            self._secrets.add(
                Secrets.for_case(
                    replace(runner.case, url=None, steps=(step,)), self._provided_secrets
                )
            )
            runner.run_step(step)
            return
        except (StepFailed, WebagentError) as caught:
            failure = caught
            if isinstance(caught, MissingSecretError):  # said once, in the summary
                self._request.node.stash[MISSING_SECRETS_KEY] = caught.missing
        # Raised here, out of the handler, so that nothing is chained to it.
        raise _from_the_call(failure, self._request.config)

    def _started(self) -> CaseRunner:
        """The runner of this test's case, started (its URL opened) on first use."""
        if self._runner is None:
            case = build_case(self._item, self._spec, self._row)
            self._occurrences.update((step.kind, step.template) for step in case.steps)
            self._secrets.add(Secrets.for_case(case, self._provided_secrets))
            self._runner = self._session.open_case(
                case,
                self._page,
                self._request,
                self._secrets,
                case_id=case_id_of(self._item),
                source=self._item.path,
            )
            self._runner.start()
        return self._runner


def run_declared_steps(agent: Agent) -> None:
    """Start the case of a ``@webagent.case`` test and run the steps it declared."""
    try:
        runner = agent._started()
        for step in runner.case.steps:
            runner.run_step(step)
    except BaseException as failure:
        agent._declared_failure = failure
        raise


def failed_in_declared_steps(item: pytest.Item, error: BaseException) -> bool:
    """Whether ``error`` was raised by the declared steps of ``item``'s case (those are reported
    as a YAML case's failures are: the step report, no traceback into the wrapper)."""
    agent = getattr(item, "funcargs", {}).get("agent")
    return isinstance(agent, Agent) and agent._declared_failure is error


def masked_failure(item: pytest.Item, longrepr: Any) -> Any:
    """A Python test's failure report with the values of the secrets its agent used masked:
    ``--showlocals``/``--fulltrace`` print the locals of Playwright's frames, which hold them."""
    agent = getattr(item, "funcargs", {}).get("agent")
    if not isinstance(agent, Agent) or not agent._secrets or longrepr is None:
        return longrepr
    text = str(longrepr)
    masked = agent._secrets.mask(text)
    return longrepr if masked == text else masked


PACKAGE = __name__.rsplit(".", 1)[0] + "."


def _caller() -> Location:
    """Where the test (or its helper) called the agent: the first frame outside this package."""
    frame = sys._getframe(1)
    while frame.f_back is not None and str(frame.f_globals.get("__name__")).startswith(PACKAGE):
        frame = frame.f_back
    return Location(Path(frame.f_code.co_filename), frame.f_lineno)


def _from_the_call(failure: Exception, config: pytest.Config) -> Exception:
    """``failure`` as if raised by the agent call itself.

    The frames below the call (runner, executor, Playwright) say nothing the step report does
    not; with ``--fulltrace`` they stay. What Playwright said is shown from ``-vv`` on, as it is
    for a YAML case.
    """
    if config.getoption("fulltrace"):
        return failure
    cause = failure.__cause__
    if cause is not None and config.get_verbosity() > 1:
        failure.__cause__ = cause.with_traceback(None)
    else:
        failure.__cause__ = None
    failure.__suppress_context__ = True
    return failure.with_traceback(None)
