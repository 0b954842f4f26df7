"""``webagent`` / ``python -m pytest_webagent``: the trajectory command line.

Only the wiring lives here; each subcommand is a module of ``commands/``. Exit statuses: 0 when
all went well, 1 when a file is invalid or something could not be done (said on stderr), 2 for a
usage error (unknown option, a PATH that does not exist or is of the wrong kind).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pytest_webagent.commands import export, prune, show, validate
from pytest_webagent.commands.sources import UsageProblem

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webagent",
        description="Inspect, prune, export and validate pytest-webagent case files and their "
        "recorded trajectories.",
        epilog="Exit status: 0 success, 1 invalid files or work not done, 2 usage error. "
        "See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (show, prune, export, validate):
        command.add_parser(commands)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-webagent")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except UsageProblem as problem:
        print(f"webagent {args.command}: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `webagent show cases/ | head`: the reader went away. Point stdout at /dev/null so the
        # interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status
