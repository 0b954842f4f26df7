"""The actions beyond click and fill: double-click, right-click, drag, upload, slow typing,
scrolling into view, remembering a value from the page, and switching or closing tabs.

``Executor`` hands these action types here; what they need from the case (where upload files
live, where remembered values go, how tabs change) is set on ``MoreActions`` by the runner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from playwright.sync_api import Locator, Page

from pytest_webagent.errors import ActionFailed

Action = dict[str, Any]
TARGET_ACTIONS = frozenset(
    {"double_click", "right_click", "drag", "upload", "type", "scroll_into_view", "remember"}
)
TAB_ACTIONS = frozenset({"switch_tab", "close_tab"})
MORE_ACTIONS = TARGET_ACTIONS | TAB_ACTIONS


class Tabs(Protocol):
    """The case's tabs: switching changes the page every later step acts in."""

    def switch_to(self, title: str, timeout_ms: float) -> None: ...

    def close_current(self) -> None: ...


Remember = Callable[[str, str, bool], None]  # name, value, secret


def _forget(name: str, value: str, secret: bool) -> None:
    raise ActionFailed(f"cannot remember {name!r}: this run keeps no values")


@dataclass
class MoreActions:
    files_from: Path | None = None  # upload paths are relative to this folder (the case file's)
    project_root: Path | None = None  # and never lead outside it
    remember: Remember = _forget
    tabs: Tabs | None = None

    def run(
        self, page: Page, target: Locator | None, action: Action, value: str, timeout: float
    ) -> None:
        """Run ``action`` (``value``: its value with placeholders and secrets resolved)."""
        kind = action["type"]
        if kind in TAB_ACTIONS:
            self._tab(action, timeout)
            return
        if target is None:
            raise ActionFailed(f"{kind} needs a target")
        if kind == "double_click":
            target.dblclick(timeout=timeout)
        elif kind == "right_click":
            target.click(button="right", timeout=timeout)
        elif kind == "drag":
            target.drag_to(page.locator(action["destination"]["selector"]), timeout=timeout)
        elif kind == "upload":
            target.set_input_files(self.upload_path(action["file"]), timeout=timeout)
        elif kind == "type":
            # Key by key where the cursor is: each key fires its own events. (Clearing first
            # would press Delete, a key the page would see too.)
            target.press_sequentially(value, delay=action.get("delay", 0), timeout=timeout)
        elif kind == "scroll_into_view":
            target.scroll_into_view_if_needed(timeout=timeout)
        elif kind == "remember":
            self._remember(target, action, timeout)

    def upload_path(self, file: str) -> Path:
        """The file an upload names: relative to the case file, and inside the project."""
        base = self.files_from or Path.cwd()
        root = (self.project_root or base).resolve()
        path = (base / file).resolve()
        if not path.is_relative_to(root):
            raise ActionFailed(
                f"upload {file!r}: the file is outside the project ({root}); name a file under "
                "the project, relative to the case file"
            )
        if not path.is_file():
            raise ActionFailed(
                f"upload {file!r}: no such file {path} (paths are relative to the case file)"
            )
        return path

    def _remember(self, target: Locator, action: Action, timeout: float) -> None:
        if action.get("property") == "value":
            found = target.input_value(timeout=timeout)
        else:
            found = " ".join(target.inner_text(timeout=timeout).split())
        if not found:
            raise ActionFailed(
                f"remember {action['name']!r}: {action['target']['code']} has no "
                f"{action.get('property', 'text')}"
            )
        self.remember(action["name"], found, bool(action.get("secret")))

    def _tab(self, action: Action, timeout: float) -> None:
        if self.tabs is None:
            raise ActionFailed(f"{action['type']}: this run has no tabs to switch")
        if action["type"] == "switch_tab":
            self.tabs.switch_to(action["title"], timeout)
        else:
            self.tabs.close_current()
