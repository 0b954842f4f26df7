"""``python -m pytest_webagent``: the same as the ``webagent`` command."""

from pytest_webagent.cli import main

raise SystemExit(main())
