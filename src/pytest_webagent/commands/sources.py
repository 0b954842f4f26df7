"""What a command-line PATH names: case files, test modules and their trajectory files.

A PATH is a folder (searched recursively, skipping the folders pytest skips by default), a case
file (``*.yaml``, ``*.yml``), a Python test module, or a trajectory file
(``__trajectories__/<name>.json``). Each source is paired with its trajectory file; either may be
missing (a case never run, a trajectory whose case file was deleted).
"""

from __future__ import annotations

import argparse
import fnmatch
from dataclasses import dataclass
from pathlib import Path

from pytest_webagent.cases.recognise import CASE_SUFFIXES, looks_like_case_file
from pytest_webagent.commands.inifile import ini_ignore_patterns
from pytest_webagent.replay.trajectory import TRAJECTORY_DIR, trajectory_path

MODULE_SUFFIX = ".py"
# pytest's default `norecursedirs`: where a folder walk does not look.
SKIPPED_DIRS = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


class UsageProblem(Exception):
    """The command line names something the command cannot work on (exit status 2)."""


@dataclass(frozen=True)
class Source:
    path: Path  # the case file or test module (it may no longer exist)
    trajectory: Path

    @property
    def is_case_file(self) -> bool:
        return self.path.suffix in CASE_SUFFIXES

    @property
    def is_module(self) -> bool:
        return self.path.suffix == MODULE_SUFFIX


def add_ignore_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="GLOB",
        help="glob of YAML files that are not case files, relative to the current folder "
        "(like the webagent_ignore ini option); may be repeated",
    )


# Glob patterns and the folder they are relative to: --ignore's (the current folder) and the ini
# file's webagent_ignore (its folder, the rootdir).
IgnoreRules = tuple[tuple[Path, tuple[str, ...]], ...]


def find_sources(paths: list[Path], ignore: tuple[str, ...] = ()) -> list[Source]:
    """The sources under ``paths`` in a stable order; ``UsageProblem`` for a path that is none.

    A folder walk skips what ``ignore`` (``--ignore``) and the ini's ``webagent_ignore`` name."""
    cwd = Path.cwd().resolve()
    rules: IgnoreRules = ((cwd, ignore), ini_ignore_patterns(cwd))
    found: dict[Path, Source] = {}
    for path in paths:
        for source in _sources(path, rules):
            found.setdefault(source.path, source)
    return list(found.values())


def _sources(path: Path, ignore: IgnoreRules) -> list[Source]:
    if not path.exists():
        raise UsageProblem(f"{path}: no such file or folder")
    if path.is_dir():
        return _walk(path, ignore)
    if path.parent.name == TRAJECTORY_DIR and path.suffix == ".json":
        source = source_of_trajectory(path)
        if source is None:
            raise UsageProblem(f"{path}: not a trajectory file (<case file name>.json)")
        return [Source(source, path)]
    if path.suffix in CASE_SUFFIXES or path.suffix == MODULE_SUFFIX:
        return [Source(path, trajectory_path(path))]
    raise UsageProblem(
        f"{path}: not a case file (.yaml, .yml), test module (.py), trajectory file or folder"
    )


def source_of_trajectory(path: Path) -> Path | None:
    """``cases/__trajectories__/login.yaml.json`` -> ``cases/login.yaml``; None for other files
    in the folder (such as the ``.unmerged-<run>.json`` files a failed merge leaves)."""
    name = path.name.removesuffix(".json")
    if name == path.name or Path(name).suffix not in (*CASE_SUFFIXES, MODULE_SUFFIX):
        return None
    return path.parent.parent / name


def _walk(folder: Path, ignore: IgnoreRules) -> list[Source]:
    sources: list[Source] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(_skipped_dir(part) for part in relative.parts[:-1]) or not path.is_file():
            continue
        if path.parent.name == TRAJECTORY_DIR:
            source = source_of_trajectory(path)
            if source is not None and not _ignored(source, ignore):
                sources.append(Source(source, path))
        elif _is_case_file(relative) and not _ignored(path, ignore) and looks_like_case_file(path):
            sources.append(Source(path, trajectory_path(path)))
    by_path = {source.path: source for source in sources}
    return sorted(by_path.values(), key=lambda source: source.path)


def _is_case_file(relative: Path) -> bool:
    return relative.suffix in CASE_SUFFIXES and TRAJECTORY_DIR not in relative.parts


def _skipped_dir(name: str) -> bool:
    return name != TRAJECTORY_DIR and any(fnmatch.fnmatch(name, p) for p in SKIPPED_DIRS)


def _ignored(path: Path, rules: IgnoreRules) -> bool:
    """Globs matched like ``webagent_ignore``: against the path relative to their folder, ``*``
    matching ``/`` too."""
    resolved = path.resolve()
    for base, patterns in rules:
        try:
            relative = resolved.relative_to(base).as_posix()
        except ValueError:
            relative = path.as_posix()
        if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
            return True
    return False
