"""Optional actions (issue 13): `Click "Cancel" if it appears` acts when its target shows within a
short bound and otherwise passes as skipped, recorded so; replay runs it when its recorded target
is there and skips it when not, without failing the step or checking an effect it cannot have."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import invoke, run_exported
from tests.support.project import WebagentProject, recorded_steps
from tests.support.site import SAID_LOG, StaticSite

# A popup that opens when the field gets the focus and disables the form until it is dismissed
# (MiniWoB's login-user-popup does this), and a banner that shows on some loads only.
PAGE = (
    """
<p><label>Name</label><input id="name" oninput="say('name=' + this.value)"></p>
<button id="save" onclick="say('saved')">Save</button>
<div id="banner" {banner}><button onclick="say('later'); this.parentNode.remove()">Later</button>
</div>
"""
    + SAID_LOG
    + """
<script>
  let popupOn = {popup};  // once, as MiniWoB's
  document.getElementById("name").addEventListener("focus", () => {
    if (!popupOn) return;
    popupOn = false;
    document.querySelectorAll("input, #save").forEach(e => e.disabled = true);
    const popup = document.createElement("div");
    popup.id = "popup";
    popup.innerHTML = "<p>Exit to home page?</p><button>Cancel</button>";
    document.body.append(popup);
    popup.querySelector("button").onclick = () => {
      say("cancelled");
      popup.remove();
      document.querySelectorAll("input, #save").forEach(e => e.disabled = false);
    };
  });
</script>
"""
)


def page(*, popup: bool, banner: bool) -> str:
    return PAGE.replace("{banner}", "" if banner else "hidden").replace(
        "{popup}", "true" if popup else "false"
    )


CASE = """
name: optional
url: /form.html
vars:
  log: "{log}"
steps:
  - Click the "Name" field
  - Click "Cancel" if it appears
  - Fill "Name" with "ada"
  - Click the "Later" button if present
  - Click "Save"
  - expect: '"{{{{ log }}}}" is on the page'
"""


def test_optional_actions_record_and_replay_whatever_shows(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("form.html", page(popup=True, banner=False))
    project.case("cases/optional.yaml", CASE.format(log="cancelled, name=ada, saved"))

    recorded = project.run()

    recorded.assert_outcomes(passed=1)
    steps = recorded_steps(project.trajectory("cases/optional.yaml"))["optional"]
    cancel, later = steps[1]["actions"][0], steps[3]["actions"][0]
    # The popup showed: the action ran on the element found, with its identity.
    assert cancel["optional"] is True and "skipped" not in cancel
    assert cancel["target"]["code"] == 'get_by_role("button", name="Cancel", exact=True)'
    assert cancel["target"]["signature"]["name"] == "Cancel"
    # The banner did not: skipped, with what replay is to look for.
    assert later["optional"] is True and later["skipped"] is True
    assert later["target"]["code"] == 'get_by_role("button", name="Later", exact=True)'
    assert "signature" not in later["target"]

    # No popup now, and the banner shows: the one is skipped (its recorded effect, the popup
    # going away, is not waited for), the other clicked.
    site.page("form.html", page(popup=False, banner=True))
    project.case("cases/optional.yaml", CASE.format(log="name=ada, later, saved"))
    replayed = project.run("--webagent-mode=replay")
    replayed.assert_outcomes(passed=1)

    # A step that is not optional still fails when its target is missing.
    project.case(
        "cases/optional.yaml",
        CASE.format(log="name=ada, saved").replace(" if present", ""),
    )
    site.page("form.html", page(popup=False, banner=False))
    before = project.trajectory("cases/optional.yaml").read_bytes()
    missing = project.run("--webagent-mode=refresh", timeout=1)
    missing.assert_outcomes(failed=1)
    missing.stdout.fnmatch_lines(["*no element named 'Later' appeared within 1s*"])
    # The failed case wrote nothing: the optional actions stay as recorded.
    assert project.trajectory("cases/optional.yaml").read_bytes() == before
    data = json.loads(before)
    assert data["cases"]["optional"]["steps"][1]["actions"][0]["optional"] is True


CANCEL_ONLY = """
name: cancel only
url: /form.html
steps:
  - Click the "Name" field
  - Click "Cancel" if it appears
  - Fill "Name" with "ada"
  - Click "Save"
  - expect: '"name=ada, saved" is on the page'
"""


def test_an_exported_optional_action_acts_only_when_its_target_appears(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("form.html", page(popup=True, banner=False))
    project.case("cases/cancel.yaml", CANCEL_ONLY.replace('"name=ada', '"cancelled, name=ada'))
    project.run().assert_outcomes(passed=1)  # recorded with the popup: Cancel was clicked
    monkeypatch.chdir(project.path)

    outcome = invoke(capsys, "export", "cases", "--out", "exported")

    assert outcome.status == 0, outcome.err
    source = (project.path / "exported" / "test_cancel.py").read_text(encoding="utf-8")
    assert "with suppress(Error):  # only if it appears within 2000 ms" in source
    assert "effect not exported: an optional action may not run" in source
    # With the popup the exported test dismisses it; without it, it goes on (the check of the
    # case's last step says which happened).
    assert run_exported(project.path / "exported", site.url).returncode == 0
    site.page("form.html", page(popup=False, banner=False))
    exported = (project.path / "exported" / "test_cancel.py").read_text(encoding="utf-8")
    (project.path / "exported" / "test_cancel.py").write_text(
        exported.replace("cancelled, name=ada", "name=ada"), encoding="utf-8"
    )
    without = run_exported(project.path / "exported", site.url)
    assert without.returncode == 0, without.stdout + without.stderr
