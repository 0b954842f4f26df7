"""What a case says besides its steps: marks, fixtures, vars and placeholders, optional steps and
per-step timeouts. One pytester run covers them all; each case checks one thing."""

from __future__ import annotations

import json

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

CONFTEST = """
import json
import pytest

@pytest.fixture
def greeting(page):
    # Shares the case's page: the init script runs before the case opens its URL.
    page.add_init_script("window.GREETING = 'hello from a fixture'")

@pytest.fixture
def signed_in(greeting, tmp_path_factory):
    yield
    # Teardown runs after the case, as for any pytest test.
    with open("teardown.log", "a", encoding="utf-8") as out:
        out.write("signed_in torn down\\n")

def pytest_collection_modifyitems(items):
    marks = {item.name: [[m.name, list(m.args), m.kwargs] for m in item.iter_markers()]
             for item in items}
    with open("marks.json", "w", encoding="utf-8") as out:
        json.dump(marks, out)
"""

PAGE = """
<p id="greeting"></p>
<label>Name <input></label>
<script>document.getElementById("greeting").textContent = window.GREETING || "no greeting";</script>
"""

CASES = """\
cases:
  - name: skipped
    url: /page.html
    marks:
      - skip: not ready yet
    steps:
      - Click "Nothing here"

  - name: expected to fail
    url: /page.html
    marks:
      - xfail: known bug 42
    steps:
      - expect: "A text that is not there"

  - name: strict xfail that passes
    url: /page.html
    marks:
      - xfail: {reason: fixed already, strict: true}
    steps:
      - expect: "no greeting"

  - name: custom marks
    url: /page.html
    tags: [smoke]
    marks:
      - slow
      - owner: alice
      - flaky: {reruns: 2}
    steps:
      - expect: "no greeting"

  - name: with fixtures
    url: /page.html
    usefixtures: [signed_in]
    steps:
      - expect: "hello from a fixture"

  - name: unknown fixture
    url: /page.html
    usefixtures: [nobody_defined_this]
    steps:
      - expect: "no greeting"

  - name: vars and rows
    url: /{{ page }}.html
    vars:
      page: missing-page  # both rows override it: a row value wins over a var
      greeting: no greeting
    parametrize:
      - id: ada
        user: Ada
        page: page
      - user: Grace Hopper
        page: page
    steps:
      - Fill "Name" with "{{ user }}"
      - expect: '"Name" has value "{{ user }}"'
      - expect: "{{ greeting }}"

  - name: optional step
    url: /page.html
    steps:
      - {do: 'Click "Maybe a cookie banner"', optional: true, timeout: 0.2}
      - expect: "no greeting"

  - name: own timeout
    url: /page.html
    steps:
      - {do: 'Click "Never there"', timeout: 0.2}
"""


def test_marks_fixtures_vars_optional_steps_and_timeouts(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("page.html", PAGE)
    project.pytester.makeconftest(CONFTEST)
    project.write_ini("markers =", "    slow: slow cases", "    owner: who owns it",
                      "    flaky: may be rerun")  # fmt: skip
    project.case("cases/features.yaml", CASES)

    result = project.run("-rsxXfE", "--strict-markers")

    result.assert_outcomes(passed=5, skipped=1, xfailed=1, failed=2, errors=1, warnings=1)
    output = result.stdout.str()
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [1] cases/features.yaml:2: not ready yet",
            "XFAIL cases/features.yaml::expected to fail - known bug 42",
            "FAILED cases/features.yaml::strict xfail that passes*",
            "*[[]XPASS(strict)[]] fixed already*",
            "ERROR cases/features.yaml::unknown fixture*",
            "*fixture 'nobody_defined_this' not found*",
        ]
    )
    # marks and tags reach the item as markers, with their arguments
    marks = json.loads((project.path / "marks.json").read_text(encoding="utf-8"))
    assert ["owner", ["alice"], {}] in marks["custom marks"]
    assert ["flaky", [], {"reruns": 2}] in marks["custom marks"]
    assert {m[0] for m in marks["custom marks"]} >= {"slow", "smoke", "owner", "flaky"}
    assert ["usefixtures", ["signed_in"], {}] in marks["with fixtures"]
    # fixtures: set up before the case on the same page (the case saw its greeting), torn down
    # after it
    assert (project.path / "teardown.log").read_text() == "signed_in torn down\n"
    # vars and parametrize rows: explicit id, readable id from the values, row overrides vars
    assert "vars and rows[ada]" in marks and "vars and rows[Grace_Hopper-page]" in marks
    # the optional step failed: a warning, and the case passed
    result.stdout.fnmatch_lines(
        [
            "*OptionalStepWarning: *features.yaml:*: target not found in case 'optional step'",
            '*step 1: Click "Maybe a cookie banner"',
        ]
    )
    # a step's own timeout replaces the default (3 s in these runs)
    assert "no element named 'Never there' appeared within 0.2s" in output


def test_parametrize_mapping_form_and_placeholders_in_url(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("en.html", "<h1>Hello</h1>", title="English")
    site.page("fr.html", "<h1>Bonjour</h1>", title="French")
    project.case(
        "cases/i18n.yaml",
        """
        name: greets in every language
        url: /{{ lang }}.html
        parametrize:
          lang: [en, fr]
          word: [Hello, Bonjour]
        steps:
          - expect: '"{{ word }}" is visible'
          - expect: the URL contains "/{{ lang }}.html"
        """,
    )

    result = project.run("-v")

    result.assert_outcomes(passed=2)
    output = result.stdout.str()
    assert "cases/i18n.yaml::greets in every language[en-Hello] PASSED" in output
    assert "cases/i18n.yaml::greets in every language[fr-Bonjour] PASSED" in output
    # Trajectories keep the placeholder, not the value: one entry per step serves every row.
    data = json.loads(project.trajectory("cases/i18n.yaml").read_text(encoding="utf-8"))
    steps = data["cases"]["greets in every language[en-Hello]"]["steps"]
    assert [step["text"] for step in steps] == [
        '"{{ word }}" is visible',
        'the URL contains "/{{ lang }}.html"',
    ]
