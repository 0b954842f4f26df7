"""Option precedence (CLI > environment > ini > default), the CI default and the header lines."""

from __future__ import annotations

import pytest

from pytest_webagent.session import SESSION_KEY
from pytest_webagent.settings import OPTIONS


def header(pytester: pytest.Pytester, *args: str) -> str:
    result = pytester.runpytest_inprocess("--co", "-p", "no:cacheprovider", *args)
    return next(line for line in result.outlines if line.startswith("webagent:"))


def test_defaults_outside_ci(pytester: pytest.Pytester) -> None:
    line = header(pytester)
    assert "mode missing (default)" in line
    assert "resolver auto" in line
    assert "no model" in line
    assert "step timeout 10s" in line


def test_ci_defaults_to_replay(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert "mode replay (default in CI (CI=true))" in header(pytester)


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_ci_false_keeps_missing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    assert "mode missing (default)" in header(pytester)


def test_explicit_mode_wins_over_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("WEBAGENT_MODE", "refresh")
    assert "mode refresh (environment WEBAGENT_MODE)" in header(pytester)


def test_precedence_cli_over_environment_over_ini(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nwebagent_model = from-ini\nwebagent_mode = missing\n")
    assert "model from-ini (ini webagent_model)" in header(pytester)
    monkeypatch.setenv("WEBAGENT_MODEL", "from-env")
    monkeypatch.setenv("WEBAGENT_MODE", "replay")  # a CI job overriding the project's ini
    line = header(pytester)
    assert "model from-env (environment WEBAGENT_MODEL)" in line
    assert "mode replay (environment WEBAGENT_MODE)" in line
    line = header(pytester, "--webagent-model=from-cli")
    assert "model from-cli (command line --webagent-model)" in line


def test_header_says_where_every_value_that_is_not_a_default_came_from(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini(
        "[pytest]\nwebagent_step_timeout = 5\nwebagent_snapshot_tokens = 2000\n"
        "webagent_base_url = http://user:pw@127.0.0.1:9/v1\n"
    )
    monkeypatch.setenv("WEBAGENT_RESOLVER", "direct")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-never-shown")
    result = pytester.runpytest_inprocess(
        "--co", "-p", "no:cacheprovider", "--webagent-max-actions=3"
    )
    result.stdout.fnmatch_lines(
        [
            "webagent: mode missing (default), resolver direct (environment WEBAGENT_RESOLVER), "
            "no model, step timeout 5s (ini webagent_step_timeout)",
            "webagent: also set: webagent_base_url set (ini webagent_base_url), "
            "webagent_api_key set (environment OPENAI_API_KEY), "
            "webagent_max_actions 3 (command line --webagent-max-actions), "
            "webagent_snapshot_tokens 2000 (ini webagent_snapshot_tokens)",
        ]
    )
    assert "sk-never-shown" not in result.stdout.str()
    assert "pw@" not in result.stdout.str()


def test_invalid_value_is_a_usage_error_naming_option_and_source(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nwebagent_step_timeout = soon\n")
    result = pytester.runpytest_inprocess("--co", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*webagent_step_timeout = 'soon' (from ini webagent_step_timeout in *.ini): "
            "must be a number of seconds*"
        ]
    )


def test_a_zero_step_timeout_states_the_bounds_and_where_it_came_from(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    bounds = (
        "must be a number of seconds more than 0 and at most 3600: 0 is not a limit (Playwright "
        "reads a timeout of 0 as 'wait forever')*"
    )
    ini = pytester.makeini("[pytest]\nwebagent_step_timeout = 0\n")
    from_ini = pytester.runpytest_inprocess("--co", "-p", "no:cacheprovider")
    assert from_ini.ret == pytest.ExitCode.USAGE_ERROR
    from_ini.stderr.fnmatch_lines(
        [f"*webagent_step_timeout = '0' (from ini webagent_step_timeout in {ini}): {bounds}"]
    )
    monkeypatch.setenv("WEBAGENT_STEP_TIMEOUT", "0")
    from_env = pytester.runpytest_inprocess("--co", "-p", "no:cacheprovider")
    from_env.stderr.fnmatch_lines([f"*(from environment WEBAGENT_STEP_TIMEOUT): {bounds}"])
    from_cli = pytester.runpytest_inprocess(
        "--co", "-p", "no:cacheprovider", "--webagent-step-timeout", "0"
    )
    assert from_cli.ret == pytest.ExitCode.USAGE_ERROR
    from_cli.stderr.fnmatch_lines([f"*(from command line --webagent-step-timeout): {bounds}"])


def test_unknown_mode_lists_the_choices(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--co", "-p", "no:cacheprovider", "--webagent-mode=fast")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*must be one of replay, missing, refresh*"])


def test_api_key_is_never_shown_in_the_header(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(
        "--co", "-p", "no:cacheprovider", "--webagent-api-key=sk-secret-123", "--webagent-model=m"
    )
    assert "sk-secret-123" not in result.stdout.str() + result.stderr.str()


def test_every_option_is_registered_with_help(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest_inprocess("--help").stdout.str()
    for spec in OPTIONS:
        assert spec.ini in help_text
        if spec.cli:
            assert spec.cli in help_text
    assert "--webagent-prune" in help_text


def test_the_default_snapshot_budget_is_3000_tokens(pytester: pytest.Pytester) -> None:
    # benchmarks/snapshot_tokens.py: at 3,000 the median prompt is 2,872 tokens with every
    # step's target kept (at 6,000: 5,806).
    config = pytester.parseconfigure("-p", "no:cacheprovider")
    assert config.stash[SESSION_KEY].settings.int_value("webagent_snapshot_tokens") == 3000
