"""Running one MiniWoB++ episode with the direct resolver, and telling why it failed.

The HTML comes from the ``miniwob`` package on PyPI (MIT), installed with ``--no-deps``; it is
served from its installed folder, never copied. Its folder is found without importing the package
(which needs gymnasium). An episode: load the task page, seed ``Math.random`` with
``Math.seedrandom``, ``core.startEpisodeReal()``, run the steps with no model, and read the raw
reward: success is ``WOB_RAW_REWARD_GLOBAL == 1``.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from pytest_webagent.browser.executor import Executor
from pytest_webagent.errors import TargetAmbiguous, TargetNotFound
from pytest_webagent.resolve import direct

STEP_TIMEOUT_MS = 2000.0
FAILURE_CLASSES = ("not explicit", "not found", "ambiguous", "wrong element", "inert", "other")


def html_folder() -> Path:
    spec = importlib.util.find_spec("miniwob")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise SystemExit(
            "MiniWoB++ is not installed: pip install --no-deps miniwob==1.1.0 "
            "(only its HTML is used)"
        )
    return Path(locations[0]) / "html"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """The MiniWoB++ HTML on 127.0.0.1, for the length of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Outcome:
    task: str
    seed: int
    steps: list[str]
    success: bool
    failure: str  # one of FAILURE_CLASSES, "" on success
    detail: str = ""


def start(page: Page, base_url: str, task: str, seed: int) -> str:
    """Load ``task``, start its episode with a fixed seed, and return the instruction."""
    page.goto(f"{base_url}/miniwob/{task}.html")
    page.evaluate("seed => { Math.seedrandom(String(seed)); core.startEpisodeReal(); }", seed)
    return page.locator("#query").inner_text()


def run_steps(page: Page, steps: list[str]) -> None:
    """Each step as an explicit action step: parsed, resolved and acted on with no model."""
    executor = Executor(page)
    for text in steps:
        intents = direct.parse_text(text)
        if intents is None:
            raise NotExplicit(text)
        direct.resolve_all(
            page, intents, STEP_TIMEOUT_MS, lambda action: executor.run(action, STEP_TIMEOUT_MS)
        )


class NotExplicit(Exception):
    """The step is not a phrasing the direct resolver knows: it needs a model."""


def episode(page: Page, base_url: str, task: str, seed: int, phrasing: Any) -> Outcome:
    instruction = start(page, base_url, task, seed)
    steps = phrasing(instruction, page)
    failure, detail = "", ""
    try:
        run_steps(page, steps)
    except NotExplicit as error:
        failure, detail = "not explicit", str(error)
    except TargetNotFound as error:
        failure, detail = "not found", str(error).splitlines()[0]
    except TargetAmbiguous as error:
        failure, detail = "ambiguous", str(error).splitlines()[0]
    except Exception as error:  # any other failure of a step is still a result to count
        failure, detail = "other", f"{type(error).__name__}: {str(error).splitlines()[0]}"
    page.wait_for_timeout(50)  # handlers that end the episode run after the click returns
    reward, done, reason = page.evaluate(
        "[WOB_RAW_REWARD_GLOBAL, WOB_DONE_GLOBAL, WOB_REWARD_REASON]"
    )
    if done and reason != "timed out":
        if reward == 1:
            return Outcome(task, seed, steps, True, "")
        # The page judged an act: the resolver acted on the wrong element (or with a wrong value).
        return Outcome(task, seed, steps, False, "wrong element", detail or f"reward {reward}")
    return Outcome(task, seed, steps, False, failure or "inert", detail)
