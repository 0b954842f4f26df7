"""Every artefact a run leaves behind, as text to search for planted secret values."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from pytest_webagent.testing import OpenAITestServer


def encodings(value: str) -> set[str]:
    """The forms in which a value can end up in text: as is, stripped, URL-encoded the ways
    browsers do (``%20`` or ``+``, ``~`` as ``%7E`` in forms), JSON-escaped, in a ``repr`` and
    regex-escaped (``re.compile('a\\-b')``)."""
    forms = {value, value.strip()}
    for form in list(forms):
        forms |= {quote(form, safe=""), quote_plus(form), form.encode("unicode_escape").decode()}
        forms |= {quote_plus(form, safe="").replace("~", "%7E"), repr(form)[1:-1]}
        forms |= {re.escape(form), repr(re.escape(form))[1:-1]}
    return {form for form in forms if form}


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    """Each file's bytes; a zip (a Playwright trace) member by member, decompressed."""
    for path in sorted(root.rglob("*")):
        # conftest.py is where a test that provides secrets from a fixture plants them.
        if not path.is_file() or path.name == "conftest.py":
            continue
        where = str(path.relative_to(root))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{where}:{member}", archive.read(member)
        else:
            yield where, path.read_bytes()


def run_artefacts(
    result: pytest.RunResult, project_root: Path, server: OpenAITestServer | None
) -> Iterator[tuple[str, bytes]]:
    """(where, content) for each place a run writes to: files (trajectories, the working store,
    Allure results, junit XML, traces), the terminal, and the requests the model received."""
    yield from files_under(project_root)
    yield "stdout", "\n".join(result.outlines).encode()
    yield "stderr", "\n".join(result.errlines).encode()
    if server is not None:
        for number, request in enumerate(server.requests, 1):
            yield f"model request {number}", request.raw_body


def leaks(artefacts: Iterable[tuple[str, bytes]], secrets: Iterable[str]) -> list[str]:
    """Where any form of any secret appears."""
    forms = {form.encode() for secret in secrets for form in encodings(secret)}
    return [where for where, content in artefacts for form in forms if form in content]
