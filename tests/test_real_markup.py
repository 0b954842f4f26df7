"""The direct resolver on markup written the way real applications write it (issue 13): labels
beside fields rather than tied to them, decorated labels, icon buttons, clickable spans, repeated
controls told apart by row, section, dialog or position, and steps that hold several actions.
One page, one pytester run; each step checks what it did through the page's own log, and the
recorded locators are replayed with the identity check."""

from __future__ import annotations

import json
import time

from pytest_webagent.commands.locator_code import Imports, parse_locator
from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject
from tests.support.site import SAID_LOG, StaticSite

ADMIN = (
    """
<h1>Site administration</h1>
<div id="changelist-filter">
  <h2>Filter</h2>
  <h3>By staff status</h3>
  <ul><li><a href="#all" onclick="say('staff all')">All</a></li>
      <li><a href="#s-yes" onclick="say('staff yes')">Yes</a></li>
      <li><a href="#s-no" onclick="say('staff no')">No</a></li></ul>
  <h3>By superuser status</h3>
  <ul><li><a href="#all2" onclick="say('super all')">All</a></li>
      <li><a href="#u-yes" onclick="say('super yes')">Yes</a></li>
      <li><a href="#u-no" onclick="say('super no')">No</a></li></ul>
</div>
<h2>Orders</h2>
<table aria-label="Orders">
  <tr><th>User</th><th>Action</th></tr>
  <tr><td>admin</td><td><button onclick="say('delete admin')">Delete</button></td></tr>
  <tr><td>qa-user</td><td><button onclick="say('delete qa-user')">Delete</button></td></tr>
  <tr><td>qa-user2</td><td><button onclick="say('delete qa-user2')">Delete</button></td></tr>
</table>
<form onsubmit="return false">
  <p><label>Password</label><input type="password" id="pw"
                                oninput="say('pw=' + this.value)"></p>
  <table>
    <tr><th>Title*</th><td><input id="title" oninput="say('title=' + this.value)"></td></tr>
    <tr><td>Email (required)</td>
        <td><input id="email" oninput="say('email=' + this.value)"></td></tr>
  </table>
  <fieldset><legend>Nickname</legend>
    <input id="nick" oninput="say('nick=' + this.value)"></fieldset>
  <div><input id="city" oninput="say('city=' + this.value)"> <span>City</span></div>
  <p>Focus into the textbox below to start.</p>
  <input placeholder="Filter" id="f1"><input placeholder="Filter" id="f2">
  <input placeholder="Filter" id="f3" oninput="say('f3=' + this.value)">
</form>
<p>Go to the <span class="alink" style="cursor:pointer" onclick="say('in link')">In</span> page.</p>
<a href="#help" title="Help" onclick="say('help icon')"><svg width="8" height="8"></svg></a>
<button onclick="document.getElementById('dlg').hidden = false">Sign in</button>
<div role="dialog" aria-label="Sign in" id="dlg" hidden>
  <button aria-label="Close" onclick="say('closed'); this.parentNode.hidden = true">
    \u00d7</button>
  <p>Are you sure?</p>
  <button onclick="say('dialog yes')">Yes, I\u2019m\u00a0sure</button>
  <button onclick="say('no one')">No</button> <button onclick="say('no two')">No</button>
</div>
"""
    + SAID_LOG
)

STEPS = [
    'Fill "Password:" with "s3cret"',
    'Fill "Title" with "Dr"',
    'Fill "Email" with "a@b.c"',
    'Fill "Nickname" with "ada"',
    'Fill "City" with "Paris"',
    'Fill the 3rd "Filter" field with "third"',
    'Click "Delete" in the "qa-user" row',
    'Click "Yes" under "By superuser status"',
    'Click the "In" link',
    'Click "Help"',
    'Click the "Sign in" button',
    'Click the "Yes, I\'m sure" button in the "Sign in" dialog',
    'Click the second "No" button',
    'Close the dialog by clicking the "x"',
    'Verify that the "Orders" table has 4 rows',  # a heading is also named "Orders"
]

LOG = (
    "pw=s3cret, title=Dr, email=a@b.c, nick=ada, city=Paris, f3=third, delete qa-user, "
    "super yes, in link, help icon, dialog yes, no two, closed"
)


