"""``webagent export PATH --out DIR``: plain pytest-playwright test modules from the recordings.

One module per case file, one test per case (its parametrize rows as `@pytest.mark.parametrize`),
no import of pytest_webagent.
A case that cannot be exported faithfully (a step not recorded, unsafe locator code) is left out
with a message on stderr and the exit status 1; the module keeps the cases that could be.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.cases.model import Case
from pytest_webagent.commands import Subcommands, add_command, plural
from pytest_webagent.commands.export_case import CaseNotExportable, ExportedCase, export_case
from pytest_webagent.commands.export_module import function_name, module_name, module_source
from pytest_webagent.commands.export_rows import export_rows
from pytest_webagent.commands.locator_code import Imports
from pytest_webagent.commands.sources import Source, UsageProblem, find_sources
from pytest_webagent.errors import CaseFileError, TrajectoryFileError
from pytest_webagent.replay.trajectory import TrajectoryFile


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "export",
        run,
        summary="write plain pytest-playwright tests from the recorded trajectories",
        description="Write one pytest-playwright test module per case file into DIR, one test "
        "per case (parametrize rows as @pytest.mark.parametrize), performing the recorded actions "
        "and checks. The tests do "
        "not use pytest-webagent; run them with pytest --base-url URL.",
        path_help="case file or folder",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out}: exists and is not a folder")
    sources = find_sources([args.path], tuple(args.ignore))
    case_files = [s for s in sources if s.is_case_file and s.path.exists()]
    skipped = [s for s in sources if s.is_module]
    if not case_files:
        if skipped:
            print(f"webagent export: Python test modules are not exported: {args.path}",
                  file=sys.stderr)  # fmt: skip
        else:
            print(f"webagent export: no case files under {args.path}", file=sys.stderr)
        return 1
    base = args.path if args.path.is_dir() else args.path.parent
    modules: set[str] = set()
    total = _Tally()
    for source in case_files:
        name = module_name(source.path.relative_to(base), modules)
        _export_file(source, out / f"{name}.py", total)
    for source in skipped:
        print(f"skipped {source.trajectory}: trajectories of Python test modules are not exported")
    if total.tags:
        print(
            f"note: the cases' tags are marks of the tests ({', '.join(sorted(total.tags))}); "
            "declare them in the `markers` ini option (pytest warns about undeclared marks)"
        )
    files = plural(len(case_files), "case file")
    summary = f"exported {plural(total.tests, 'test')} from {files} to {out}"
    if total.failures:
        print(f"{summary}; {total.failures} not exported (see above)", file=sys.stderr)
        return 1
    print(summary)
    return 0


@dataclass
class _Tally:
    tests: int = 0
    failures: int = 0  # cases, or whole files that could not be read
    tags: set[str] = field(default_factory=set)


def _export_file(source: Source, target: Path, total: _Tally) -> None:
    """Write the module of one case file, with the cases that can be exported."""
    where = source.path.as_posix()
    try:
        cases = load_cases(source.path)
        trajectory = TrajectoryFile.load(source.trajectory)
    except (CaseFileError, TrajectoryFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        total.failures += 1
        return
    imports, names = Imports(), set[str]()
    functions: list[str] = []
    tests = 0  # a parametrized test counts its rows: the tests pytest will run
    uses_pytest = uses_suppress = False
    for rows in _by_case(cases):
        for case, exported, count in _exported(rows, trajectory, names, where, imports, target):
            if exported is None:
                total.failures += 1
                continue
            for warning in exported.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            functions.append(exported.source)
            total.tags.update(case.tags)
            tests += count
            uses_pytest |= exported.uses_pytest
            uses_suppress |= exported.uses_suppress
    if not functions:
        print(f"error: {where}: no case could be exported; {target} not written", file=sys.stderr)
        return
    text = module_source(
        where, source.trajectory.as_posix(), functions, imports, uses_pytest, uses_suppress
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({plural(tests, 'test')} from {where})")
    total.tests += tests


def _by_case(cases: list[Case]) -> list[list[Case]]:
    """The cases of a file, the parametrize rows of each case together (they are consecutive)."""
    groups: list[list[Case]] = []
    for case in cases:
        if groups and case.param_id and groups[-1][0].name == case.name:
            groups[-1].append(case)
        else:
            groups.append([case])
    return groups


def _exported(
    rows: list[Case],
    trajectory: TrajectoryFile,
    names: set[str],
    where: str,
    imports: Imports,
    target: Path,
) -> list[tuple[Case, ExportedCase | None, int]]:
    """The test function of each case and how many tests it runs: one function for all the rows
    of a parametrized case when they recorded the same code, else one per row; None (and a
    message) for a case that cannot be exported."""
    out = target.parent
    if len(rows) > 1:
        shared = replace(rows[0], param_id="")  # test_<case name>, without a row's id
        name = function_name(shared, set(names))
        together = export_rows(rows, trajectory, name, where, imports, out)
        if together is not None:
            names.add(name)
            return [(rows[0], together, len(rows))]
    results: list[tuple[Case, ExportedCase | None, int]] = []
    for case in rows:
        case_imports = Imports()  # merged only if the case is exported: no unused import
        try:
            exported = export_case(
                case, trajectory, function_name(case, names), where, case_imports, out
            )
        except CaseNotExportable as problem:
            print(f"error: {problem}; case not exported", file=sys.stderr)
            results.append((case, None, 0))
            continue
        imports.modules |= case_imports.modules
        results.append((case, exported, 1))
    return results
