"""Why a target was not found, in words that help: the nearest names on the page, text of that
name that is there but hidden, and elements of that name whose role is not the one the step's
role word says (``Press the search button`` on a page whose "Search" is a text field)."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pytest_webagent.errors import TargetNotFound
from pytest_webagent.resolve.ambiguity import nearest_candidates
from pytest_webagent.resolve.phrases import TargetQuery


def not_found(
    page: Page,
    query: TargetQuery,
    timeout_ms: float,
    *,
    absent: bool = False,
    refused: list[str] | None = None,
) -> TargetNotFound:
    """``absent``: the name's words occur nowhere on the page, so no text of it is hidden.
    ``refused``: elements found by the name whose role is not the one the role word says."""
    what = query.name or f"the {query.role}"
    candidates = nearest_candidates(page, query.name) if query.name else []
    if query.role and query.name:
        other_roles = refused or [c for c in candidates if _named_like(c, query.name)]
        if other_roles:
            return _wrong_role(query, other_roles, timeout_ms)
    hints = [f"nearest on the page: {', '.join(candidates)}"] if candidates else []
    if query.name and not absent and _hidden_text(page, query.name):
        hints.append(f"an element with the text {query.name!r} exists but is not visible")
    hints.append(
        "hint: quote the exact visible name, label or placeholder; a step that describes its "
        "target in other words needs a model (webagent_model)"
    )
    where = f" in {query.scope.role} {query.scope.name!r}" if query.scope else ""
    return TargetNotFound(
        f"no element named {what!r}{where} appeared within {timeout_ms / 1000:g}s", hints=hints
    )


def _named_like(candidate: str, name: str) -> bool:
    """Whether a ``role "name"`` candidate is named ``name`` (folded, or containing it)."""
    role, _, quoted = candidate.partition(" ")
    return bool(role) and name.casefold().strip() in quoted.strip('"').casefold()


def _wrong_role(query: TargetQuery, found: list[str], timeout_ms: float) -> TargetNotFound:
    """The step's role word says one role, the page's elements of that name have another: acting
    on them would do something else (a label's click focuses its field)."""
    where = f" in {query.scope.role} {query.scope.name!r}" if query.scope else ""
    them = ", ".join(found[:3])
    return TargetNotFound(
        f"no {query.role} named {query.name!r}{where} appeared within {timeout_ms / 1000:g}s; "
        f"found {them} instead, which {'is' if len(found) == 1 else 'are'} not a {query.role}",
        hints=[
            "hint: a role word lets only elements of that role count; name the role the element "
            "has, or leave the role word out"
        ],
    )


def _hidden_text(page: Page, name: str) -> bool:
    """Whether some element with this text is on the page but not visible (why it was not found)."""
    try:
        text = page.get_by_text(name)
        return text.count() > text.filter(visible=True).count()
    except PlaywrightError:
        return False


def too_few(query: TargetQuery, count: int) -> TargetNotFound:
    """An ordinal past the matches: `the 3rd "No" button` where two are shown."""
    what = f"{query.name!r}" if query.name else f"the {query.role}"
    n = query.ordinal
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    place = f"{n}{suffix}" if n > 0 else "last"
    return TargetNotFound(
        f"there is no {place} {what}: {count} visible element{'s' if count != 1 else ''} match",
        hints=["hint: count only the elements that are shown, in page order"],
    )
