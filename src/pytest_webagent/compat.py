"""Private APIs of other packages, quarantined here so upgrades break in one place only."""

from __future__ import annotations

from playwright.sync_api import Locator


def selector_of(locator: Locator) -> str:
    """The selector string behind a locator, reusable with ``page.locator(...)``.

    Playwright has no public accessor; ``str(locator)`` is Python code since 1.65, not a selector.
    """
    selector: str = locator._impl_obj._selector
    return selector
