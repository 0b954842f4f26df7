"""Every option of the plugin, declared once, resolved with one precedence rule.

Precedence: command line > ini file > environment variable > default. ``OPTIONS`` drives both the
registration with pytest and the resolution, and ``docs/configuration.md`` is checked against it,
so an option cannot exist without being documented.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .errors import ConfigurationError


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 3600:
        raise ValueError("must be a number of seconds between 0 and 3600")
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


@dataclass(frozen=True)
class OptionSpec:
    ini: str
    help: str
    default: str = ""
    cli: str | None = None
    env: str | None = None
    parse: Callable[[str], Any] = _text
    metavar: str = "VALUE"

    @property
    def dest(self) -> str:
        return self.ini


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "webagent_step_timeout",
        "Seconds a step may take to find its target and act or check (a step's own `timeout` "
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
        "webagent_browser_executable",
        "Path of the Chromium executable to launch when Playwright's own browser is not installed "
        "(default: found automatically).",
        cli="--webagent-browser-executable",
        env="WEBAGENT_BROWSER_EXECUTABLE",
        metavar="PATH",
    ),
)

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
    def browser_executable(self) -> Path | None:
        value = self.values["webagent_browser_executable"]
        return Path(value) if value else None


def register(parser: pytest.Parser) -> None:
    group = parser.getgroup("webagent", "natural-language web tests (pytest-webagent)")
    group.addoption(
        "--webagent", action="store_true", default=None, dest="webagent", help=FLAG_HELP
    )
    parser.addini("webagent", "Collect YAML case files without --webagent.", type="bool")
    parser.addini("webagent_ignore", IGNORE_HELP, type="linelist")
    for spec in OPTIONS:
        parser.addini(spec.ini, f"{spec.help} Default: {spec.default or 'none'}.")
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
            values[spec.ini] = spec.parse(raw) if raw != "" else raw
        except ValueError as error:
            raise ConfigurationError(f"{spec.ini} = {raw!r} (from {source}): {error}") from None
        sources[spec.ini] = source
    return Settings(values, sources, tuple(config.getini("webagent_ignore")))


def _lookup(config: pytest.Config, spec: OptionSpec, env: Any) -> tuple[str, str]:
    if spec.cli and config.getoption(spec.dest, None) is not None:
        return str(config.getoption(spec.dest)), f"command line {spec.cli}"
    ini_value = config.getini(spec.ini)
    if ini_value not in ("", None):
        return str(ini_value), f"ini {spec.ini}"
    if spec.env and env.get(spec.env, "") != "":
        return str(env[spec.env]), f"environment {spec.env}"
    return spec.default, "default"
