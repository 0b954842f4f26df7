"""Fixtures for the example cases: serve the demo app for the test session.

``pytest examples/`` runs the cases against demo app v1,
``WEBAGENT_DEMO_VERSION=2 pytest examples/`` against v2 (to see drift), and
``pytest examples/ --base-url http://...`` against your own deployment instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# examples/ is not a package, and pytest may import this conftest in a mode that
# does not put its directory on sys.path (--import-mode=importlib), so add it
# ourselves to make `demo_app` importable either way.
_EXAMPLES_DIR = str(Path(__file__).resolve().parent)
if _EXAMPLES_DIR not in sys.path:
    sys.path.insert(0, _EXAMPLES_DIR)

from demo_app.server import VERSIONS, start_demo_server  # noqa: E402

VERSION_ENV = "WEBAGENT_DEMO_VERSION"


def demo_version() -> int:
    """The demo app version to serve, from $WEBAGENT_DEMO_VERSION (default 1)."""
    raw = os.environ.get(VERSION_ENV, "1").strip()
    if raw not in {str(v) for v in VERSIONS}:
        allowed = " or ".join(str(v) for v in VERSIONS)
        raise pytest.UsageError(f"{VERSION_ENV} must be {allowed}, got {raw!r}")
    return int(raw)


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """Overrides the ``base_url`` fixture that Playwright uses for relative URLs.

    Starts the demo app for the session, unless a base URL was given with
    ``--base-url`` (or ``$PYTEST_BASE_URL``, the option's default).
    """
    explicit: str | None = pytestconfig.getoption("base_url", default=None)
    if explicit:
        yield explicit
        return
    with start_demo_server(demo_version()) as server:
        yield server.url
