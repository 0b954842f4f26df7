"""Playwright traces that pytest-playwright kept for a case, and scrubbing secrets out of them.

pytest-playwright (``--tracing on|retain-on-failure``) saves a case's trace when the case's
fixtures are torn down and names it in the teardown report's ``user_properties``. Playwright
records every call's arguments, typed values included, and the pages' DOM and network bodies:
a trace of a case that used a secret is rewritten with the secret masked before anyone sees it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_webagent.secret_values import Secrets

TRACE_PROPERTY = "playwright_trace"


def kept_traces(config: pytest.Config, report: pytest.TestReport) -> Iterator[Path]:
    """The trace files pytest-playwright kept for the test of ``report`` (a teardown report)."""
    for name, value in report.user_properties:
        if name == TRACE_PROPERTY and isinstance(value, str):
            path = Path(config.invocation_params.dir, value)
            if path.is_file():
                yield path


def scrub_trace(path: Path, secrets: Secrets) -> None:
    """Rewrite the zip at ``path`` with every secret value in its text members masked."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".zip", delete=False) as handle:
        scrubbed = Path(handle.name)
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(scrubbed, "w") as target:
            for member in source.infolist():
                data = source.read(member)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    target.writestr(member, data)  # images: pixels, not text
                    continue
                target.writestr(member, secrets.mask(text).encode("utf-8"))
        os.replace(scrubbed, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            scrubbed.unlink()
