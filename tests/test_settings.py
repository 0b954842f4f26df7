"""Option precedence (CLI > ini > environment > default), the CI default and the header line."""

from __future__ import annotations

import pytest

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


def test_precedence_cli_over_ini_over_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBAGENT_MODEL", "from-env")
    assert "model from-env (environment WEBAGENT_MODEL)" in header(pytester)
    pytester.makeini("[pytest]\nwebagent_model = from-ini\n")
    assert "model from-ini (ini webagent_model)" in header(pytester)
    line = header(pytester, "--webagent-model=from-cli")
    assert "model from-cli (command line --webagent-model)" in line


def test_invalid_value_is_a_usage_error_naming_option_and_source(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nwebagent_step_timeout = soon\n")
    result = pytester.runpytest_inprocess("--co", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*webagent_step_timeout = 'soon' (from ini webagent_step_timeout)*"]
    )


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
