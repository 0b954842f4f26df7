"""The verbs beyond click and fill (double-click, right-click, hover to reveal, drag and drop,
upload, slow typing, key chords, scrolling, waiting), on a page built for them: recorded by the
direct resolver, replayed with no model at all, and exported to plain Playwright code that
passes without the plugin."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pytest_webagent.resolve.phrases import Intent, TargetQuery, parse_action
from pytest_webagent.resolve.verbs import DragIntent
from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.cli import invoke, run_exported
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

PHRASES: list[tuple[str, Intent]] = [
    ('Double-click "Buy milk"', Intent("double_click", TargetQuery("Buy milk", "point"))),
    ("double click on the 'Row' link", Intent("double_click", TargetQuery("Row", "point", "link"))),
    ('Right-click "Row menu"', Intent("right_click", TargetQuery("Row menu", "point"))),
    (
        'Drag "Card 3" to the "Done" heading',
        DragIntent(
            "drag",
            TargetQuery("Card 3", "point"),
            destination=TargetQuery("Done", "point", "heading"),
        ),
    ),
    (
        'Upload "fixtures/a.pdf" to "Attachment"',
        Intent("upload", TargetQuery("Attachment", "input"), {"file": "fixtures/a.pdf"}),
    ),
    (
        'Type "Sa" slowly into "Tags"',
        Intent("type", TargetQuery("Tags", "input"), {"value": "Sa", "delay": 50}),
    ),
    (
        'type "Sa" into the "Tags" field key by key',
        Intent("type", TargetQuery("Tags", "input"), {"value": "Sa", "delay": 50}),
    ),
    ('Scroll to "Footer"', Intent("scroll_into_view", TargetQuery("Footer", "point"))),
    ('Scroll "Footer" into view', Intent("scroll_into_view", TargetQuery("Footer", "point"))),
    (
        'Remember the text of "Order number" as order_id',
        Intent(
            "remember",
            TargetQuery("Order number", "any"),
            {"name": "order_id", "property": "text"},
        ),
    ),
    (
        'remember the value of "Token" as secret token',
        Intent(
            "remember",
            TargetQuery("Token", "input"),
            {"name": "token", "property": "value", "secret": True},
        ),
    ),
    ('Switch to the "Documentation" tab', Intent("switch_tab", fields={"title": "Documentation"})),
    ('Switch back to "Shop" window', Intent("switch_tab", fields={"title": "Shop"})),
    ("Close the tab", Intent("close_tab")),
    ('Press "Control+Shift+K"', Intent("press", fields={"key": "Control+Shift+K"})),
]
NOT_VERBS = [
    'Drag "Card 3"',  # nowhere to drop it
    'Upload "a.pdf"',  # nowhere to upload it
    'Remember the text of "Order number"',  # no name to use it by
    'Remember the text of "Order number" as order id',  # not an identifier
    'Type "Sa" slowly',
]


@pytest.mark.parametrize(("text", "intent"), PHRASES, ids=[text for text, _ in PHRASES])
def test_verb_phrasings(text: str, intent: Intent) -> None:
    assert parse_action(text) == intent


@pytest.mark.parametrize("text", NOT_VERBS)
def test_near_miss_verbs_are_not_explicit(text: str) -> None:
    assert parse_action(text) is None


VERBS_PAGE = """
<style>
  .item .delete { display: none; }
  .item:hover .delete { display: inline; }
  section { min-height: 40px; border: 1px solid; }
</style>
<ul><li class="item">Buy milk <button class="delete" onclick="say('Deleted')">Delete</button></li>
</ul>
<label ondblclick="say('Editing Buy milk')">Milk label</label>
<div oncontextmenu="event.preventDefault(); say('Context menu open')">Row menu</div>
<section aria-label="Todo"><h2>Todo</h2><div draggable="true" id="card">Card 3</div></section>
<section aria-label="Done" id="done"><h2>Done</h2></section>
<label>Attachment <input type="file" onchange="say('Attached ' + this.files[0].name)"></label>
<label>Tags <input id="tags"></label>
<p id="keys">0 keys</p>
<button onclick="setTimeout(() => say('Saved'), 300)">Save</button>
<p id="out"></p>
<div style="height: 3000px"></div>
<button id="far">Far button</button>
<script>
  function say(text) { document.getElementById("out").textContent = text; }
  let keys = 0;
  document.getElementById("tags").addEventListener("keydown", () => {
    document.getElementById("keys").textContent = ++keys + " keys";
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.shiftKey && event.key === "K") say("Palette open");
  });
  const card = document.getElementById("card"), done = document.getElementById("done");
  card.addEventListener("dragstart", (event) => event.dataTransfer.setData("text", "card"));
  done.addEventListener("dragover", (event) => event.preventDefault());
  done.addEventListener("drop", (event) => { event.preventDefault(); done.append(card);
    say("Dropped in Done"); });
  new IntersectionObserver((seen) => { if (seen[0].isIntersecting) say("Far seen"); })
    .observe(document.getElementById("far"));
