"""Drift: a recorded target that is gone, renamed, duplicated or replaced by another element.

Replay mode fails naming the recorded locator and what the page holds now; missing mode re-plans
only the drifted step (one model request per drifted step, one trajectory entry changed) and the
steps after it keep replaying.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

REPO = Path(__file__).resolve().parent.parent
LOG = (
    "<p id=log>log:</p>"
    "<script>function log(word) { document.getElementById('log').textContent += ' ' + word }"
    "</script>"
)
START = "<button onclick=\"log('a')\">Start</button>"
FINISH = "<button onclick=\"log('b')\">Finish</button>"


def button(name: str, word: str, extra: str = "") -> str:
    return f"<button {extra} onclick=\"log('{word}')\">{name}</button>"


# Per drift kind: the page before, the page after, the drifting step, and who the model picks.
KINDS: dict[str, dict[str, Any]] = {
    "removed": {
        "v1": button("Archive", "x"),
        # The button is gone; the same command is now a link.
        "v2": "<a href='#' onclick=\"log('x'); return false\">Archive</a>",
        "step": "File the item away",
        "v1 target": element("button", "Archive"),
        "v2 target": element("link", "Archive"),
    },
    "renamed": {
        "v1": button("Send", "x"),
        "v2": button("Submit", "x"),
        "step": "Deliver the message",
        "v1 target": element("button", "Send"),
        "v2 target": element("button", "Submit"),
    },
    "duplicated": {
        "v1": button("Save", "x"),
        "v2": button("Save", "x") + "<footer>" + button("Save", "wrong") + "</footer>",
        "step": "Store the changes",
        "v1 target": element("button", "Save"),
        "v2 target": element("button", "Save"),
    },
    "replaced": {
        # Same test id, so the recorded locator still resolves: to another control.
        "v1": button("Save draft", "x", "data-testid=primary"),
        "v2": button("Delete draft", "wrong", "data-testid=primary")
        + button("Save draft", "x", "data-testid=draft-save"),
        "step": "Keep the draft",
        "v1 target": element("button", "Save draft"),
        "v2 target": element("button", "Save draft"),
    },
}


def write_pages(site: StaticSite, version: str) -> None:
    for kind, spec in KINDS.items():
        site.page(f"{kind}.html", LOG + START + spec[version] + FINISH)


def write_cases(project: WebagentProject) -> None:
    cases = "".join(
        f"""
  - name: {kind}
    url: /{kind}.html
    steps:
      - Begin the work
      - {spec["step"]}
      - Wrap it up
      - expect: '"log: a x b" is visible'
