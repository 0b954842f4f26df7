"""Frames of other origins are never acted on: a page can embed any site and make it look like
part of itself (issue 15, break 2)."""

from __future__ import annotations

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.security.artefacts import leaks, run_artefacts
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

CARD = "4111-1111-frame-secret"
# The framed page reports every keystroke to its own server.
FIELD = """<label for=card>Card number</label>
<input id=card oninput="new Image().src = '/got?' + encodeURIComponent(this.value)">"""


def test_a_frame_of_another_origin_is_never_acted_on(
    project: WebagentProject,
    site: StaticSite,
    other: StaticSite,
    server: OpenAITestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBAGENT_SECRET_CARD", CARD)
    other.page("field.html", FIELD)
    site.page("own.html", FIELD.replace("Card number", "Own card"))
    site.page(
        "pay.html",
        f"<h1>Pay</h1><iframe title=Payment src='{other.url}/field.html'></iframe>"
        "<iframe title=Own src='/own.html'></iframe>",
    )
    fill = "{{ secrets.CARD }}"
    server.on("other frame", reply.act(reply.fill(element("textbox", "Card number"), fill)))
    server.on("own frame", reply.act(reply.fill(element("textbox", "Own card"), fill)))
    project.case(
        "cases/pay.yaml",
        """
        cases:
          - name: types into the other frame
            url: /pay.html
            steps:
              - Enter the card in the other frame
          - name: types into its own frame
            url: /pay.html
            steps:
              - Enter the card in the own frame
        """,
    )

    result = project.run("--webagent-model=test-model", f"--webagent-base-url={server.base_url}")

    result.assert_outcomes(passed=1, failed=1)
    assert [path for path in other.paths if path.startswith("/got")] == []
    assert any(path.startswith("/got") for path in site.paths)  # same-origin frames work
    result.stdout.fnmatch_lines(
        [f"*refused to fill *Card number* it is in a frame of another origin ({other.url}), and "
         "frames of other origins are never acted on*"]
    )  # fmt: skip
    assert leaks(run_artefacts(result, project.path, server), [CARD]) == []
