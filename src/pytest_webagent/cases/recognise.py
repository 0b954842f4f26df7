"""Which YAML files are case files: the ones whose top level names steps or cases.

With ``webagent = true`` every ``*.yaml`` under the test paths would otherwise be read as a case,
and a project's ``docker-compose.yml`` or ``.pre-commit-config.yaml`` would fail as a broken case.
A case file has ``steps:`` (one case) or ``cases:`` (several) at its top level; the singular
spellings count too, so that a typo is reported as one instead of the file being skipped. Only the
top level is looked at: a GitHub workflow has ``steps:``, but indented under its jobs.
"""

from __future__ import annotations

import re
from pathlib import Path

CASE_SUFFIXES = (".yaml", ".yml")
# `steps:` / `cases:` (or `step:` / `case:`, quoted or not) starting a line, or after `{` or `,`
# for a case written in flow style on one line: `{name: x, steps: [...]}`.
_CASE_KEY = re.compile(r"""(?:^|[{,][ \t]*)["']?(?:steps?|cases?)["']?[ \t]*:""", re.MULTILINE)
READ_LIMIT = 2_000_000  # a case file is at most this big (yamlsource.MAX_FILE_BYTES)


def looks_like_case_file(path: Path) -> bool:
    """Whether ``path`` (a YAML file) has a case file's top-level keys; an unreadable file does,
    so that reading it reports why."""
    try:
        with path.open("rb") as file:
            head = file.read(READ_LIMIT)
    except OSError:
        return True
    text = head.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):  # flow style: one mapping; any steps/cases key counts
        return _CASE_KEY.search(text) is not None
    return any(_CASE_KEY.match(line) for line in text.splitlines() if line[:1] not in " \t#")
