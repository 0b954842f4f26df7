"""The Allure command line turns a run's results into an HTML report that shows the cases and
their natural-language steps. Needs Node.js (npx) for Allure 3 from the npm registry."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

ALLURE = "allure@3.18.0"  # keep in step with the Makefile's ALLURE

needs_node = pytest.mark.skipif(shutil.which("npx") is None, reason="Node.js (npx) not installed")


@needs_node
def test_html_report_shows_cases_and_steps(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    path = site.page("p.html", "<button onclick=\"this.textContent='Done'\">Go</button>")
    project.case(
        "cases/report.yaml",
        f"""
        name: the button says done
        url: {path}
        steps:
          - Click "Go"
          - expect: '"Done" is visible'
        """,
    )
    results, html = tmp_path / "allure-results", tmp_path / "allure-report"
    project.run(f"--alluredir={results}").assert_outcomes(passed=1)

    subprocess.run(
        ["npx", "--yes", ALLURE, "generate", str(results), "-o", str(html)],
        check=True,
        capture_output=True,
        timeout=300,
    )

    assert (html / "index.html").is_file()
    tests = [json.loads(p.read_text()) for p in (html / "data" / "test-results").glob("*.json")]
    (case,) = [t for t in tests if t["name"] == "the button says done"]
    assert case["status"] == "passed"
    body = json.dumps(case)
    assert 'Click \\"Go\\"' in body
    assert 'assertion: \\"Done\\" is visible' in body
    assert "get_by_role(" in body  # the nested action, as Playwright code
