"""pytest entry point: wires hooks, options and fixtures to the modules that do the work."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import launch_fixtures, settings
from .collection import CaseFile, is_case_file
from .errors import ConfigurationError
from .session import SESSION_KEY, WebagentSession


def pytest_addoption(parser: pytest.Parser) -> None:
    settings.register(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        resolved = settings.resolve(config)
    except ConfigurationError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SESSION_KEY] = WebagentSession(config, resolved)
    if config.pluginmanager.has_plugin("playwright"):
        # Registered now, after every entry-point plugin, so this override of pytest-playwright's
        # fixture is the one pytest picks and it can extend the upstream value.
        config.pluginmanager.register(launch_fixtures, "webagent-launch-fixtures")


def pytest_report_header(config: pytest.Config) -> list[str]:
    return config.stash[SESSION_KEY].header_lines()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    config = parent.config
    if not settings.collecting_cases(config):
        return None
    ignore = config.stash[SESSION_KEY].settings.ignore
    if not is_case_file(file_path, config.rootpath, ignore):
        return None
    case_file: CaseFile = CaseFile.from_parent(parent, path=file_path)
    return case_file


@pytest.fixture(scope="session")
def webagent_session(pytestconfig: pytest.Config) -> WebagentSession:
    """The plugin's state for this session (settings, stores, statistics)."""
    return pytestconfig.stash[SESSION_KEY]
