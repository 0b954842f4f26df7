"""pytest entry point: wires hooks, options and fixtures to the modules that do the work."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, Playwright

from pytest_webagent import settings
from pytest_webagent.browser import launch_fixtures, saved_state
from pytest_webagent.cases.base_url import raise_worker_usage_error, stop_before_relative_starts
from pytest_webagent.cases.collection import (
    JUDGE_MARK,
    JUDGE_MARK_HELP,
    CaseFile,
    failure_report,
    is_case_file,
    mark_item,
    missing_flag_error,
    missing_flag_hint,
    named_on_command_line,
)
from pytest_webagent.cases.model import StepKind
from pytest_webagent.cases.pycase import spec_of
from pytest_webagent.cases.recognise import CASE_SUFFIXES
from pytest_webagent.errors import ConfigurationError
from pytest_webagent.secret_values import (
    EnvironmentSecrets,
    MissingSecretError,
    Secrets,
    hide_values,
)
from pytest_webagent.session import (
    MISSING_SECRETS_KEY,
    SESSION_KEY,
    WebagentSession,
    attach_missing_secrets,
)

if TYPE_CHECKING:
    from pytest_webagent.agent import Agent

# The run stack (agent, runner, resolvers, replay, reports) is imported by the hooks and fixtures
# that run a case, not here: listing or collecting cases never loads it (tests/test_startup.py).


def pytest_addoption(parser: pytest.Parser) -> None:
    settings.register(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        resolved = settings.resolve(config)
    except ConfigurationError as error:
        raise pytest.UsageError(str(error)) from None
    if not settings.collecting_cases(config) and (problem := missing_flag_error(config)):
        raise pytest.UsageError(problem)
    if settings.collecting_cases(config) and not config.pluginmanager.has_plugin("playwright"):
        raise pytest.UsageError(
            "pytest-webagent runs cases with pytest-playwright (it provides the `page` fixture), "
            "which is disabled here: remove `-p no:playwright`"
        )
    config.addinivalue_line("markers", JUDGE_MARK_HELP)
    webagent = config.stash[SESSION_KEY] = WebagentSession(config, resolved)
    webagent.stop_on_sigterm()
    config.pluginmanager.register(ReportHooks(webagent), "webagent-reports")
    if config.pluginmanager.has_plugin("playwright"):
        # Registered now, after every entry-point plugin, so this override of pytest-playwright's
        # fixture is the one pytest picks and it can extend the upstream value.
        config.pluginmanager.register(launch_fixtures, "webagent-launch-fixtures")
    if config.pluginmanager.has_plugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "webagent-xdist")


def pytest_report_header(config: pytest.Config) -> list[str]:
    return config.stash[SESSION_KEY].header_lines()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    config = parent.config
    if not settings.collecting_cases(config):
        return None
    ignore = config.stash[SESSION_KEY].settings.ignore
    named = named_on_command_line(config, file_path)
    if not is_case_file(file_path, config.rootpath, ignore, named=named):
        return None
    case_file: CaseFile = CaseFile.from_parent(parent, path=file_path)
    return case_file


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    if items or settings.collecting_cases(config):
        return []
    return missing_flag_hint(config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    # A broken case file is reported as a collection error but must not stop the other case
    # files from running; errors in Python modules keep pytest's usual interruption.
    errors = session.config.stash[SESSION_KEY].case_file_errors
    if errors and session.testsfailed == errors and not session.shouldfail:
        session.config.option.continue_on_collection_errors = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    saved_state.savers_first(items)  # a case saving signed-in state runs before those using it


def pytest_collection_finish(session: pytest.Session) -> None:
    # After deselection (-k, -m): only the cases that will run.
    stop_before_relative_starts(session)


def pytest_itemcollected(item: pytest.Item) -> None:
    # A Python test running a YAML case gets that case's tags and marks (usefixtures and
    # parametrize were applied by the decorator: pytest reads them before this hook).
    spec = spec_of(item)
    if spec is not None and spec.file_cases:
        mark_item(item, next(iter(spec.file_cases.values())))
    elif spec is not None and any(step.kind is StepKind.JUDGE for step in spec.steps):
        item.add_marker(JUDGE_MARK)


def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[SESSION_KEY].before_test(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    yield  # raises when the test failed
    item.config.stash[SESSION_KEY].after_passing_call(item)


@pytest.hookimpl(wrapper=True, trylast=True)  # innermost: Allure reads the report after this
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:  # only a failure asks the agent (whose module imports the run stack)
        from pytest_webagent.agent import failed_in_declared_steps, masked_failure
    if report.when == "call":
        item.config.stash[SESSION_KEY].on_call_report(item, report)
        error = call.excinfo.value if call.excinfo is not None else None
        if report.failed and error is not None and failed_in_declared_steps(item, error):
            # Steps declared by @webagent.case fail as a YAML case's steps do: the step report
            # (file, line, step), not a traceback into the wrapper that ran them.
            report.longrepr = failure_report(item.config, error) or report.longrepr
    if report.failed:
        attach_missing_secrets(item, report)
        report.longrepr = masked_failure(item, report.longrepr)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    webagent = session.config.stash[SESSION_KEY]
    if webagent.is_worker:
        return  # the controller merges what its workers recorded
    from pytest_webagent.report import drift_report
    from pytest_webagent.report.allure_report import allure_active

    drift_report.write(
        webagent.summary, webagent.settings.report_md, allure=allure_active(session.config)
    )
    webagent.finish(prune=bool(session.config.getoption("webagent_prune")))


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION_KEY in config.stash:
        config.stash[SESSION_KEY].restore_sigterm()
        config.stash[SESSION_KEY].store.close()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    webagent = config.stash[SESSION_KEY]
    lines = webagent.summary.lines(pruned=bool(config.getoption("webagent_prune")))
    if lines:
        terminalreporter.section("webagent")
        for line in lines:
            terminalreporter.write_line(line)
    if webagent.store.recovered_from is not None:
        terminalreporter.write_line(
            f"webagent: the working store was unreadable; moved to {webagent.store.recovered_from} "
            "and rebuilt"
        )


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Generator[None, Any, Any]:
    # A webagent_secrets fixture of the user's may return a plain dict: pytest keeps fixture
    # values in frames that --showlocals --fulltrace print, so the value kept is one that masks.
    result = yield
    if fixturedef.argname != "webagent_secrets" or fixturedef.cached_result is None:
        return result
    hidden = hide_values(result)
    fixturedef.cached_result = (hidden, *fixturedef.cached_result[1:])
    return hidden


@pytest.fixture(scope="session")
def webagent_session(pytestconfig: pytest.Config) -> WebagentSession:
    """The plugin's state for this session (settings, stores, statistics)."""
    return pytestconfig.stash[SESSION_KEY]


