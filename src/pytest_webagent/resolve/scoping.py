"""Where a scoped target is looked for: ``in the "qa-user" row``, ``under "By staff status"``,
``in the "Sign in" dialog``, ``in the dialog``.

A scope is found first and must be one element; the target is then looked for inside it, and the
recorded locator is the scope's locator chained with the target's, so replay looks in the same
place: ``get_by_role("row").filter(has_text="qa-user").get_by_role("button", name="Delete")``.
"""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pytest_webagent.errors import TargetAmbiguous, TargetNotFound
from pytest_webagent.resolve.locating import Deadline, Root, Scoped, literal
from pytest_webagent.resolve.phrases import Scope

HEADINGS = (
    "self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::legend "
    "or self::summary or self::caption or self::th or @role='heading'"
)


def scope_root(page: Page, scope: Scope, deadline: Deadline) -> list[Scoped]:
    """The candidate roots for ``scope``, best first; the caller keeps the one holding the
    target. Raises TargetNotFound when there is no such scope, TargetAmbiguous when several."""
    if scope.role == "heading":
        return _under_heading(page, scope.name, deadline)
    candidates: list[tuple[Locator, str]] = []
    role, name = scope.role or "region", scope.name
    if not name:
        candidates.append((page.get_by_role(role).filter(visible=True),  # type: ignore[arg-type]
                           f"get_by_role({literal(role)}).filter(visible=True)"))  # fmt: skip
    else:
        if role != "row":
            candidates.append((
                page.get_by_role(role, name=name, exact=True),  # type: ignore[arg-type]
                f"get_by_role({literal(role)}, name={literal(name)}, exact=True)",
            ))  # fmt: skip
        candidates.append((
            page.get_by_role(role).filter(has_text=name),  # type: ignore[arg-type]
            f"get_by_role({literal(role)}).filter(has_text={literal(name)})",
        ))  # fmt: skip
        # As a whole word ("qa-user" is not "qa-user2"), in a row's text where cells run together
        # ("qa-userDelete": a capital starts the next cell); escaped for JavaScript's regex too.
        escaped = re.sub(r"([.^$*+?()\[\]{}|\\/])", r"\\\1", name)
        words = rf"(?<![0-9A-Za-z_-]){escaped}(?![0-9a-z_-])"
        candidates.append((
            page.get_by_role(role).filter(has_text=re.compile(words)),  # type: ignore[arg-type]
            f"get_by_role({literal(role)}).filter(has_text=re.compile({literal(words)}))",
        ))  # fmt: skip
    _wait(candidates[0][0].or_(candidates[-1][0]) if len(candidates) > 1 else candidates[0][0],
          deadline)  # fmt: skip
    counts = []
    for locator, code in candidates:
        count = _count(locator)
        if count == 1:
            return [Scoped(locator, code)]
        counts.append(count)
    what = f"the {literal(name)} {scope.role}" if name else f"an open {scope.role}"
    if any(counts):
        raise TargetAmbiguous(
            f"{what} matches {max(counts)} elements", hints=["hint: name the scope more exactly"]
        )
    raise TargetNotFound(f"no {scope.role} {literal(name)} appeared".replace("  ", " "))


def loose_scope(root: Root, scope: Scope, prefix: str = "") -> tuple[Locator, str]:
    """Where ``scope`` would be, as one locator that is not checked now (an optional action's
    target that did not show: replay looks for it there): the named container of that role or
    the one whose text holds the name; the part after the heading; the open dialog."""
    join = (lambda code: f"{prefix}.{code}") if prefix else (lambda code: code)
    if scope.role == "heading":
        heading = (
            f"//*[{HEADINGS}][normalize-space(.)={xpath_literal(' '.join(scope.name.split()))}]"
        )
        xpath = f"xpath={heading}/following-sibling::*[1] | {heading}/.."
        return root.locator(xpath), join(f"locator({literal(xpath)})")
    role = scope.role or "region"
    if not scope.name:
        return (root.get_by_role(role).filter(visible=True),  # type: ignore[arg-type]
                join(f"get_by_role({literal(role)}).filter(visible=True)"))  # fmt: skip
    code = f"get_by_role({literal(role)}).filter(has_text={literal(scope.name)})"
    return root.get_by_role(role).filter(has_text=scope.name), join(code)  # type: ignore[arg-type]


def _under_heading(page: Page, name: str, deadline: Deadline) -> list[Scoped]:
    text = xpath_literal(" ".join(name.split()))
    heading = f"//*[{HEADINGS}][normalize-space(.)={text}]"
    heading_locator = page.locator(f"xpath={heading}")
    _wait(heading_locator, deadline)
    count = _count(heading_locator)
    if count > 1:
        raise TargetAmbiguous(f"{count} headings read {name!r}")
    if count == 0:
        raise TargetNotFound(f"no heading {name!r} appeared")
    # What follows a heading: its next sibling (Django's filter <h3> + <ul>), else its parent
    # (a <section> or <fieldset> that the heading titles).
    return [
        Scoped(page.locator(f"xpath={heading}/following-sibling::*[1]"),
               f"locator({literal(f'xpath={heading}/following-sibling::*[1]')})"),
        Scoped(page.locator(f"xpath={heading}/.."), f"locator({literal(f'xpath={heading}/..')})"),
    ]  # fmt: skip


def xpath_literal(text: str) -> str:
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    parts = text.split('"')
    return "concat(" + ", '\"', ".join(f'"{part}"' for part in parts) + ")"


def _wait(locator: Locator, deadline: Deadline) -> None:
    # Counted next: none is a "not found" with a message of its own.
    with contextlib.suppress(PlaywrightError):
        locator.first.wait_for(state="attached", timeout=max(deadline.left_ms(), 1))


def _count(locator: Locator) -> int:
    try:
        return locator.count()
    except PlaywrightError:
        return 0
