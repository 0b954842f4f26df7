"""The direct resolver on real pages: each phrasing finds its target through the expected
Playwright locator (recorded in the trajectory), ambiguity and absence fail with the candidates,
a step that is not explicit fails without a model, and every failure reads as a test failure."""

from __future__ import annotations

import json
from typing import Any

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

PAGE = """
<nav aria-label="Main"><a href="#top">Home</a> <a href="#about">About us</a></nav>
<h1>Shop</h1>
<div role="tablist"><button role="tab" onclick="say('tab')">Details</button></div>
<div role="menu"><div role="menuitem" onclick="say('menu')">Copy link</div></div>
<label for="agree">I agree</label><input type="checkbox" id="agree">
<label><input type="radio" name="size"> Large</label>
<span onclick="say('span')">Plain text control</span>
<button data-testid="save-icon" onclick="say('icon')"><svg width="8" height="8"></svg></button>
<label>Full name <input></label>
<input placeholder="Search the shop">
<input aria-label="Coupon code">
<input data-testid="zip-input">
<label>Country <select><option>France</option><option>Japan</option></select></label>
<button onclick="say('sign in')">Sign in</button>
<span title="tip" onmouseover="say('hovered')">Hover me</span>
<table aria-label="Results"><tr><th>Name</th></tr><tr><td>A</td></tr><tr><td>B</td></tr></table>
<p id="said">Nothing yet</p>
<script>
  function say(what) { document.getElementById("said").textContent = "Said " + what; }
</script>
"""

# (step, the locator code the direct resolver must record for its target)
PHRASINGS: list[tuple[str, str]] = [
    ('Click "Home"', 'get_by_role("link", name="Home", exact=True)'),
    ('Tap on the "About us" link', 'get_by_role("link", name="About us", exact=True)'),
    ('Click the "Details" tab', 'get_by_role("tab", name="Details", exact=True)'),
    ('expect: "Said tab"', ""),
    ('Click the "Copy link" menu item', 'get_by_role("menuitem", name="Copy link", exact=True)'),
    ("expect: '\"said\" is hidden'", 'get_by_text("said", exact=True).filter(visible=True)'),
    (
        'Click "Plain text control"',
        'get_by_text("Plain text control", exact=True).filter(visible=True)',
    ),
    (
        "expect: '\"Said span\" is visible'",
        'get_by_text("Said span", exact=True).filter(visible=True)',
    ),
    ('Click "save-icon"', 'get_by_test_id("save-icon").filter(visible=True)'),
    ('expect: "Said icon"', ""),
    ('Check the "I agree" checkbox', 'get_by_role("checkbox", name="I agree", exact=True)'),
    ('Check "Large"', 'get_by_role("radio", name="Large", exact=True)'),
    ('Fill "Full name" with "Ada"', 'get_by_role("textbox", name="Full name", exact=True)'),
    (
        'Type "socks" into "Search the shop"',
        'get_by_role("textbox", name="Search the shop", exact=True)',
    ),
    (
        'Enter "SAVE10" in the "Coupon code" field',
        'get_by_role("textbox", name="Coupon code", exact=True)',
    ),
    ('Set "zip-input" to "75001"', 'get_by_test_id("zip-input").filter(visible=True)'),
    (
        'Choose "Japan" from the "Country" dropdown',
        'get_by_role("combobox", name="Country", exact=True)',
    ),
    (
        'expect: \'"Country" has value "Japan"\'',
        'get_by_role("combobox", name="Country", exact=True)',
    ),
    (
        'expect: \'the "Full name" field has value "Ada"\'',
        'get_by_role("textbox", name="Full name", exact=True)',
    ),
    # no exact match: a case-insensitive substring is the next resort
    ('Click "SIGN"', 'get_by_role("button", name="SIGN")'),
    ('expect: "Said sign in"', ""),
    ('Hover over "Hover me"', 'get_by_text("Hover me", exact=True).filter(visible=True)'),
    (
        'Wait until "Said hovered" appears',
        'get_by_text("Said hovered", exact=True).filter(visible=True)',
    ),
    (
        "expect: '\"Results\" has 3 rows'",
        'get_by_role("table", name="Results", exact=True).get_by_role("row")',
    ),
    (
        "expect: '\"Main\" has 2 links'",
        'get_by_role("navigation", name="Main", exact=True).get_by_role("link")',
    ),
    ('expect: \'"Results" shows "B"\'', 'get_by_role("table", name="Results", exact=True)'),
    ('expect: the page title contains "Phr"', ""),
    ('Verify that the URL matches "phrasings\\.html#about$"', ""),
]


def recorded(project: WebagentProject, case_file: str) -> dict[str, list[dict[str, Any]]]:
    data = json.loads(project.trajectory(case_file).read_text(encoding="utf-8"))
    return {
        name: [step["actions"][0] for step in case["steps"]] for name, case in data["cases"].items()
    }


