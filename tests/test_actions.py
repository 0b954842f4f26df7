"""Every action and check type, driven by YAML steps on real pages in headless Chromium.

One case walks through every action; the trajectory it records proves which action each step
became. A second file holds one failing check per case, to show what each failure says.
"""

from __future__ import annotations

import json
from typing import Any

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

FORM = """
<h1>Form</h1>
<nav><a href="/second.html">Next page</a></nav>
<label>Email <input name="email"></label>
<label>Plan <select><option>Free</option><option value="pro">Pro</option></select></label>
<label><input type="checkbox"> Remember me</label>
<label><input type="checkbox" checked> Newsletter</label>
<button onclick="document.getElementById('out').textContent = 'Clicked ' + email.value">Go</button>
<p id="out"></p>
<input aria-label="Search" onkeydown="if (event.key === 'Enter') searched(this.value)">
<span onmouseover="document.getElementById('tip').hidden = false">Help</span>
<span id="tip" hidden>Tooltip text</span>
<button onclick="setTimeout(() => late.hidden = false, 300)">Load</button>
<p id="late" hidden>Loaded late</p>
<p id="spinner">Spinning</p>
<button onclick="setTimeout(() => document.getElementById('spinner').remove(), 300)">Stop</button>
<ul aria-label="Todos"><li>Milk</li><li>Bread</li><li>Eggs</li></ul>
<p id="keys">No key yet</p>
<script>
  const email = document.querySelector("input[name=email]");
  const late = document.getElementById("late");
  function searched(term) { document.getElementById("out").textContent = "Searched " + term; }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") document.getElementById("keys").textContent = "Escaped";
  });
</script>
"""

# (step, action types it must record)
WALKTHROUGH: list[tuple[str, list[str]]] = [
    ('expect: the title is "Form page"', ["expect_title"]),
    ('expect: the URL contains "/form.html"', ["expect_url"]),
    ('Fill "Email" with "a@b.c"', ["fill"]),
    ('expect: \'"Email" has value "a@b.c"\'', ["expect_value"]),
    ('Click "Go"', ["click"]),
    ("expect: '\"Clicked a@b.c\" is visible'", ["expect_visible"]),
    ('Select "Pro" from "Plan"', ["select"]),
    ('expect: \'"Plan" has value "pro"\'', ["expect_value"]),
    ('Check "Remember me"', ["check"]),
    ('Uncheck "Newsletter"', ["uncheck"]),
    ('Type "cats" into "Search"', ["fill"]),
    ('Press "Enter" in "Search"', ["press"]),
    ('expect: "Searched cats"', ["expect_text"]),
    ('Press "Escape"', ["press"]),
    ("expect: '\"Escaped\" is visible'", ["expect_visible"]),
    ('Hover over "Help"', ["hover"]),
    ("expect: '\"Tooltip text\" is visible'", ["expect_visible"]),
    ('Click "Load"', ["click"]),
    ('Wait for "Loaded late"', ["wait_for"]),
    ('Click "Stop"', ["click"]),
    ('Wait for "Spinning" to disappear', ["wait_for"]),
    ("expect: '\"Spinning\" is hidden'", ["expect_hidden"]),
    ("expect: '\"Todos\" has 3 items'", ["expect_count"]),
    ('expect: \'"Todos" contains "Bread"\'', ["expect_text"]),
    ('Go to "/second.html"', ["navigate"]),
    ('expect: the title is "Second"', ["expect_title"]),
]


def recorded_actions(project: WebagentProject, case_file: str, case: str) -> list[list[Any]]:
    data = json.loads(project.trajectory(case_file).read_text(encoding="utf-8"))
    return [step["actions"] for step in data["cases"][case]["steps"]]


