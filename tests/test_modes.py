"""Modes: `replay` (the CI default) never calls a model, `missing` plans only what is missing or
drifted, `refresh` re-resolves every step. A failing check fails in every mode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_webagent.testing import OpenAITestServer, element, reply
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

SHOP = (
    "<p id=log>log:</p>"
    "<script>function log(word) { document.getElementById('log').textContent += ' ' + word }"
    "</script>"
    "<button onclick=\"log('basket')\">Add to basket</button>"
    "<a href='#' onclick=\"log('checkout'); return false\">Checkout</a>"
)
CASE = """
    name: buy
    url: /shop.html
    steps:
      - Put the item in the basket
      - Go to checkout
      - expect: '"log: basket checkout" is visible'
    """


def failures(result: pytest.RunResult) -> dict[str, str]:
    """Failure text per case name (in-process runs only)."""
    reports = result.reprec.getfailures()  # type: ignore[attr-defined]
    return {report.nodeid.rsplit("::", 1)[1]: report.longreprtext for report in reports}


def script(server: OpenAITestServer) -> None:
    """Forget earlier requests and rules, then answer the two planned steps of ``CASE``."""
    server.reset()
    server.on("basket", reply.act(reply.click(element("button", "Add to basket"))))
    server.on("checkout", reply.act(reply.click(element("link", "Checkout"))))


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as running:
        script(running)
        yield running


def model_options(server: OpenAITestServer) -> tuple[str, str]:
    return "--webagent-model=test-model", f"--webagent-base-url={server.base_url}"


def test_ci_replays_planned_steps_with_no_model_call_and_no_key(
    project: WebagentProject,
    site: StaticSite,
    server: OpenAITestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.page("shop.html", SHOP)
    project.case("cases/buy.yaml", CASE)
    recorded = project.run(*model_options(server))
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(["1 case, 3 steps: 1 direct, 2 planned"])
    assert [chat.step for chat in server.chat_requests()] == [
        "Put the item in the basket",
        "Go to checkout",
    ]
    trajectory = project.trajectory("cases/buy.yaml").read_bytes()

    script(server)
    monkeypatch.setenv("CI", "true")  # and no OPENAI_API_KEY: the autouse fixture removed it
    replayed = project.run(*model_options(server))
    replayed.assert_outcomes(passed=1)
    replayed.stdout.fnmatch_lines(
        [
            "webagent: mode replay (default in CI (CI=true)), *",
            "1 case, 3 steps: 3 replayed",
            "model: 0 calls, *",
        ]
    )
    assert server.requests == []
    assert project.trajectory("cases/buy.yaml").read_bytes() == trajectory

    # A reworded step has no entry: replay mode explains instead of planning, with no model.
    project.case("cases/buy.yaml", CASE.replace("Go to checkout", "Go to the checkout"))
    missing = project.run()
    missing.assert_outcomes(failed=1)
    failure = failures(missing)["buy"]
    assert "no recorded trajectory for this step in case 'buy'" in failure
    assert "step 2: Go to the checkout" in failure
    assert "mode: replay" in failure
    assert "replay mode never plans, and this step has no recorded entry" in failure
    assert "nearest recorded step: 'Go to checkout' (reworded?)" in failure
    assert (
        "re-plan it with: pytest --webagent --webagent-step-timeout=3 --webagent-mode missing "
        "'cases/buy.yaml::buy'" in failure
    )
    assert server.requests == []
    assert project.trajectory("cases/buy.yaml").read_bytes() == trajectory


def test_refresh_re_resolves_every_step(
    project: WebagentProject, site: StaticSite, server: OpenAITestServer
) -> None:
    site.page("shop.html", SHOP)
    project.case("cases/buy.yaml", CASE)
    project.run(*model_options(server)).assert_outcomes(passed=1)
    path = project.trajectory("cases/buy.yaml")
    recorded = path.read_bytes()
    # A new banner changes what the model is shown, not the recorded targets: no drift.
    site.page("shop.html", "<h1>Spring sale</h1>" + SHOP)
    script(server)

    missing = project.run(*model_options(server))
    missing.stdout.fnmatch_lines(["1 case, 3 steps: 3 replayed"])
    assert server.requests == []

    refreshed = project.run(*model_options(server), "--webagent-mode=refresh")
    refreshed.assert_outcomes(passed=1)
    refreshed.stdout.fnmatch_lines(["1 case, 3 steps: 1 direct, 2 planned", "model: 2 calls, *"])
    assert [chat.step for chat in server.chat_requests()] == [
        "Put the item in the basket",
        "Go to checkout",
    ]
    # Same targets, same actions: the file is not rewritten just for new timestamps.
    refreshed.stdout.fnmatch_lines(["trajectory files written: 0"])
    assert path.read_bytes() == recorded


FORM = (
    "<label>Quantity <input name=qty value=1></label>"
    "<button onclick=\"document.querySelector('[name=qty]').value = {update}\">Double</button>"
    "<label>Email <input type=email data-testid={test_id} value=a@b.c></label>"
)


def test_a_failing_check_never_heals_and_a_replanned_one_is_flagged(
    project: WebagentProject, site: StaticSite
) -> None:
    site.page("form.html", FORM.format(update="2", test_id="email"))
    project.case(
        "cases/form.yaml",
        """
        cases:
          - name: doubles
            url: /form.html
            steps:
              - Click "Double"
              - expect: '"Quantity" has value "2"'
          - name: email
            url: /form.html
            steps:
              - expect: '"Email" has value "a@b.c"'
        """,
    )
    project.run().assert_outcomes(passed=2)
    path = project.trajectory("cases/form.yaml")
    recorded = path.read_bytes()
    # The app regresses (Double gives 3), and the email field gets a new test id (drift).
    site.page("form.html", FORM.format(update="3", test_id="email-field"))

    for mode in ("replay", "missing", "refresh"):
        result = project.run(f"--webagent-mode={mode}", timeout=2)  # a failing check waits it out
        failed = failures(result)
        assert "doubles" in failed, mode
        assert "check failed in case 'doubles'" in failed["doubles"], mode
        assert 'expected get_by_role("textbox", name="Quantity"' in failed["doubles"], mode
        assert "to have the value '2'" in failed["doubles"], mode
        if mode == "replay":
            result.assert_outcomes(failed=2)
            assert "target changed" in failed["email"]
            assert "test_id: 'email' -> 'email-field'" in failed["email"]
            assert path.read_bytes() == recorded
        if mode == "missing":
            result.assert_outcomes(passed=1, failed=1)
            result.stdout.fnmatch_lines(
                [
                    "2 cases, 3 steps: 2 passed (1 replayed, 1 re-planned after drift), 1 failed",
                    "review re-planned assertion: cases/form.yaml::email: "
                    '"Email" has value "a@b.c" (drift: target changed: *test_id*)',
                ]
            )
            assert steps(path)["doubles"] == steps(recorded)["doubles"]
            assert steps(path)["email"] != steps(recorded)["email"]
        if mode == "refresh":
            result.assert_outcomes(passed=1, failed=1)
            assert steps(path)["doubles"] == steps(recorded)["doubles"]


def steps(source: Path | bytes) -> dict[str, object]:
    text = source.read_bytes() if isinstance(source, Path) else source
    return {name: case["steps"] for name, case in json.loads(text)["cases"].items()}
