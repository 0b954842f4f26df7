"""A throw-away project for pytester runs of the plugin, with a clean environment."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

# Variables that would change the plugin's behaviour if inherited from the outer run (CI=true
# switches the default mode to replay, for one).
PLUGIN_ENVIRONMENT = (
    "CI", "WEBAGENT_MODE", "WEBAGENT_MODEL", "WEBAGENT_RESOLVER", "WEBAGENT_STEP_TIMEOUT",
    "WEBAGENT_CACHE_DIR", "WEBAGENT_BROWSER_EXECUTABLE", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    "WEBAGENT_LLM_TIMEOUT", "WEBAGENT_LLM_RETRIES", "WEBAGENT_ANSWER_RETRIES",
    "WEBAGENT_MAX_ACTIONS", "WEBAGENT_SNAPSHOT_TOKENS", "WEBAGENT_DEMO_VERSION",
    "WEBAGENT_ALLOWED_ORIGINS", "WEBAGENT_REPORT_MD", "WEBAGENT_EFFECT_REFLECTIONS",
    "GITHUB_STEP_SUMMARY",  # the drift report is appended to it: never to the outer CI's
)  # fmt: skip
# pytest-playwright 0.10 defines `base_url` as a plugin-instance fixture; pytest 9 warns about it.
UPSTREAM_WARNING = (
    "ignore:Session-scoped fixtures defined as instance methods are deprecated"
    ":pytest.PytestRemovedIn10Warning"
)


class WebagentProject:
    """Write case files and an ini file into a pytester directory, then run pytest on them."""

    def __init__(self, pytester: pytest.Pytester, base_url: str) -> None:
        self.pytester = pytester
        self.base_url = base_url
        self.ini_lines: list[str] = []
        self.write_ini()

    @property
    def path(self) -> Path:
        return self.pytester.path

    def write_ini(self, *extra: str) -> None:
        self.ini_lines.extend(extra)
        lines = ["[pytest]", f"base_url = {self.base_url}", "filterwarnings =",
                 f"    {UPSTREAM_WARNING}", *self.ini_lines]  # fmt: skip
        (self.path / "pytest.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def case(self, relative: str, text: str) -> Path:
        """Write a case file (dedented) at ``relative`` under the project."""
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def trajectory(self, case_file: str) -> Path:
        source = self.path / case_file
        return source.parent / "__trajectories__" / f"{source.name}.json"

    def run(self, *args: str, timeout: float = 3) -> pytest.RunResult:
        """Run in-process (fast) with --webagent and a short step timeout."""
        return self.pytester.runpytest_inprocess(
            "--webagent", "-p", "no:cacheprovider", f"--webagent-step-timeout={timeout:g}", *args
        )

    def run_subprocess(self, *args: str, timeout: float = 3) -> pytest.RunResult:
        """Run in a fresh interpreter (xdist, crashes, environment-dependent behaviour)."""
        return self.pytester.runpytest_subprocess(
            "--webagent", "-p", "no:cacheprovider", f"--webagent-step-timeout={timeout:g}", *args
        )


def recorded_steps(trajectory: Path) -> dict[str, list[dict[str, Any]]]:
    """The recorded step entries of each case in a trajectory file, by case id."""
    data = json.loads(trajectory.read_text(encoding="utf-8"))
    return {name: case["steps"] for name, case in data["cases"].items()}
