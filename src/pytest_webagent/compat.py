"""Private APIs of other packages, quarantined here so upgrades break in one place only."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page


def selector_of(locator: Locator) -> str:
    """The selector string behind a locator, reusable with ``page.locator(...)``.

    Playwright has no public accessor; ``str(locator)`` is Python code since 1.65, not a selector.
    """
    selector: str = locator._impl_obj._selector
    return selector


def load_state_reached(page: Page, state: str) -> bool:
    """Whether the page's main frame has fired ``state`` (``domcontentloaded``, ``load``) since
    its last navigation, as far as the client knows.

    ``Page.wait_for_load_state`` answers the same question from the same set, but first sets up
    a waiter that reports to the driver (three messages, several milliseconds) even when the
    state was reached long ago; replay asks before every action. False when the private set is
    not there: the caller then waits the public way.
    """
    states = getattr(getattr(page.main_frame, "_impl_obj", None), "_load_states", None)
    return isinstance(states, set) and state in states


def add_step_parameter(step_uuid: Any, name: str, value: str) -> None:
    """Add a parameter to a running Allure step.

    allure-python only takes step parameters when a step starts; how a step was resolved is known
    at its end. Its listener keeps the step result by uuid, so it is found and extended there.
    """
    from allure_commons import plugin_manager
    from allure_commons.model2 import Parameter

    for plugin in plugin_manager.get_plugins():
        reporter = getattr(plugin, "allure_logger", None)
        step = reporter.get_item(step_uuid) if reporter is not None else None
        if step is not None:
            step.parameters.append(Parameter(name=name, value=value))
            return


def parameter_ids(item: Any) -> list[str]:
    """The id of each parametrization of a test item, in order (``["chromium", "alice"]`` for
    ``test_login[chromium-alice]``); pytest exposes only the ids joined by "-"."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return []
    ids = getattr(callspec, "_idlist", None)
    return [str(part) for part in ids] if ids is not None else [str(callspec.id)]


def fixture_module(item: Any, name: str) -> str | None:
    """The module of the fixture ``name`` that ``item`` would get (None when there is none).

    pytest has no public API for "which definition of this fixture applies here"; its fixture
    manager answers it for pytest's own lookups.
    """
    definitions = item.session._fixturemanager.getfixturedefs(name, item)
    if not definitions:
        return None
    return str(getattr(definitions[-1].func, "__module__", ""))
