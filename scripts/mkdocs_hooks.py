"""MkDocs hook (mkdocs.yml `hooks:`): the docs' Markdown reads the same on GitHub and on the site,
and the built site's search works opened from disk.

GitHub's tables split cells at every unescaped `|`, even inside a code span, so the docs write
`\\|` there (`(click\\|tap)`), and GitHub shows `|`. Python-Markdown already ignores pipes inside
code spans and would show the backslash, so table rows get their escapes removed before MkDocs
renders them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

SEARCH_SCRIPT = Path(__file__).with_name("docs_search.js")

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


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: Any, **_: Any) -> None:
    """Make search work from ``file://``: MkDocs' search page runs a Web Worker that fetches
    ``search_index.json``, neither of which a page opened from disk may do, so its results spin
    for ever. The index is also written as a script (``search/search_index.js``) and MkDocs'
    ``search/main.js`` is replaced by ``docs_search.js``, which searches it in the page."""
    search = Path(config["site_dir"]) / "search"
    index = search / "search_index.json"
    if not index.is_file():
        return  # the search plugin is off: nothing to fix
    data = json.loads(index.read_text(encoding="utf-8"))
    script = "window.webagentSearchIndex = " + json.dumps(data, ensure_ascii=True) + ";\n"
    (search / "search_index.js").write_text(script, encoding="utf-8")
    shutil.copyfile(SEARCH_SCRIPT, search / "main.js")
    (search / "worker.js").unlink(missing_ok=True)  # nothing starts it any more