</script>
"""

# (step, action type it records)
VERB_STEPS: list[tuple[str, str]] = [
    ('Hover over "Buy milk"', "hover"),
    ('Click "Delete"', "click"),
    ("expect: '\"Deleted\" is visible'", "expect_visible"),
    ('Double-click "Milk label"', "double_click"),
    ("expect: '\"Editing Buy milk\" is visible'", "expect_visible"),
    ('Right-click "Row menu"', "right_click"),
    ("expect: '\"Context menu open\" is visible'", "expect_visible"),
    ('Drag "Card 3" to "Done"', "drag"),
    ("expect: '\"Dropped in Done\" is visible'", "expect_visible"),
    ('Upload "fixtures/notes.txt" to "Attachment"', "upload"),
    ("expect: '\"Attached notes.txt\" is visible'", "expect_visible"),
    ('Type "sam" slowly into "Tags"', "type"),
    ("expect: '\"3 keys\" is visible'", "expect_visible"),
    ('Press "Control+Shift+K"', "press"),
    ("expect: '\"Palette open\" is visible'", "expect_visible"),
    ('Click "Save"', "click"),
    ('Wait for "Saved" to appear', "wait_for"),
    ('Scroll to "Far button"', "scroll_into_view"),
    ("expect: '\"Far seen\" is visible'", "expect_visible"),
]


def test_each_verb_records_replays_and_exports(
    project: WebagentProject,
    site: StaticSite,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("verbs.html", VERBS_PAGE, title="Verbs")
    (project.path / "cases" / "fixtures").mkdir(parents=True)
    (project.path / "cases" / "fixtures" / "notes.txt").write_text("notes", encoding="utf-8")
    steps = "\n".join(f"  - {step}" for step, _ in VERB_STEPS)
    project.case("cases/verbs.yaml", f"name: verbs\nurl: /verbs.html\nsteps:\n{steps}\n")

    project.run().assert_outcomes(passed=1)

    data = json.loads(project.trajectory("cases/verbs.yaml").read_text(encoding="utf-8"))
    recorded = [step["actions"] for step in data["cases"]["verbs"]["steps"]]
    assert [[action["type"] for action in step] for step in recorded] == [
        [kind] for _, kind in VERB_STEPS
    ]
    by_step = {text: actions[0] for (text, _), actions in zip(VERB_STEPS, recorded, strict=True)}
    assert by_step['Drag "Card 3" to "Done"']["destination"]["signature"]["name"] == "Done"
    assert by_step['Upload "fixtures/notes.txt" to "Attachment"']["file"] == "fixtures/notes.txt"
    assert by_step['Type "sam" slowly into "Tags"']["delay"] == 50

    # Replay mode never calls a model (none is configured): every step comes from the recording.
    replayed = project.run("--webagent-mode", "replay", "-v")
    replayed.assert_outcomes(passed=1)

    monkeypatch.chdir(project.path)
    outcome = invoke(capsys, "export", "cases", "--out", "exported")
    assert outcome.status == 0, outcome.err
    source = (project.path / "exported" / "test_verbs.py").read_text(encoding="utf-8")
    assert ".dblclick()" in source and '.click(button="right")' in source
    assert ".drag_to(" in source and ".press_sequentially(" in source
    assert '"../cases/fixtures/notes.txt"' in source
    run = run_exported(project.path / "exported", site.url)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output + source
    assert re.search(r"^1 passed in ", output, re.MULTILINE), output


OUTSIDE_CASES = """
cases:
  - name: outside the project
    url: /upload.html
    steps:
      - Upload "../../secret.txt" to "Attachment"
  - name: missing file
    url: /upload.html
    steps:
      - Upload "fixtures/none.pdf" to "Attachment"
