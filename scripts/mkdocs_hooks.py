"""MkDocs hook (mkdocs.yml `hooks:`): the docs' Markdown reads the same on GitHub and on the site.

GitHub's tables split cells at every unescaped `|`, even inside a code span, so the docs write
`\\|` there (`(click\\|tap)`), and GitHub shows `|`. Python-Markdown already ignores pipes inside
code spans and would show the backslash, so table rows get their escapes removed before MkDocs
renders them.
"""

from __future__ import annotations

import re
from typing import Any

CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _unescape_pipes(match: re.Match[str]) -> str:
    ticks, code = match.group(1), match.group(2)
    return ticks + code.replace("\\|", "|") + ticks


def on_page_markdown(markdown: str, **_: Any) -> str:
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith("|"):
            lines[index] = CODE_SPAN.sub(_unescape_pipes, line)
    return "\n".join(lines)
