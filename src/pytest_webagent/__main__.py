"""``python -m pytest_webagent``: the same as the ``webagent`` command."""

from .cli import main

raise SystemExit(main())