"""


def test_uploads_stay_inside_the_project(
    project: WebagentProject, site: StaticSite, tmp_path: Path
) -> None:
    site.page("upload.html", '<label>Attachment <input type="file"></label>', title="Upload")
    project.case("cases/upload.yaml", OUTSIDE_CASES)
    (project.path.parent / "secret.txt").write_text("not for the page", encoding="utf-8")

    result = project.run()

    result.assert_outcomes(failed=2)
    output = result.stdout.str()
    assert "upload '../../secret.txt': the file is outside the project" in output
    assert "upload 'fixtures/none.pdf': no such file" in output
    assert not project.trajectory("cases/upload.yaml").exists()


MODEL_PAGE = """
<button ondblclick="say('Edited')">Milk</button>
<button oncontextmenu="event.preventDefault(); say('Menu open')">Row menu</button>
<button draggable="true" id="card">Card 3</button>
<section aria-label="Done" id="done" style="min-height: 40px"><h2>Done</h2></section>
<input type="file" aria-label="Attachment" onchange="say('Attached ' + this.files[0].name)">
<input aria-label="Tags" id="tags"><p id="keys">0 keys</p>
<p id="out"></p>
<div style="height: 3000px"></div>
<button>Far button</button>
<script>
  function say(text) { document.getElementById("out").textContent = text; }
  let keys = 0;
  document.getElementById("tags").addEventListener("keydown", () => {
    document.getElementById("keys").textContent = ++keys + " keys";
  });
  const card = document.getElementById("card"), done = document.getElementById("done");
  card.addEventListener("dragstart", (event) => event.dataTransfer.setData("text", "card"));
  done.addEventListener("dragover", (event) => event.preventDefault());
  done.addEventListener("drop", (event) => { event.preventDefault(); say("Dropped"); });
</script>
"""

MODEL_CASE = """
name: planned verbs
url: /model.html
steps:
  - Edit the milk entry
  - expect: '"Edited" is visible'
  - Open the row's menu
  - expect: '"Menu open" is visible'
  - Move the third card to done
  - expect: '"Dropped" is visible'
  - Attach the notes
  - expect: '"Attached notes.txt" is visible'
  - Enter the tag one key at a time
  - expect: '"3 keys" is visible'
  - Bring the far button into view
"""


def test_the_model_plans_each_verb_and_replay_needs_it_no_more(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("model.html", MODEL_PAGE, title="Planned verbs")
    (project.path / "cases" / "fixtures").mkdir(parents=True)
    (project.path / "cases" / "fixtures" / "notes.txt").write_text("notes", encoding="utf-8")
    project.case("cases/planned.yaml", MODEL_CASE)
    with OpenAITestServer() as server:
        server.on("milk entry", reply.act(reply.double_click(element("button", "Milk"))))
        server.on("row's menu", reply.act(reply.right_click(element("button", "Row menu"))))
        server.on(
            "third card",
            reply.act(reply.drag(element("button", "Card 3"), element("region", "Done"))),
        )
        server.on(
            "Attach the notes",
            reply.act(reply.upload(element("button", "Attachment"), "fixtures/notes.txt")),
        )
        server.on(
            "one key at a time", reply.act(reply.type_slowly(element("textbox", "Tags"), "abc"))
        )
        server.on("far button", reply.act(reply.scroll_into_view(element("button", "Far button"))))
        flags = ["--webagent-model=test-model", f"--webagent-base-url={server.base_url}"]

        project.run(*flags).assert_outcomes(passed=1)
        # The prompt offers every verb to the model.
        system = server.chat_requests()[0].messages[0]["content"]
        for verb in ("double_click", "right_click", "drag", "upload", "scroll_into_view", "type"):
            assert f'"{verb}"' in system
        asked = len(server.chat_requests())
        assert asked == 6

        project.run(*flags).assert_outcomes(passed=1)
        assert len(server.chat_requests()) == asked  # replayed: no model call

    data = json.loads(project.trajectory("cases/planned.yaml").read_text(encoding="utf-8"))
    drag = data["cases"]["planned verbs"]["steps"][4]["actions"][0]
    assert drag["type"] == "drag" and drag["destination"]["signature"]["name"] == "Done"


PYTHON_VERBS = """
from pytest_webagent import Agent, webagent


@webagent.case(url="/verbs.html")
def test_verbs(agent: Agent) -> None:
    agent.do('Double-click "Milk label"')
    agent.expect('"Editing Buy milk" is visible')
    agent.do('Drag "Card 3" to "Done"')
    agent.expect('"Dropped in Done" is visible')
    agent.do('Upload "fixtures/notes.txt" to "Attachment"')
    agent.expect('"Attached notes.txt" is visible')
"""


def test_the_verbs_work_from_python(project: WebagentProject, site: StaticSite) -> None:
    site.page("verbs.html", VERBS_PAGE, title="Verbs")
    (project.path / "fixtures").mkdir()
    (project.path / "fixtures" / "notes.txt").write_text("notes", encoding="utf-8")
    project.case("test_verbs.py", PYTHON_VERBS)

    project.run(timeout=10).assert_outcomes(passed=1)
    project.run("--webagent-mode", "replay", timeout=10).assert_outcomes(passed=1)

    steps = json.loads(project.trajectory("test_verbs.py").read_text(encoding="utf-8"))
    kinds = [s["actions"][0]["type"] for s in steps["cases"]["test_verbs"]["steps"]]
    assert kinds == ["double_click", "expect_visible", "drag", "expect_visible", "upload",
                     "expect_visible"]  # fmt: skip
