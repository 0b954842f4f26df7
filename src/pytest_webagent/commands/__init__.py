"""The subcommands of ``webagent`` (``cli.py`` wires them): show, prune, export, validate."""
