"""Targets inside frames: ``Fill "Your message" with "hi" in the "Contact form" frame``, or a
target the page itself does not have, found in one of its same-origin frames.

A frame is named by its iframe's ``title`` or ``name``. What is found is a locator inside
``page.locator('iframe[title="..."]').content_frame``; its selector enters the frame, so replay's
identity check and the exported code reach the same element. Frames of another origin are never
searched nor acted on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, FrameLocator, Page

from pytest_webagent.errors import TargetNotFound
from pytest_webagent.resolve.phrases import Intent, TargetQuery

FRAME_SUFFIX = re.compile(
    r'^(?P<step>.+?)\s+(?:in|inside|within)\s+(?:the\s+)?"(?P<frame>[^"]*[^"\s][^"]*)"\s+i?frame$',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FramedQuery(TargetQuery):
    """A target the step says is inside the frame named ``frame``."""

    frame: str = ""


@dataclass(frozen=True)
class Scope:
    """Where to look: the page, or one of its frames (``code``: its locator code, with a dot)."""

    root: Page | FrameLocator
    code: str = ""


def split_frame(phrase: str) -> tuple[str, str | None]:
    """``(step, frame name)`` for a step ending in ``in the "X" frame``; else ``(phrase, None)``."""
    match = FRAME_SUFFIX.match(phrase)
    return (match["step"], match["frame"]) if match else (phrase, None)


def in_frame(intent: Intent, frame: str) -> Intent:
    """``intent`` with its targets scoped to the frame named ``frame``."""
    changes: dict[str, object] = {}
    for field_name in ("target", "destination"):
        query = getattr(intent, field_name, None)
        if isinstance(query, TargetQuery):
            kept = {f.name: getattr(query, f.name) for f in fields(TargetQuery)}
            changes[field_name] = FramedQuery(**kept, frame=frame)
    return replace(intent, **changes)  # type: ignore[arg-type]


def scope_for(
    page: Page, query: TargetQuery, matches: Callable[[Page | FrameLocator], bool]
) -> Scope:
    """The named frame of a framed query; else the page, or the one same-origin frame that has
    a match when the page has none (``matches`` counts without waiting)."""
    if isinstance(query, FramedQuery) and query.frame:
        return named_frame(page, query.frame)
    if len(page.frames) == 1 or matches(page):
        return Scope(page)
    found = [scope for scope in _same_origin_frames(page) if matches(scope.root)]
    return found[0] if len(found) == 1 else Scope(page)


def named_frame(page: Page, name: str) -> Scope:
    for attribute in ("title", "name"):
        css = f"iframe[{attribute}={json.dumps(name)}]"
        element = page.locator(css)
        try:
            if element.count() == 1:
                frame = element.element_handle().content_frame()
                if frame is not None and not _same_origin(page, frame):
                    raise TargetNotFound(
                        f"the frame {name!r} shows {_origin(frame.url)}, another origin than the "
                        "page's: frames of other origins are never acted on"
                    )
                return Scope(element.content_frame, f"locator({json.dumps(css)}).content_frame.")
        except PlaywrightError:
            continue
    raise TargetNotFound(
        f"no frame titled or named {name!r} on the page",
        hints=["hint: name a frame by its iframe's title or name attribute"],
    )


def _same_origin_frames(page: Page) -> list[Scope]:
    scopes: list[Scope] = []
    for frame in page.main_frame.child_frames:
        if not _same_origin(page, frame):
            continue
        try:
            element = frame.frame_element()
            title, name = element.get_attribute("title"), element.get_attribute("name")
        except PlaywrightError:
            continue
        if title or name:  # an unnamed frame has no locator a person could read back
            scopes.append(named_frame(page, title or name or ""))
    return scopes


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _same_origin(page: Page, frame: Frame) -> bool:
    return frame.url == "about:blank" or _origin(frame.url) == _origin(page.url)