def test_steps_hold_on_real_markup_and_replay(project: WebagentProject, site: StaticSite) -> None:
    site.page("admin.html", ADMIN, title="Admin")
    steps = "".join(f"      - {json.dumps(step)}\n" for step in STEPS)
    project.case(
        "cases/admin.yaml",
        "cases:\n  - name: admin\n    url: /admin.html\n    steps:\n"
        f"{steps}      - expect: {json.dumps(LOG)}\n"
        "  - name: which delete\n    url: /admin.html\n    steps:\n"
        '      - {do: Click "Delete", timeout: 2}\n'
        "  - name: which field\n    url: /admin.html\n    steps:\n"
        "      - {do: Click the textbox, timeout: 2}\n",
    )

    result = project.run("--webagent-step-timeout=10")

    result.assert_outcomes(passed=1, failed=2)
    output = result.stdout.str()
    # Candidates told apart by row, and a phrasing checked to resolve the first of them.
    assert (
        '\'Delete\' matches 3 elements: button "Delete" row "admin"; '
        'button "Delete" row "qa-user"; button "Delete" row "qa-user2"'
    ) in output
    assert 'hint: say which one, e.g. "Delete" button in the "admin" row' in output
    assert "the textbox matches 8 elements" in output
    assert "hint: say which one, e.g. the first" in output
    data = json.loads(project.trajectory("cases/admin.yaml").read_text(encoding="utf-8"))
    codes = [
        action["target"]["code"]
        for step in data["cases"]["admin"]["steps"]
        for action in step["actions"]
        if "target" in action
    ]
    # A label beside its field: the container that holds both, then the field.
    assert codes[0].startswith('locator("p").filter(has_text=re.compile("^\\\\s*Password')
    assert codes[0].endswith('.locator("input[type=\\"password\\"]")')
    assert codes[1].startswith('locator("tr").filter(has_text=re.compile("^\\\\s*Title')
    assert codes[3].startswith('locator("fieldset").filter(')
    assert codes[4].startswith('locator("div").filter(')
    assert codes[5] == 'get_by_role("textbox", name="Filter", exact=True).nth(2)'
    assert codes[6] == (
        'get_by_role("row").filter(has_text=re.compile("(?<![0-9A-Za-z_-])qa-user(?![0-9a-z_-])"))'
        '.get_by_role("button", name="Delete", exact=True)'
    )
    assert codes[7].startswith('locator("xpath=//*[') and codes[7].endswith(
        '/following-sibling::*[1]").get_by_role("link", name="Yes", exact=True)'
    )
    assert codes[8] == 'locator("span").get_by_text("In", exact=True).filter(visible=True)'
    assert codes[9] == 'get_by_role("link", name="Help", exact=True)'
    assert codes[11].startswith('get_by_role("dialog", name="Sign in", exact=True).get_by_role(')
    assert codes[12] == 'get_by_role("button", name="No", exact=True).nth(1)'
    assert codes[13] == 'get_by_role("button", name="Close", exact=True)'
    assert codes[14] == 'get_by_role("table", name="Orders", exact=True).get_by_role("row")'
    # `webagent export` accepts every chain recorded (it parses locator code, never pastes it).
    for code in codes:
        assert parse_locator(code, Imports())
    # Replay: every recorded locator still finds one element with the same identity.
    replayed = project.run("--webagent-mode=replay", "-k", "admin and not which")
    replayed.assert_outcomes(passed=1)


