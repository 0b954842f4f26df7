"""The subcommands of ``webagent`` (``cli.py`` wires them): show, prune, export, validate."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from pytest_webagent.commands.sources import add_ignore_option

Subcommands = argparse._SubParsersAction  # argparse exposes no public name for it


def add_command(
    commands: Subcommands[argparse.ArgumentParser],
    name: str,
    run: Callable[[argparse.Namespace], int],
    *,
    summary: str,
    description: str,
    path_help: str,
    many_paths: bool = False,
) -> argparse.ArgumentParser:
    """The parser of one subcommand, with what every subcommand takes: its PATH (or PATHs) and
    ``--ignore``; the caller adds the command's own options to it."""
    parser = commands.add_parser(name, help=summary, description=description)
    if many_paths:
        parser.add_argument("paths", type=Path, nargs="+", metavar="PATH", help=path_help)
    else:
        parser.add_argument("path", type=Path, metavar="PATH", help=path_help)
    add_ignore_option(parser)
    parser.set_defaults(run=run)
    return parser


def plural(count: int, noun: str, many: str = "") -> str:
    """``1 case file``, ``2 case files``; ``many`` for nouns that do not just take an s."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