@pytest.fixture(scope="session")
def webagent_secrets() -> Mapping[str, str]:
    """Values of ``{{ secrets.NAME }}``: ``WEBAGENT_SECRET_NAME`` from the environment.

    Override it (any scope) to read secrets from a vault; return a mapping of NAME to value.
    """
    return EnvironmentSecrets()


@pytest.fixture(scope="session")
def webagent_selector_engines(playwright: Playwright) -> None:
    """Replay checks each target's identity inside its action, with this selector engine."""
    from pytest_webagent.replay import selector_engines

    selector_engines.register(playwright.selectors)


@pytest.fixture
def webagent_case_state(request: pytest.FixtureRequest, webagent_session: WebagentSession) -> None:
    """Before the page opens: the storage state a case's ``uses_state`` names."""
    saved_state.use_saved_state(request, webagent_session.settings.cache_dir)


@pytest.fixture
def webagent_case_secrets(
    request: pytest.FixtureRequest, webagent_secrets: Mapping[str, str]
) -> Secrets:
    """The secret values the running case uses, all checked to be set."""
    case = getattr(request.node, "case", None)
    if case is None:
        return Secrets()
    try:
        return Secrets.for_case(case, webagent_secrets)
    except MissingSecretError as error:
        request.node.stash[MISSING_SECRETS_KEY] = error.missing  # said once, in the summary
        pytest.fail(f"MissingSecretError: {error}", pytrace=False)


@pytest.fixture
def agent(
    request: pytest.FixtureRequest,
    page: Page,
    webagent_session: WebagentSession,
    webagent_secrets: Mapping[str, str],
    webagent_selector_engines: None,
) -> Agent:
    """Natural-language steps in this test's ``page``: ``agent.do(...)``, ``agent.expect(...)``,
    ``agent.judge(...)``, each one a step of the test's case, recorded and replayed."""
    from pytest_webagent.agent import Agent

    return Agent(webagent_session, page, request, webagent_secrets)


class ReportHooks:
    """Hooks that need the session but are not given the config."""

    def __init__(self, session: WebagentSession) -> None:
        self.session = session

    @pytest.hookimpl
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and report.nodeid.endswith(CASE_SUFFIXES):
            self.session.case_file_errors += 1

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # On the controller this also sees the reports of xdist workers, statistics included.
        statistics: dict[str, Any] | None = getattr(report, "webagent", None)
        missing = getattr(report, "webagent_missing_secrets", None)
        if missing:
            self.session.summary.add_missing_secrets(report.nodeid, missing)
        if report.when == "call" and statistics is not None:
            self.session.add_statistics(report.nodeid, statistics)
        elif report.when == "teardown":
            self.session.on_teardown_report(report)


class XdistHooks:
    """Hooks that only exist with pytest-xdist (registering them without it would warn)."""

    @pytest.hookimpl
    def pytest_configure_node(self, node: Any) -> None:
        # Workers write pending updates under the controller's run id, which merges them.
        node.workerinput["webagent_run_id"] = node.config.stash[SESSION_KEY].run_id

    @pytest.hookimpl
    def pytest_testnodedown(self, node: Any, error: object | None) -> None:
        raise_worker_usage_error(node)  # a worker stopped at collection on a missing base URL
