"""Which YAML files are case files: the ones whose top level names steps or cases.

With ``webagent = true`` every ``*.yaml`` under the test paths would otherwise be read as a case,
and a project's ``docker-compose.yml`` or ``.pre-commit-config.yaml`` would fail as a broken case.
A case file has ``steps:`` (one case) or ``cases:`` (several) at its top level; the singular
spellings count too, so that a typo is reported as one instead of the file being skipped. Only the
top level is looked at (or the items of a list at the top level, which is reported as a
mistake): a GitHub workflow has ``steps:``, but indented under its jobs. An empty file counts, so
that it is reported as empty rather than skipped.
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
    content = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not content:
        return True  # empty: reported as such ("a case file holds a mapping"), not skipped
    if content[0].startswith("["):
        return True  # a list in flow style: reported ("a case file holds a mapping")
    if content[0].startswith("{"):  # a mapping in flow style: any steps/cases key counts
        return _CASE_KEY.search(text) is not None
    if content[0].startswith("- "):  # a list at the top: its items' keys (`- name:`, `  steps:`)
        content = [line[2:] for line in content if line.startswith(("- ", "  "))]
    return any(_CASE_KEY.match(line) for line in content if line[:1] not in " \t")