"""
        for kind, spec in KINDS.items()
    )
    project.case("cases/drift.yaml", "cases:" + cases)


def script(server: OpenAITestServer, version: str) -> None:
    server.reset()
    server.on("Begin the work", reply.act(reply.click(element("button", "Start"))))
    server.on("Wrap it up", reply.act(reply.click(element("button", "Finish"))))
    for spec in KINDS.values():
        server.on(spec["step"], reply.act(reply.click(spec[f"{version} target"])))


def failures(result: pytest.RunResult) -> dict[str, str]:
    """Failure text per case name (in-process runs only)."""
    reports = result.reprec.getfailures()  # type: ignore[attr-defined]
    return {report.nodeid.rsplit("::", 1)[1]: report.longreprtext for report in reports}


def entries(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: case["steps"] for name, case in data["cases"].items()}


def test_each_drift_kind_fails_replay_and_is_replanned_alone_in_missing_mode(
    project: WebagentProject, site: StaticSite
) -> None:
    write_pages(site, "v1")
    write_cases(project)
    trajectory = project.trajectory("cases/drift.yaml")
    with OpenAITestServer() as server:
        model = ("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")
        script(server, "v1")
        project.run(*model).assert_outcomes(passed=4)
        recorded = trajectory.read_bytes()
        before = entries(trajectory)

        write_pages(site, "v2")
        script(server, "v2")
        replay = project.run(*model, "--webagent-mode=replay")
        replay.assert_outcomes(failed=4)
        assert server.requests == []
        assert trajectory.read_bytes() == recorded
        failed = failures(replay)
        for kind in KINDS:
            assert "recorded target drifted" in failed[kind]
            assert "replay mode never re-plans" in failed[kind]
            assert f"step 2: {KINDS[kind]['step']}" in failed[kind]
            code = before[kind][1]["actions"][0]["target"]["code"]
            assert f"recorded: {code}" in failed[kind]
            assert "re-plan it with: pytest --webagent --webagent-step-timeout=3" in failed[kind]
            assert f"--webagent-mode missing 'cases/drift.yaml::{kind}'" in failed[kind]
        assert "target removed" in failed["removed"]
        assert 'the page now holds: link "Archive"' in failed["removed"]
        assert "target removed" in failed["renamed"]
        assert re.search(r'the page now holds: .*button "Submit"', failed["renamed"])
        assert "target duplicated" in failed["duplicated"]
        assert "now matches 2 elements" in failed["duplicated"]
        assert 'the page now holds: button "Save", button "Save"' in failed["duplicated"]
        assert "target changed" in failed["replaced"]
        assert "name: 'Save draft' -> 'Delete draft'" in failed["replaced"]
        assert 'the page now holds: button "Delete draft"' in failed["replaced"]

        healed = project.run(*model)
        healed.assert_outcomes(passed=4)
        healed.stdout.fnmatch_lines(["4 cases, 16 steps: 12 replayed, 4 re-planned after drift"])
        # One model request per drifted step, none for the steps around it.
        asked = sorted(chat.step or "" for chat in server.chat_requests())
        assert asked == sorted(spec["step"] for spec in KINDS.values())
        after = entries(trajectory)
        for kind in KINDS:
            assert len(after[kind]) == 4
            unchanged = [0, 2, 3]
            assert [after[kind][i] for i in unchanged] == [before[kind][i] for i in unchanged]
            assert after[kind][1]["text"] == KINDS[kind]["step"]
            assert after[kind][1]["actions"] != before[kind][1]["actions"]
        assert 'name=\\"Archive\\"' in json.dumps(after["removed"][1]["actions"])
        assert "link" in after["removed"][1]["actions"][0]["target"]["selector"]
        assert after["replaced"][1]["actions"][0]["target"]["signature"]["name"] == "Save draft"

        server.reset()
        again = project.run(*model, "--webagent-mode=replay")
        again.assert_outcomes(passed=4)
        again.stdout.fnmatch_lines(["4 cases, 16 steps: 16 replayed"])
        assert server.requests == []


def test_demo_app_v2_drift_with_committed_trajectories(
    pytester: pytest.Pytester, demo_v2_url: str
) -> None:
    """The example trajectories (recorded on v1) against v2: explicit steps heal with no model."""
    shutil.copytree(REPO / "examples" / "cases", pytester.path / "cases")
    project = WebagentProject(pytester, demo_v2_url)
    trajectories = project.path / "cases" / "__trajectories__"
    committed = {p.name: p.read_bytes() for p in trajectories.iterdir()}
    login, todos = trajectories / "login.yaml.json", trajectories / "todos.yaml.json"
    selected = (
        "cases/login.yaml::sign in with valid credentials",
        "cases/todos.yaml::add todos with the button and with Enter",
    )

    replay = project.run(*selected, "--webagent-mode=replay")
    replay.assert_outcomes(failed=2)
    failed = failures(replay)
    sign_in = failed["sign in with valid credentials"]
    assert "target changed" in sign_in and "test_id: 'sign-in' -> 'login-submit'" in sign_in
    assert 'recorded: get_by_role("button", name="Sign in", exact=True)' in sign_in
    add = failed["add todos with the button and with Enter"]
    assert "target removed" in add and 'the page now holds: button "Add todo"' in add
    assert {p.name: p.read_bytes() for p in trajectories.iterdir()} == committed

    healed = project.run(*selected)
    healed.assert_outcomes(passed=2)
    healed.stdout.fnmatch_lines(["2 cases, 15 steps: 13 replayed, 2 re-planned after drift"])
    healed.stdout.fnmatch_lines(["model: 0 calls, *"])
    old_login, new_login = json.loads(committed[login.name]), json.loads(login.read_text())
    old_todos, new_todos = json.loads(committed[todos.name]), json.loads(todos.read_text())
    assert changed_entries(old_login, new_login) == [
        ("sign in with valid credentials", 'Click the "Sign in" button')
    ]
    assert changed_entries(old_todos, new_todos) == [
        ("add todos with the button and with Enter", 'Click the "Add" button')
    ]
    signature = new_login["cases"]["sign in with valid credentials"]["steps"][2]["actions"][0]
    assert signature["target"]["signature"]["test_id"] == "login-submit"

    # A model-planned step cannot heal without a model: the advice says how to get one, not to
    # re-run in the mode that just failed.
    planned = project.run("cases/high_level.yaml::sign in as the demo user and out again")
    planned.assert_outcomes(failed=1)
    report = failures(planned)["sign in as the demo user and out again"]
    assert "(cannot re-plan: this step is not explicit and no model is configured)" in report
    assert "or configure a model (webagent_model, WEBAGENT_MODEL)" in report
    assert "re-plan it with" not in report


def changed_entries(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """(case, step text) of every entry that differs between two trajectory documents."""
    assert old["cases"].keys() == new["cases"].keys()
    changed = []
    for name, case in old["cases"].items():
        fresh = new["cases"][name]["steps"]
        assert len(fresh) == len(case["steps"])
        changed += [(name, o["text"]) for o, n in zip(case["steps"], fresh, strict=True) if o != n]
    return changed
