"""Start-up cost: what importing the plugin and collecting cases load, and the shortcut that
spares plain case files the JSON Schema validator (times are in benchmarks/startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import yaml

from pytest_webagent.cases.casefile import plainly_valid
from pytest_webagent.schemas import case_validator
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
    # the model (httpx2, with asyncio: 50 ms more) is the model's too, and PyYAML (with libyaml,
    # 15-30 ms) is imported with the first case file read.
    loaded = _loaded_by_plugin_import(("openai", "jsonschema", "httpx", "httpx2", "yaml"))
    assert loaded == []


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
            return [f"run stack loaded: {{loaded}}", f"jsonschema: {{'jsonschema' in sys.modules}}"]
        """
    )
    result = project.run_subprocess("--collect-only", "-q")
    # A case this plain is valid without asking the JSON Schema validator (see below).
    result.stdout.fnmatch_lines(["run stack loaded: []", "jsonschema: False", "*1 test collected*"])
    assert result.ret == 0


PLAIN_CASE: dict[str, Any] = {
    "name": "Sign in",
    "description": "A known user signs in",
    "url": "/login",
    "steps": ['Fill "Email" with "a@b.c"', {"do": 'Click "Go"'}, {"expect": '"Hi" is visible'}],
}
# One change at a time to the plain case: the shortcut takes it (and the schema must agree)...
STILL_PLAIN: list[tuple[str, Any]] = [
    *[("name", name) for name in ("x", "Ünïcode name", "a - b (c)")],
    *[("url", url) for url in ("https://example.com/", "x")],
    ("description", ""),
    *[("steps", [step]) for step in ({"judge": "ok"}, "Click it", {"expect": " x "})],
]
# ...or it leaves the file to the schema, which words the error of each mistake.
NOT_PLAIN: list[tuple[str, Any]] = [
    *[("name", name) for name in ("", " ", "a:b", "a[1]", "a/b", "two\nlines", 5, None)],
    *[("url", url) for url in ("", 3, None)],
    *[("description", text) for text in (7, ["a"])],
    *[("steps", steps) for steps in ([], "Click", None, [None], ["", " "], [" ", "x"], [3])],
    *[("steps", [step]) for step in ({"do": ""}, {"expect": 1}, {"bogus": "x"}, {"judge": " "})],
    *[("steps", [step]) for step in ({"do": "a", "expect": "b"}, {}, {"do": None})],
    # Valid, but outside the shape the shortcut knows: the schema decides.
    *[("steps", [step]) for step in ({"do": "a", "timeout": 3}, {"do": "a", "optional": True})],
    *[(key, value) for key, value in (("tags", ["smoke"]), ("cases", []), ("bogus", 1))],
]


@pytest.mark.parametrize(("key", "value"), STILL_PLAIN)
def test_a_plain_case_is_valid_by_the_shortcut_and_by_the_schema(key: str, value: Any) -> None:
    case = {**PLAIN_CASE, key: value}
    assert plainly_valid(case)
    assert case_validator().is_valid(case)


@pytest.mark.parametrize(("key", "value"), NOT_PLAIN)
def test_anything_else_is_left_to_the_schema(key: str, value: Any) -> None:
    assert not plainly_valid({**PLAIN_CASE, key: value})


def test_plain_cases_agree_with_the_schema() -> None:
    assert plainly_valid(PLAIN_CASE)
    without = {key: value for key, value in PLAIN_CASE.items() if key not in ("url", "description")}
    assert plainly_valid(without) and case_validator().is_valid(without)
    nameless = {"steps": PLAIN_CASE["steps"]}
    assert not plainly_valid(nameless) and not case_validator().is_valid(nameless)
    # The shape the shortcut is for, as a file holds it (the start-up benchmark's cases).
    written = yaml.safe_load(
        'name: Sign in 7\nurl: /login\nsteps:\n  - Fill "Email" with "u7@example.com"\n'
        '  - Click "Sign in"\n  - expect: The text "Welcome" is visible\n'
    )
    assert plainly_valid(written) and case_validator().is_valid(written)