def test_an_explicit_step_the_page_does_not_settle_goes_to_the_model(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page(
        "two.html",
        "<p id=log>log:</p><a href='#' onclick=\"log('link')\">Sign in</a>"
        "<button onclick=\"log('button')\">Sign in</button>"
        "<script>function log(w) { document.getElementById('log').textContent += ' ' + w }"
        "</script>",
    )
    project.case(
        "cases/two.yaml",
        """
        name: two
        url: /two.html
        steps:
          - Click "Sign in"
          - expect: '"log: button" is visible'
        """,
    )
    with OpenAITestServer() as server:
        server.on("Sign in", reply.act(reply.click(element("button", "Sign in"))))
        result = project.run(
            "--webagent-model=test-model", f"--webagent-base-url={server.base_url}"
        )
        asked = [chat.step for chat in server.chat_requests()]

    result.assert_outcomes(passed=1)
    assert asked == ['Click "Sign in"']
    result.stdout.fnmatch_lines(
        [
            "1 case, 2 steps: 1 direct, 1 planned",
            'explicit step planned by the model: cases/two.yaml::two: Click "Sign in" '
            "(the direct resolver: 'Sign in' matches 2 elements: *)",
        ]
    )
    data = json.loads(project.trajectory("cases/two.yaml").read_text(encoding="utf-8"))
    assert data["cases"]["two"]["steps"][0]["resolved_by"] != "direct"

    # With no model the error stays the resolver's own.
    failed = project.run("--webagent-mode=refresh")
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(["*'Sign in' matches 2 elements*"])


def test_the_step_timeout_bounds_the_whole_search_on_a_huge_page(
    project: WebagentProject, site: StaticSite
) -> None:
    """Issue 15 #20: on 50,000 buttons the search used to run for minutes after a 5 s timeout,
    one count per strategy and tier; the step timeout now bounds the search as a whole."""
    site.page(
        "huge.html",
        "<div id=all></div><script>const all = document.getElementById('all');"
        "for (let i = 0; i < 50000; i++) { const b = document.createElement('button');"
        "b.textContent = 'Button ' + i; all.append(b) }</script>",
    )
    project.case(
        "cases/huge.yaml",
        """
        name: huge
        url: /huge.html
        steps:
          - do: Click "Target"
            timeout: 2
        """,
    )
    started = time.monotonic()
    result = project.run(timeout=10)
    elapsed = time.monotonic() - started
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no element named 'Target'*within 2s*"])
    # Browser start and page load included; before the fix the step alone took 51 s or more.
    assert elapsed < 30, f"the run took {elapsed:.0f}s"


ROLES_AND_ROWS = """
<p id="log">log:</p>
<label onclick="say('label')">Search <input type="search" oninput="say('typed')"></label>
<a href="#docs" onclick="say('docs link')">Docs</a>
<span style="cursor:pointer" onclick="say('more span')">More</span>
<table aria-label="Users">
  <tr><th>User</th><th>Action</th></tr>
  <tr><td>admin</td><td><button>Delete</button></td></tr>
  <tr><td>qa-user</td><td><button>Delete</button> <input aria-label="Note" value="hello"></td></tr>
  <tr><td>qa-user2</td><td>none</td></tr>
</table>
<div role="dialog" aria-label="Confirm"><button>No</button> <button>No</button></div>
<div>Enter an item that ends with "<b>Oman</b>".</div>
<ul><li style="cursor:pointer" onclick="say('oman')"><div>Oman</div></li></ul>
<script>function say(w) { document.getElementById("log").textContent += " " + w; }</script>
"""


def test_role_words_refuse_other_roles_and_checks_take_scopes_and_ordinals(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("roles.html", ROLES_AND_ROWS)
    project.case(
        "cases/roles.yaml",
        """
        cases:
          - name: checks
            url: /roles.html
            steps:
              - expect: '"Delete" is visible in the "qa-user" row'
              - expect: 'the second "No" button is visible'
              - expect: '"Delete" is hidden in the "qa-user2" row'
              - expect: '"Note" in the "qa-user" row has value "hello"'
              - expect: 'the last "No" button in the "Confirm" dialog to be visible'
              - Click the "More" button
              - Click "Oman"
              - expect: '"log: more span oman"'
          - name: search button
            url: /roles.html
            steps:
              - {do: Press the search button, timeout: 2}
          - name: docs button
            url: /roles.html
            steps:
              - {do: Click the "Docs" button, timeout: 2}
          - name: third no
            url: /roles.html
            steps:
              - {expect: 'the 3rd "No" button is visible', timeout: 2}
        """,
    )

    result = project.run("--webagent-step-timeout=10")

    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "*no button named 'search' appeared within 2s; found label \"Search\" (of a "
            "searchbox) instead, which is not a button*",
            "*no button named 'Docs' appeared within 2s; found link \"Docs\" instead, which is "
            "not a button*",
            "*hint: a role word lets only elements of that role count; name the role the "
            "element has, or leave the role word out*",
            "*there is no 3rd 'No': 2 visible elements match*",
        ]
    )
    assert "log: label" not in result.stdout.str()
    steps = json.loads(project.trajectory("cases/roles.yaml").read_text(encoding="utf-8"))
    codes = [s["actions"][0]["target"]["code"] for s in steps["cases"]["checks"]["steps"][:5]]
    assert codes[0].startswith('get_by_role("row").filter(has_text=re.compile(')
    assert codes[1] == 'get_by_role("button", name="No", exact=True).nth(1)'
    assert codes[2] == (
        'get_by_role("row").filter(has_text="qa-user2").get_by_text("Delete", exact=True)'
        ".filter(visible=True)"
    )
    assert codes[3].endswith('.get_by_role("textbox", name="Note", exact=True)')
    assert codes[4] == (
        'get_by_role("dialog", name="Confirm", exact=True)'
        '.get_by_role("button", name="No", exact=True).nth(1)'
    )
    replayed = project.run("--webagent-mode=replay", "-k", "checks")
    replayed.assert_outcomes(passed=1)
