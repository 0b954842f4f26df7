"""The ``webagent_ignore`` patterns of the project's pytest configuration, for the command line.

``webagent show|prune|export|validate`` walk folders as pytest collects them, so they skip what
the ini's ``webagent_ignore`` names, as pytest does. The configuration file is found as pytest
finds it: the first of ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` (with a
``[tool.pytest.ini_options]`` table), ``tox.ini`` (``[pytest]``) and ``setup.cfg``
(``[tool:pytest]``) in the current folder or the nearest parent that has one. Patterns are
relative to that file's folder, the rootdir.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path
from typing import Any

KEY = "webagent_ignore"
INI_SECTIONS = {"pytest.ini": "pytest", ".pytest.ini": "pytest", "tox.ini": "pytest",
                "setup.cfg": "tool:pytest"}  # fmt: skip


def ini_ignore_patterns(start: Path) -> tuple[Path, tuple[str, ...]]:
    """The rootdir and the ``webagent_ignore`` patterns of the configuration file that applies
    to ``start`` (``start`` and no patterns when there is none)."""
    for folder in (start, *start.parents):
        for name in ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
            path = folder / name
            if not path.is_file():
                continue
            found = _read(path)
            if found is not None:
                return folder, found
    return start, ()


def _read(path: Path) -> tuple[str, ...] | None:
    """The patterns of a configuration file, or None when it is not pytest's."""
    if path.name == "pyproject.toml":
        table = _pytest_table(path)
        if table is None:
            return None
        value = table.get(KEY, [])
        lines = value if isinstance(value, list) else str(value).splitlines()
        return tuple(str(line).strip() for line in lines if str(line).strip())
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return None
    section = INI_SECTIONS[path.name]
    if not parser.has_section(section):
        return None if path.name != "pytest.ini" else ()  # a pytest.ini always is pytest's
    raw = parser.get(section, KEY, fallback="")
    return tuple(line.strip() for line in raw.splitlines() if line.strip())


def _pytest_table(path: Path) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 has no tomllib; pytest depends on tomli there
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    table = data.get("tool", {}).get("pytest", {}).get("ini_options")
    return table if isinstance(table, dict) else None
