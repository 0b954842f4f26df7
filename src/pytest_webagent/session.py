"""State of one pytest session for the plugin: settings and the services cases run with."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from .model import Case
from .runner import CaseRunner
from .settings import Settings


class WebagentSession:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings

    def run_case(self, case: Case, page: Page, request: pytest.FixtureRequest) -> None:
        CaseRunner(case, page, self.settings, _base_url(request)).run()

    def header_lines(self) -> list[str]:
        sources = self.settings.sources
        return [
            f"webagent: resolver {self.settings.resolver} ({sources['webagent_resolver']}), "
            f"step timeout {self.settings.step_timeout_ms / 1000:g}s"
        ]


def _base_url(request: pytest.FixtureRequest) -> str | None:
    try:
        value: Any = request.getfixturevalue("base_url")
    except pytest.FixtureLookupError:
        return None
    return str(value) if value else None


SESSION_KEY = pytest.StashKey[WebagentSession]()