def test_every_action_type_runs_and_is_recorded(project: WebagentProject, site: StaticSite) -> None:
    site.page("form.html", FORM, title="Form page")
    site.page("second.html", "<h1>Second</h1>", title="Second")
    steps = "\n".join(f"  - {step}" for step, _ in WALKTHROUGH)
    project.case("cases/actions.yaml", f"name: walkthrough\nurl: /form.html\nsteps:\n{steps}\n")

    result = project.run()

    result.assert_outcomes(passed=1)
    actions = recorded_actions(project, "cases/actions.yaml", "walkthrough")
    assert [[a["type"] for a in step] for step in actions] == [t for _, t in WALKTHROUGH]
    step = {text: recorded[0] for (text, _), recorded in zip(WALKTHROUGH, actions, strict=True)}
    assert step['Go to "/second.html"']["url"] == "/second.html"
    assert step['Select "Pro" from "Plan"']["value"] == "Pro"
    assert step["expect: '\"Todos\" has 3 items'"]["count"] == 3
    assert step['Press "Enter" in "Search"']["target"]["signature"]["name"] == "Search"
    assert "target" not in step['Press "Escape"']  # a key for the page, not for an element
    assert step['Fill "Email" with "a@b.c"']["target"]["signature"]["name"] == "Email"
    assert step['Wait for "Spinning" to disappear']["state"] == "hidden"


# case name -> (step kind, step, words its report must hold)
CHECKS_THAT_FAIL = {
    "title": ("expect", 'the title is "Other"', "expected the title to be 'Other', it is 'Checks'"),
    "title part": (
        "expect",
        'the title contains "Nope"',
        "expected the title to contain 'Nope', it is 'Checks'",
    ),
    "url": (
        "expect",
        'the URL contains "/nope"',
        "expected the URL to contain '/nope', it is 'http",
    ),
    "text": ("expect", '"Absent words"', "expected the page to show the text 'Absent words'"),
    "value": (
        "expect",
        '"Email" has value "x"',
        'expected get_by_role("textbox", name="Email", exact=True) to have the value \'x\'',
    ),
    "visible": (
        "expect",
        '"Secret" is visible',
        "an element with the text 'Secret' exists but is not visible",
    ),
    "hidden": (
        "expect",
        '"Shown" is hidden',
        'expected get_by_text("Shown", exact=True).filter(visible=True) to be hidden',
    ),
    "count": ("expect", '"Todos" has 5 items', '.get_by_role("listitem") to match 5 elements'),
    "container text": ("expect", '"Todos" contains "Eggs"', "to show the text 'Eggs'"),
    "disabled click": (
        "do",
        'Click "Disabled"',
        "failed: Locator.click: Timeout 3000ms exceeded. (element is not enabled)",
    ),
    "wait": ("do", 'Wait for "Shown" to disappear', 'wait_for get_by_text("Shown", exact=True)'),
}

CHECKS_PAGE = """
<label>Email <input value="a@b.c"></label>
<p hidden>Secret</p><p>Shown</p>
<ul aria-label="Todos"><li>Milk</li><li>Bread</li></ul>
<button disabled>Disabled</button>
"""


def test_each_failing_check_says_what_was_expected(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("checks.html", CHECKS_PAGE, title="Checks")
    # A short per-step timeout: each of these steps waits it out before failing; the click has
    # longer, for Playwright to log why it could not click. (JSON is YAML.)
    cases = [
        {
            "name": name,
            "url": "/checks.html",
            "steps": [{kind: step, "timeout": 3 if name == "disabled click" else 2}],
        }
        for name, (kind, step, _) in CHECKS_THAT_FAIL.items()
    ]
    project.case("cases/checks.yaml", json.dumps({"cases": cases}, indent=2))

    result = project.run("-vv")

    result.assert_outcomes(failed=len(CHECKS_THAT_FAIL))
    output = result.stdout.str()
    sections = {}
    for name, (_, step, words) in CHECKS_THAT_FAIL.items():
        sections[name] = output.split(f"_ case: {name} _", 1)[1].split("\n_", 1)[0]
        assert words in sections[name], f"{name}: {sections[name]}"
        assert f"step 1: {step}" in sections[name]
        # The expected text as written, not the pattern Playwright was given.
        assert "re.compile" not in sections[name].split("caused by")[0], sections[name]
    # -vv adds what Playwright said, call log included.
    assert "caused by TimeoutError:" in sections["disabled click"]
    assert "- element is not enabled" in sections["disabled click"]
