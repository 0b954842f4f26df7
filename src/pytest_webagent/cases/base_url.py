"""Cases that go to a relative URL when no base URL is set: a usage error at the start of the
session naming each ``url:`` and ``Go to "/path"`` line, instead of the same failure in every case
after its browser started."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import pytest

from pytest_webagent.cases.model import Case, StepKind
from pytest_webagent.cases.pycase import spec_of
from pytest_webagent.compat import fixture_module
from pytest_webagent.resolve.phrases import parse_action

# Where the `base_url` fixture comes from when nobody overrides it: then it is only the option.
UPSTREAM_BASE_URL = ("pytest_playwright.pytest_playwright", "pytest_base_url.plugin")
SHOWN = 20  # lines named in the error; the rest are counted
# The worker's output the controller reads when a pytest-xdist worker goes down.
WORKER_OUTPUT_KEY = "webagent_relative_start_error"


def stop_before_relative_starts(session: pytest.Session) -> None:
    """Stop the session after collection (and deselection) when a selected case starts at a
    relative URL and no base URL is set. Listing tests (``--collect-only``) needs none.

    Under pytest-xdist only workers collect, and an exception a worker raises here reaches the
    controller as a crash. So a worker leaves the message in its ``workeroutput`` (sent to the
    controller when the worker finishes) and ends its own session with ``pytest.exit`` before any
    test (or browser) starts; the controller raises the usage error from its first finished
    worker, see :func:`raise_worker_usage_error`.
    """
    config = session.config
    if config.option.collectonly or not session.items:
        return
    problem = relative_start_error(config, session.items)
    if problem is None:
        return
    worker_output: dict[str, Any] | None = getattr(config, "workeroutput", None)
    if worker_output is None:
        raise pytest.UsageError(problem)
    worker_output[WORKER_OUTPUT_KEY] = problem
    pytest.exit(problem, returncode=pytest.ExitCode.USAGE_ERROR)


def raise_worker_usage_error(node: Any) -> None:
    """On the xdist controller, when a worker goes down: raise the usage error it stopped on.
    Raised from the first worker down, so the message appears once, however many workers, and
    pytest reports it (and exits with status 4) exactly as without xdist."""
    problem = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if problem:
        raise pytest.UsageError(problem)


def base_url_set(config: pytest.Config) -> bool:
    try:
        ini = config.getini("base_url")
    except ValueError:  # no plugin declares it
        ini = ""
    return bool(config.getoption("base_url", None) or ini)


def relative_start_error(config: pytest.Config, items: Iterable[pytest.Item]) -> str | None:
    """The usage error for the selected cases that start at a relative URL with no base URL
    set; None when a base URL is set, or where a project's own ``base_url`` fixture gives one."""
    if base_url_set(config):
        return None
    lines: list[str] = []
    for item in items:
        case: Case | None = getattr(item, "case", None)
        spec = spec_of(item)
        if case is None and (spec is None or not spec.url):
            continue
        if fixture_module(item, "base_url") not in (*UPSTREAM_BASE_URL, None):
            continue  # the project's own base_url fixture: known only when it runs
        if case is not None:
            lines += _relative_lines(case)
        elif spec is not None and spec.url and not _absolute(spec.url):
            lines.append(f"{spec.location}: url={spec.url!r} ({item.nodeid})")
    if not lines:
        return None
    unique = list(dict.fromkeys(lines))
    shown = "\n".join(f"  {line}" for line in unique[:SHOWN])
    more = f"\n  … and {len(unique) - SHOWN} more" if len(unique) > SHOWN else ""
    return (
        f"no base URL is set, and {len(unique)} relative URL{'s' if len(unique) > 1 else ''} "
        f"would open nowhere: pass --base-url http://host:port or set base_url in the ini file "
        f"(or write absolute URLs):\n{shown}{more}"
    )


def _relative_lines(case: Case) -> list[str]:
    """``file:line: url: /x`` of a relative ``url:``, and the line of each ``Go to "/path"`` step
    (Playwright resolves a relative address against the base URL only, never the page's)."""
    where = case.location.path
    lines = []
    if case.url and not _absolute(case.url):
        lines.append(f"{where}:{case.url_line}: url: {case.url}")
    for step in case.steps:
        intent = parse_action(step.text) if step.kind is StepKind.ACTION else None
        goes_to = str(intent.fields["url"]) if intent and intent.type == "navigate" else None
        if goes_to is not None and not _absolute(goes_to):
            lines.append(f"{step.source or where}:{step.line}: {step.text}")
    return lines


def _absolute(url: str) -> bool:
    """Whether ``url`` needs no base URL; one that starts with a placeholder (a secret filled in
    before the browser goes there) is taken as absolute: only the run can tell."""
    return bool(urlsplit(url).scheme) or url.lstrip().startswith("{{")
