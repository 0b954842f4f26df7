"""Start-up cost: what importing the plugin pulls in (times are in benchmarks/startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.project import WebagentProject

# What only running a case needs: the Python API, the step loop, the resolvers (the direct
# resolver's phrase tables compile some 85 regular expressions), replay, the browser actions and
# Allure. Listing or collecting cases (IDE test discovery, `--collect-only`) needs none of it.
RUN_STACK = (
    "pytest_webagent.agent",
    "pytest_webagent.webagent",
    "pytest_webagent.run.runner",
    "pytest_webagent.resolve.direct",
    "pytest_webagent.resolve.verbs",
    "pytest_webagent.resolve.sentences",
    "pytest_webagent.resolve.targets",
    "pytest_webagent.resolve.planning.planner",
    "pytest_webagent.replay.identity",
    "pytest_webagent.replay.selector_engines",
    "pytest_webagent.browser.executor",
    "pytest_webagent.report.allure_report",
)


def _loaded_by_plugin_import(modules: tuple[str, ...]) -> list[str]:
    code = (
        "import sys, pytest_webagent.plugin; "
        f"print(' '.join(sorted(m for m in {modules!r} if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    return out.stdout.split()


def test_importing_the_plugin_leaves_the_model_client_and_jsonschema_for_later() -> None:
    # openai took most of a second, jsonschema a tenth: replay-only runs and IDE test discovery
    # import the plugin without ever planning a step or reading a case file. The HTTP client of
    # the model (httpx2, with asyncio: 50 ms more) is the model's too.
    assert _loaded_by_plugin_import(("openai", "jsonschema", "httpx", "httpx2")) == []


def test_importing_the_plugin_leaves_the_run_stack_for_later() -> None:
    assert _loaded_by_plugin_import(RUN_STACK) == []


def test_collecting_cases_leaves_the_run_stack_for_later(project: WebagentProject) -> None:
    # A fresh interpreter: the suite's own process has the run stack loaded already.
    project.case(
        "cases/checkout.yaml",
        """
        name: Checkout
        url: /cart.html
        steps:
          - Click "Checkout"
          - Verify that "Thank you" is visible
          - judge: The order number is shown
        """,
    )
    project.pytester.makeconftest(
        f"""
        import sys

        def pytest_report_collectionfinish(config, items):
            loaded = sorted(m for m in {RUN_STACK!r} if m in sys.modules)
            return [f"run stack loaded: {{loaded}}"]
        """
    )
    result = project.run_subprocess("--collect-only", "-q")
    result.stdout.fnmatch_lines(["run stack loaded: []", "*1 test collected*"])
    assert result.ret == 0
