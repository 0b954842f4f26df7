"""Step effects: what a resolved step's actions changed is recorded, and replay waits for it.

One page, several versions: the effect comes at once (recorded), comes late (waited for, not
failed), a different alert comes (drifted: replay fails naming expected and happened, missing mode
heals). A model step whose click changed nothing is told so and may go on (reflection).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_webagent.run.effects import NOTHING_CHANGED
from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject, recorded_steps
from tests.support.site import StaticSite

CASE = """
cases:
  - name: save settings
    url: /settings.html
    steps:
      - Fill "Name" with "{{ who }}"
      - Click the "Save" button
      - expect: '"Name" has value "{{ who }}"'
    vars:
      who: Ada
  - name: save as the last step
    url: /settings.html
    steps:
      - Fill "Name" with "Bob"
      - Click the "Save" button
"""


def settings_page(message: str = "Saved", delay_ms: int = 0) -> str:
    show = f"document.getElementById('out').innerHTML = '<p role=alert>{message}</p>'"
    return (
        "<h1>Settings</h1><label>Name <input id=name></label>"
        f'<button onclick="setTimeout(() => {{ {show} }}, {delay_ms})">Save</button>'
        "<div id=out></div>"
    )


def failure_text(result: pytest.RunResult) -> str:
    reports = result.reprec.getfailures()  # type: ignore[attr-defined]
    return "\n".join(report.longreprtext for report in reports)


def test_effect_recorded_waited_for_drifted_and_healed(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("settings.html", settings_page())
    project.case("cases/settings.yaml", CASE)
    trajectory = project.trajectory("cases/settings.yaml")
    project.run().assert_outcomes(passed=2)
    fill, save, _ = recorded_steps(trajectory)["save settings"]
    field = 'get_by_role("textbox", name="Name", exact=True)'
    # The case's value is recorded as its placeholder, like the action's value.
    assert fill["effect"] == {"values": [{"field": field, "value": "{{ who }}"}]}
    assert save["effect"] == {"appeared": [{"role": "alert", "text": "Saved"}]}
    recorded = trajectory.read_bytes()

    # The alert now comes 1.5 s late: replay waits for it instead of failing.
    site.page("settings.html", settings_page(delay_ms=1500))
    project.run("--webagent-mode=replay").assert_outcomes(passed=2)

    # The button still exists and is the same element, but it no longer saves.
    site.page("settings.html", settings_page("Could not save"))
    # Waited for inside the next step's first action, or, as the last step, right away: the
    # failure names the step whose effect did not come either way.
    drifted = project.run("--webagent-mode=replay")
    drifted.assert_outcomes(failed=2)
    text = failure_text(drifted)
    assert "effect drifted in case 'save settings'" in text
    assert "effect drifted in case 'save as the last step'" in text
    assert text.count('step 2: Click the "Save" button') == 2
    assert "found before step 3 acted" in text
    assert (
        'expected alert showing "Saved" appears, but it did not appear; the page holds alert '
        'showing "Could not save"' in text
    )
    assert 'recorded effect: alert showing "Saved" appears' in text
    assert 'step 2: Click the "Save" button' in text
    assert trajectory.read_bytes() == recorded

    # Missing mode re-plans it: the explicit step's actions stay, its effect is re-recorded.
    healed = project.run()
    healed.assert_outcomes(passed=2)
    healed.stdout.fnmatch_lines(["*2 re-planned after drift*"])
    steps = recorded_steps(trajectory)["save settings"]
    assert steps[1]["actions"] == save["actions"]
    assert "effect" not in steps[1]  # nothing of the recorded effect came
    assert steps[0] == fill


def test_model_told_that_nothing_changed_goes_on(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page(
        "form.html",
        "<h1>Contact</h1><button>Submit</button>"
        "<button onclick=\"this.insertAdjacentHTML('afterend', '<h2>Message sent</h2>')\">"
        "Send</button>",
    )
    project.case(
        "cases/form.yaml",
        """
        cases:
          - name: send the form
            url: /form.html
            steps:
              - Submit the form
        """,
    )
    with OpenAITestServer() as server:
        server.on(
            "Submit the form",
            [
                reply.act(reply.click(element("button", "Submit"))),
                reply.act(reply.click(element("button", "Send"))),
            ],
        )
        model = ("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")
        project.run(*model).assert_outcomes(passed=1)
        chats = server.chat_requests()
        assert len(chats) == 2
        assert NOTHING_CHANGED in json.dumps(chats[1].messages)
    (entry,) = recorded_steps(project.trajectory("cases/form.yaml"))["send the form"]
    assert [a["target"]["code"] for a in entry["actions"]] == [
        'get_by_role("button", name="Submit")',
        'get_by_role("button", name="Send")',
    ]
    assert entry["effect"] == {"appeared": [{"role": "heading", "name": "Message sent"}]}


def test_entries_without_effect_replay_unchecked(
    project: WebagentProject, site: StaticSite
) -> None:
    """Trajectories recorded before effects existed replay as before."""
    site.page("settings.html", settings_page())
    project.case("cases/settings.yaml", CASE)
    trajectory = project.trajectory("cases/settings.yaml")
    project.run().assert_outcomes(passed=2)
    data = json.loads(trajectory.read_text(encoding="utf-8"))
    for case in data["cases"].values():
        for entry in case["steps"]:
            entry.pop("effect", None)
    trajectory.write_text(json.dumps(data), encoding="utf-8")
    site.page("settings.html", settings_page("Could not save"))
    project.run("--webagent-mode=replay").assert_outcomes(passed=2)
    assert Path(trajectory).exists()


def test_replay_acts_on_a_new_page_only_once_its_deferred_scripts_ran(
    project: WebagentProject, site: StaticSite
) -> None:
    """Replay is faster than the recording: Enter pressed before the form's submit handler is
    attached would send the form natively (the page reloads, nothing is greeted). An action on a
    page the previous step opened waits for DOMContentLoaded, which follows deferred scripts; the
    check that follows need not (it waits for what it expects)."""
    site.page("start.html", "<a href='/form.html'>Form</a>")
    site.page(
        "form.html",
        "<form><label>Name <input name=who></label></form><p id=out>nobody</p>"
        "<script defer src='/slow/greet.js'></script>",
    )
    (site.root / "greet.js").write_text(
        "document.querySelector('form').addEventListener('submit', event => {"
        "  event.preventDefault();"
        "  document.getElementById('out').textContent = 'hello ' + event.target.who.value;"
        "});",
        encoding="utf-8",
    )
    project.case(
        "cases/greet.yaml",
        """
        name: greet
        url: /start.html
        steps:
          - Click the "Form" link
          - Fill "Name" with "Ada"
          - Press "Enter" in "Name"
          - expect: '"hello Ada" is visible'
        """,
    )
    project.run().assert_outcomes(passed=1)
    replayed = project.run("--webagent-mode=replay")
    replayed.assert_outcomes(passed=1)
    replayed.stdout.fnmatch_lines(["1 case, 4 steps: 4 replayed"])
    assert site.paths.count("/slow/greet.js") == 2  # loaded once per run: no native submit