def test_each_phrasing_finds_its_target_by_the_expected_locator(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("phrasings.html", PAGE, title="Phrasings")
    steps = "".join(f"  - {step}\n" for step, _ in PHRASINGS)
    project.case("cases/phrasings.yaml", f"name: phrasings\nurl: /phrasings.html\nsteps:\n{steps}")

    result = project.run()

    result.assert_outcomes(passed=1)
    actions = recorded(project, "cases/phrasings.yaml")["phrasings"]
    codes = [action.get("target", {}).get("code", "") for action in actions]
    assert codes == [code for _, code in PHRASINGS]
    # A plain step worded as a check is recorded as a check (never healed on replay).
    data = json.loads(project.trajectory("cases/phrasings.yaml").read_text(encoding="utf-8"))
    assert data["cases"]["phrasings"]["steps"][-1]["kind"] == "assertion"


AMBIGUOUS_PAGE = (
    """
<nav><a href="#login">Sign in</a></nav>
<button onclick="document.body.append('Signed in')">Sign in</button>
<label>Email <input></label>
"""
    + "<button>Delete</button>" * 10
)

FAILING_CASES = """\
cases:
  - name: role word settles it
    url: /ambiguous.html
    steps:
      - Click the "Sign in" button
      - expect: "Signed in"

  - name: button or link
    url: /ambiguous.html
    steps:
      - Fill "Email" with "a@b.c"
      - Click "Sign in"

  - name: two of a kind
    url: /ambiguous.html
    steps:
      - Click the "Delete" button

  - name: typo
    url: /ambiguous.html
    steps:
      - do: Click "Sgn in"
        timeout: 0.5

  - name: not explicit
    url: /ambiguous.html
    steps:
      - Fill "Email" with "a@b.c"
      - Sign in with the account menu

  - name: check fails
    url: /ambiguous.html
    steps:
      - {expect: '"Email" has value "someone"', timeout: 1.5}
"""

EXCEPTION_RECORDER = """
import json
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and call.excinfo is not None:
        error = call.excinfo.value
        with open("exceptions.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": item.name, "type": type(error).__name__,
                                  "assertion": isinstance(error, AssertionError),
                                  "longrepr": str(report.longrepr)}) + "\\n")
    return report
"""


def test_failures_name_the_step_and_the_candidates(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("ambiguous.html", AMBIGUOUS_PAGE)
    project.case("cases/login.yaml", FAILING_CASES)
    project.pytester.makeconftest(EXCEPTION_RECORDER)

    result = project.run()

    result.assert_outcomes(passed=1, failed=5)
    lines = (project.path / "exceptions.jsonl").read_text(encoding="utf-8").splitlines()
    failures = {entry["name"]: entry for entry in map(json.loads, lines)}
    assert {name: entry["type"] for name, entry in failures.items()} == {
        "button or link": "TargetAmbiguous",
        "two of a kind": "TargetAmbiguous",
        "typo": "TargetNotFound",
        "not explicit": "UnresolvableStep",
        "check fails": "CheckFailed",
    }
    assert all(entry["assertion"] for entry in failures.values())  # failed, not broken

    report = failures["button or link"]["longrepr"]
    assert report.splitlines()[:3] == [
        f"{project.path / 'cases/login.yaml'}:12: target is ambiguous in case 'button or link'",
        '  step 2: Click "Sign in"',
        "  mode: missing",
    ]
    assert """'Sign in' matches 2 elements: button "Sign in"; link "Sign in\"""" in report
    # A phrasing that resolves, checked on the page before it is proposed.
    assert 'hint: say which one, e.g. the "Sign in" button' in report

    report = failures["two of a kind"]["longrepr"]
    # Ten matches: all counted, the first eight listed, told apart by position.
    listed = "; ".join(f'button "Delete" #{n}' for n in range(1, 9))
    assert f"'Delete' matches 10 elements: {listed}; ..." in report
    assert 'hint: say which one, e.g. the first "Delete" button' in report

    report = failures["typo"]["longrepr"]
    assert "login.yaml:22: target not found in case 'typo'" in report
    assert "no element named 'Sgn in' appeared within 0.5s" in report
    assert 'nearest on the page: link "Sign in", button "Sign in"' in report
    assert "a step that describes its target in other words needs a model" in report
    assert "exists but is not visible" not in report  # said only of hidden elements

    report = failures["not explicit"]["longrepr"]
    assert "login.yaml:29: step cannot be resolved in case 'not explicit'" in report
    assert "step 2: Sign in with the account menu" in report
    assert "this step is not explicit and no model is configured" in report
    assert 'hint: quote targets and values (e.g. Click "Sign in"' in report

    output = result.stdout.str()
    # The report replaces the traceback: no generated code, no plugin internals.
    for internal in ("def webagent_case", "runner.py", "collection.py", "Traceback", "_pytest"):
        assert internal not in output
    assert "FAILED cases/login.yaml::typo" in output


def test_resolver_direct_refuses_to_plan(project: WebagentProject, site: StaticSite) -> None:
    site.page("p.html", "<button>Go</button>")
    project.case(
        "cases/a.yaml",
        """
        name: needs a model
        url: /p.html
        steps:
          - Click "Go"
          - Go somewhere nice
        """,
    )

    result = project.run("--webagent-resolver=direct", "--webagent-model=some-model")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*a.yaml:5: step cannot be resolved in case 'needs a model'",
            "  step 2: Go somewhere nice",
            "*this step is not explicit and webagent_resolver is 'direct'",
        ]
    )
