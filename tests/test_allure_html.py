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


@needs_node
def test_make_report_builds_one_file_and_keeps_history_across_modes(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    """The report `make report` builds: one self-contained index.html (opens from disk), and a
    history file in which a case recorded in one run and replayed in the next is one test."""
    path = site.page("p.html", "<button onclick=\"this.textContent='Done'\">Go</button>")
    project.case("cases/h.yaml", f'name: history\nurl: {path}\nsteps:\n  - Click "Go"\n')
    history, html = tmp_path / "allure-history.jsonl", tmp_path / "allure-report"
    for mode in ("missing", "replay"):
        results = tmp_path / f"results-{mode}"
        project.run(f"--alluredir={results}", f"--webagent-mode={mode}").assert_outcomes(passed=1)
        subprocess.run(  # the Makefile's `report` command
            [
                "npx",
                "--yes",
                ALLURE,
                "awesome",
                str(results),
                "-o",
                str(html),
                "--single-file",
                "--history-path",
                str(history),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )

    assert sorted(p.name for p in html.iterdir() if p.is_dir()) == []  # no data/ to fetch
    assert (html / "index.html").stat().st_size > 100_000  # the app and the data, inline
    ids = [json.loads(p.read_text())["historyId"] for p in tmp_path.glob("results-*/*-result.json")]
    assert len(ids) == 2 and ids[0] == ids[1]  # allure-pytest's, for Allure 2
    runs = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(runs) == 2  # Allure 3 keys each run's results by its own history id
    assert len(runs[0]["testResults"]) == 1
    assert runs[0]["testResults"].keys() == runs[1]["testResults"].keys()
