"""Signed-in state shared between cases: ``saves_state: signed-in`` on the case that signs in,
``uses_state: signed-in`` on the cases that start signed in.

The state is Playwright's ``storage_state`` (cookies, local storage) of the saving case's browser
context, kept in the working store's folder (never beside the cases: it holds session cookies).
A case that uses it gets it through pytest-playwright's ``browser_context_args`` mark, merged
into the case's own mark of that name, so its other context options still apply. Cases that save
a state another selected case uses run first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from pytest_webagent.cases.model import Case
from pytest_webagent.cases.pycase import spec_of

MARK = "browser_context_args"


def state_path(cache_dir: Path, name: str) -> Path:
    return cache_dir / "state" / f"{name}.json"


def use_saved_state(request: pytest.FixtureRequest, cache_dir: Path) -> None:
    """Before the page opens: start the case's context from the state it names."""
    case = _case_of(request.node)
    if case is None or not case.uses_state:
        return
    path = state_path(cache_dir, case.uses_state)
    if not path.is_file():
        pytest.fail(
            f"{case.location}: case {case.item_name!r} uses the state {case.uses_state!r}, which "
            f"no case has saved yet: run the case with `saves_state: {case.uses_state}` in the "
            "same run (it runs first), or before this one",
            pytrace=False,
        )
    own = request.node.get_closest_marker(MARK)
    options = {**(own.kwargs if own is not None else {}), "storage_state": str(path)}
    # pytest-playwright reads the first mark of this name: this one, with the case's own options.
    request.node.add_marker(getattr(pytest.mark, MARK)(**options), append=False)


def save_state(page: Page, case: Case, cache_dir: Path) -> None:
    """After the case passed: keep its context's state under the name it gives."""
    path = state_path(cache_dir, case.saves_state)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.context.storage_state(path=path)
    os.chmod(path, 0o600)  # session cookies: for this user only


def savers_first(items: list[pytest.Item]) -> None:
    """Put the cases that save a state some selected case uses before all others (stable)."""
    used = {case.uses_state for case in map(_case_of, items) if case and case.uses_state}
    if not used:
        return

    def saves_used(item: pytest.Item) -> bool:
        case = _case_of(item)
        return case is not None and case.saves_state in used

    items.sort(key=lambda item: not saves_used(item))


def _case_of(item: pytest.Item) -> Case | None:
    """The case of a YAML item, or the YAML case a Python test runs (``from_file``)."""
    case = getattr(item, "case", None)
    if isinstance(case, Case):
        return case
    spec = spec_of(item)
    if spec is None or not spec.file_cases:
        return None
    return next(iter(spec.file_cases.values()))
