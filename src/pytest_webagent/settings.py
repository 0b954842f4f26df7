"""Every option of the plugin, declared once, resolved with one precedence rule.

Precedence: command line > environment variable > ini file > default, as in most tools: the ini is
the project's shared choice, the environment the choice of this machine or CI job, the command line
the choice of this run. ``OPTIONS`` drives both the
registration with pytest and the resolution, and ``docs/configuration.md`` is checked against it,
so an option cannot exist without being documented.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from pytest_webagent.browser.origins import parse_allowed_origins
from pytest_webagent.errors import ConfigurationError

# Why 0 is refused: Playwright reads a timeout of 0 as "no limit", so a step would wait forever on
# a page that never shows its target.
SECONDS_BOUNDS = (
    "must be a number of seconds more than 0 and at most 3600: 0 is not a limit (Playwright "
    "reads a timeout of 0 as 'wait forever'), and one hour is the longest one wait or one model "
    "call may take"
)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("must be a number of seconds (write 10, not 10s)") from None
    if not 0 < value <= 3600:  # NaN fails this comparison too
        raise ValueError(SECONDS_BOUNDS)
    return value


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def _text(text: str) -> str:
    return text.strip()


def _path(text: str) -> str:
    if not text.strip():
        raise ValueError("must be a directory path")
    return text.strip()


def _count(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return parse


TRUE_WORDS = ("1", "true", "yes", "on")


def running_in_ci(environ: Any) -> bool:
    return str(environ.get("CI", "")).strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class OptionSpec:
    ini: str
    help: str
    default: str = ""
    cli: str | None = None
    env: str | None = None
    parse: Callable[[str], Any] = _text
    metavar: str = "VALUE"
    ini_type: Literal["linelist"] | None = None  # a linelist also takes a TOML list

    @property
    def dest(self) -> str:
        return self.ini


MODES = ("replay", "missing", "refresh")

OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "webagent_mode",
        "replay: only replay trajectories, never call a model; missing: plan missing and drifted "
        "steps; refresh: re-plan every step. Default: missing, or replay when CI is true.",
        default="missing",
        cli="--webagent-mode",
        env="WEBAGENT_MODE",
        parse=_choice(*MODES),
        metavar="replay|missing|refresh",
    ),
    OptionSpec(
        "webagent_model",
        "Model name for planning (any OpenAI-compatible server); without one, only explicit "
        "steps run.",
        cli="--webagent-model",
        env="WEBAGENT_MODEL",
        metavar="NAME",
    ),
    OptionSpec(
        "webagent_base_url",
        "Base URL of the OpenAI-compatible API, e.g. http://localhost:8000/v1 for vLLM. "
        "Default: the openai client's (api.openai.com).",
        cli="--webagent-base-url",
        env="OPENAI_BASE_URL",
        metavar="URL",
    ),
    OptionSpec(
        "webagent_api_key",
        "API key for the model server. Prefer the environment variable: a key in an ini file or "
        "on a command line is easily leaked.",
        cli="--webagent-api-key",
        env="OPENAI_API_KEY",
        metavar="KEY",
    ),
    OptionSpec(
        "webagent_llm_timeout",
        "Seconds one model request may take, its whole answer included.",
        default="60",
        cli="--webagent-llm-timeout",
        env="WEBAGENT_LLM_TIMEOUT",
        parse=_positive_seconds,
        metavar="SECONDS",
    ),
    OptionSpec(
        "webagent_llm_retries",
        "Retries of the openai client on connection errors, 429 and 5xx (it honours retry-after).",
        default="2",
        cli="--webagent-llm-retries",
        env="WEBAGENT_LLM_RETRIES",
        parse=_count(0, 10),
        metavar="N",
    ),
    OptionSpec(
        "webagent_answer_retries",
        "How many times an invalid model answer is sent back with the error before the step fails.",
        default="2",
        cli="--webagent-answer-retries",
        env="WEBAGENT_ANSWER_RETRIES",
        parse=_count(0, 10),
        metavar="N",
    ),
    OptionSpec(
        "webagent_max_actions",
        "Most actions the model may take for one step before the step fails.",
        default="10",
        cli="--webagent-max-actions",
        env="WEBAGENT_MAX_ACTIONS",
        parse=_count(1, 100),
        metavar="N",
    ),
    OptionSpec(
        "webagent_effect_reflections",
        "How many times a model is told that its actions for a step changed nothing on the page, "
        "and may go on, before the step is recorded.",
        default="1",
        cli="--webagent-effect-reflections",
        env="WEBAGENT_EFFECT_REFLECTIONS",
        parse=_count(0, 5),
        metavar="N",
    ),
    OptionSpec(
        "webagent_snapshot_tokens",
        "Token budget for the page snapshot in one prompt; larger snapshots are pruned.",
        default="3000",
        cli="--webagent-snapshot-tokens",
        env="WEBAGENT_SNAPSHOT_TOKENS",
        parse=_count(500, 200_000),
        metavar="TOKENS",
    ),
    OptionSpec(
        "webagent_screenshots",
        "Screenshots attached to Allure results: on (after every step), failure (at a failure and "
        "of the final page), off.",
        default="failure",
        cli="--webagent-screenshots",
        env="WEBAGENT_SCREENSHOTS",
        parse=_choice("on", "failure", "off"),
        metavar="on|failure|off",
    ),
    OptionSpec(
        "webagent_cache_dir",
        "Directory of the working store (pending trajectory updates, memo of model answers).",
        default=".webagent-cache",
        cli="--webagent-cache-dir",
        env="WEBAGENT_CACHE_DIR",
        parse=_path,
        metavar="DIR",
    ),
    OptionSpec(
        "webagent_step_timeout",
        "Seconds each wait, action and check of a step may take (a step's own `timeout` "
        "overrides it).",
        default="10",
        cli="--webagent-step-timeout",
        env="WEBAGENT_STEP_TIMEOUT",
        parse=_positive_seconds,
        metavar="SECONDS",
    ),
    OptionSpec(
        "webagent_resolver",
        "Who resolves steps: auto (explicit steps directly, others by the model), direct (never a "
        "model), llm (always the model).",
        default="auto",
        cli="--webagent-resolver",
        env="WEBAGENT_RESOLVER",
        parse=_choice("auto", "direct", "llm"),
        metavar="auto|direct|llm",
    ),
    OptionSpec(
        "webagent_allowed_origins",
        "Origins (scheme://host[:port]) pages may go to besides the base URL's and those a case "
        "names itself (its url: and Go to steps); blanks, commas or lines between them; * for "
        "any. Default: none more.",
        cli="--webagent-allowed-origins",
        env="WEBAGENT_ALLOWED_ORIGINS",
        parse=parse_allowed_origins,
        metavar="ORIGINS",
        ini_type="linelist",
    ),
    OptionSpec(
        "webagent_report_md",
        "Write the drift report (steps healed or failed after drift) as Markdown to this file. "
        "Default: none (it is still appended to $GITHUB_STEP_SUMMARY when that is set and "
        "something drifted).",
        cli="--webagent-report-md",
        env="WEBAGENT_REPORT_MD",
        metavar="PATH",
    ),
    OptionSpec(
        "webagent_browser_executable",
        "Path of the Chromium or Chrome executable to launch (default: Playwright's own "
        "Chromium, else one found on the system).",
        cli="--webagent-browser-executable",
        env="WEBAGENT_BROWSER_EXECUTABLE",
        metavar="PATH",
    ),
)

PRUNE_HELP = "Remove trajectory entries that no selected case uses (reported at the end otherwise)."
FLAG_HELP = "Collect *.yaml/*.yml files under the given paths as natural-language test cases."
IGNORE_HELP = "Glob patterns (relative to the rootdir) of YAML files that are not case files."


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()

    @property
    def step_timeout_ms(self) -> float:
        return float(self.values["webagent_step_timeout"]) * 1000

    @property
    def resolver(self) -> str:
        return str(self.values["webagent_resolver"])

    @property
    def mode(self) -> str:
        return str(self.values["webagent_mode"])

    @property
    def model(self) -> str:
        return str(self.values["webagent_model"])

    @property
    def screenshots(self) -> str:
        return str(self.values["webagent_screenshots"])

    @property
    def cache_dir(self) -> Path:
        return Path(self.values["webagent_cache_dir"])

    def int_value(self, name: str) -> int:
        return int(self.values[name])

    def float_value(self, name: str) -> float:
        return float(self.values[name])

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        return tuple(self.values.get("webagent_allowed_origins") or ())

    @property
    def report_md(self) -> Path | None:
        value = self.values["webagent_report_md"]
        return Path(value) if value else None

    @property
    def browser_executable(self) -> Path | None:
        value = self.values["webagent_browser_executable"]
        return Path(value) if value else None


def register(parser: pytest.Parser) -> None:
    group = parser.getgroup("webagent", "natural-language web tests (pytest-webagent)")
    group.addoption(
        "--webagent", action="store_true", default=None, dest="webagent", help=FLAG_HELP
    )
    group.addoption("--webagent-prune", action="store_true", dest="webagent_prune", help=PRUNE_HELP)
    parser.addini("webagent", "Collect YAML case files without --webagent.", type="bool")
    parser.addini("webagent_ignore", IGNORE_HELP, type="linelist")
    for spec in OPTIONS:
        default = "" if "Default" in spec.help else f" Default: {spec.default or 'none'}."
        parser.addini(spec.ini, spec.help + default, type=spec.ini_type)
        if spec.cli:
            group.addoption(spec.cli, dest=spec.dest, metavar=spec.metavar, help=spec.help)


def collecting_cases(config: pytest.Config) -> bool:
    return bool(config.getoption("webagent") or config.getini("webagent"))


def resolve(config: pytest.Config, environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for spec in OPTIONS:
        raw, source = _lookup(config, spec, env)
        try:
            values[spec.ini] = spec.parse(raw) if raw != "" or spec.default else raw
        except ValueError as error:
            where = source
            if source.startswith("ini ") and config.inipath is not None:
                where = f"{source} in {config.inipath}"  # the file to edit
            raise ConfigurationError(f"{spec.ini} = {raw!r} (from {where}): {error}") from None
        sources[spec.ini] = source
    if sources["webagent_mode"] == "default" and running_in_ci(env):
        ci_value = env.get("CI", "")
        values["webagent_mode"], sources["webagent_mode"] = (
            "replay",
            f"default in CI (CI={ci_value})",
        )
    if values["webagent_cache_dir"] and not Path(values["webagent_cache_dir"]).is_absolute():
        values["webagent_cache_dir"] = str(config.rootpath / values["webagent_cache_dir"])
    return Settings(values, sources, tuple(config.getini("webagent_ignore")))


HEADER_OPTIONS = ("webagent_mode", "webagent_model", "webagent_resolver", "webagent_step_timeout")
HIDDEN_VALUES = ("webagent_api_key", "webagent_base_url")  # a key, or credentials in a URL


def origin_note(source: str) -> str:
    """`` (environment X)`` after a value in the header; nothing for a default."""
    return "" if source == "default" else f" ({source})"


def other_set_values(settings: Settings) -> list[str]:
    """``name value (source)`` of every option set somewhere but not shown on the header's first
    line, so the header says where every value that is not a default came from."""
    shown = []
    for spec in OPTIONS:
        source = settings.sources.get(spec.ini, "default")
        if spec.ini in HEADER_OPTIONS or source == "default":
            continue
        value = settings.values[spec.ini]
        if spec.ini in HIDDEN_VALUES:
            text = "set"
        elif isinstance(value, tuple):
            text = " ".join(value)
        else:
            text = f"{value:g}" if isinstance(value, float) else str(value)
        shown.append(f"{spec.ini} {text} ({source})")
    return shown


def _lookup(config: pytest.Config, spec: OptionSpec, env: Any) -> tuple[str, str]:
    if spec.cli and config.getoption(spec.dest, None) is not None:
        # An empty value on the command line is a mistake, not "use the default": it is parsed
        # (and rejected) like any other, except for options whose empty value means "none".
        return str(config.getoption(spec.dest)), f"command line {spec.cli}"
    if spec.env and env.get(spec.env, "") != "":
        return str(env[spec.env]), f"environment {spec.env}"
    ini_value = config.getini(spec.ini)
    if isinstance(ini_value, list):  # a linelist: lines of an ini value, or a TOML list
        ini_value = "\n".join(str(line) for line in ini_value)
    if ini_value not in ("", None):
        return str(ini_value), f"ini {spec.ini}"
    return spec.default, "default"
