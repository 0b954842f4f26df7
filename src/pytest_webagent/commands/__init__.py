"""The subcommands of ``webagent`` (``cli.py`` wires them): show, prune, export, validate."""


def plural(count: int, noun: str, many: str = "") -> str:
    """``1 case file``, ``2 case files``; ``many`` for nouns that do not just take an s."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
