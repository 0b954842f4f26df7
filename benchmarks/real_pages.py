"""Real-world pages for the snapshot benchmark, beside the generated ones of ``pages.py``.

* **TodoMVC**: the vanilla-JS example app of the ``todomvc`` npm package, with 40 todos added
  through its own input (some completed), as a user would have it after a while;
* **Swagger UI**: the ``swagger-ui-dist`` npm package showing the Swagger Petstore OpenAPI
  document (``petstore.py``, written here), every operation listed, one expanded;
* **MiniWoB++**: a few task pages of the ``miniwob`` PyPI package (its HTML only), each episode
  started with a fixed seed.

The npm packages are fetched at run time with ``npm pack`` into a cache folder outside the
repository (``$WEBAGENT_BENCH_CACHE``, else ``~/.cache/pytest-webagent-benchmarks``) and served
from there on 127.0.0.1; nothing is vendored. A package that cannot be fetched is reported and
its pages are left out: the benchmark runs the rest.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pages import Step

sys.path.insert(0, str(Path(__file__).resolve().parent / "miniwob"))
from episodes import serve
from petstore import PETSTORE

TODOMVC = ("todomvc", "0.1.1")  # ships examples/vanillajs, a working app with no build step
SWAGGER_UI = ("swagger-ui-dist", "5.35.0")
MINIWOB_SEED = 7


@dataclass(frozen=True)
class RealPage:
    name: str
    title: str
    path: str  # under the served root
    steps: tuple[Step, ...]
    prepare: Callable[[Any], None] = lambda tab: None  # what a user did before the step


def cache_folder() -> Path:
    folder = os.environ.get("WEBAGENT_BENCH_CACHE")
    return Path(folder) if folder else Path.home() / ".cache" / "pytest-webagent-benchmarks"


def fetch_npm(package: str, version: str, cache: Path) -> Path | None:
    """The unpacked package folder in ``cache`` (fetched with ``npm pack`` once), or None."""
    target = cache / f"{package}-{version}"
    if (target / "package" / "package.json").is_file():
        return target / "package"
    if shutil.which("npm") is None:
        print(f"- skipped {package}@{version}: npm is not installed", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as download:
        try:
            subprocess.run(
                ["npm", "pack", f"{package}@{version}", "--pack-destination", download],
                capture_output=True, text=True, check=True, timeout=300,
            )  # fmt: skip
            tarball = next(Path(download).glob("*.tgz"))
            partial_target = cache / f".{package}-{version}.partial"
            shutil.rmtree(partial_target, ignore_errors=True)
            partial_target.mkdir(parents=True)
            with tarfile.open(tarball) as archive:
                archive.extractall(partial_target, filter="data")
            shutil.rmtree(target, ignore_errors=True)
            partial_target.rename(target)
        except (OSError, subprocess.SubprocessError, StopIteration, tarfile.TarError) as error:
            detail = (getattr(error, "stderr", "") or str(error)).strip().splitlines()[:1]
            reason = detail[0] if detail else type(error).__name__
            print(f"- skipped {package}@{version}: could not fetch it ({reason})", file=sys.stderr)
            return None
    return target / "package"


def miniwob_folder() -> Path | None:
    spec = importlib.util.find_spec("miniwob")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        print("- skipped MiniWoB++: pip install --no-deps miniwob==1.1.0", file=sys.stderr)
        return None
    return Path(locations[0]) / "html"


def _add_todos(tab: Any) -> None:
    box = tab.get_by_placeholder("What needs to be done?")
    for number in range(1, 41):
        box.fill(f"{TODO_WORDS[number % len(TODO_WORDS)]} {number}")
        box.press("Enter")
    toggles = tab.locator("#todo-list input.toggle")
    for index in range(0, 40, 3):
        toggles.nth(index).check()


TODO_WORDS = ("Buy milk", "Water the plants", "Call the bank", "Book the dentist",
              "Renew the passport", "Pay the rent", "Email Sofia", "Fix the bike")  # fmt: skip


def _todomvc() -> RealPage:
    return RealPage(
        "todomvc",
        "TodoMVC (vanilla JS), 40 todos",
        "todomvc/package/examples/vanillajs/index.html",
        (
            Step(
                'Type "Buy bread" into "What needs to be done?"',
                "textbox",
                "What needs to be done?",
            ),
            Step(
                'Double-click the todo "Call the bank 18" to edit it',
                "generic",
                "",
                anchor=": Call the bank 18",
            ),
            Step('Click the "Completed" filter', "link", "Completed"),
            Step('Click "Clear completed"', "button", "Clear completed (14)"),
            Step('Tick "Mark all as complete"', "checkbox", "Mark all as complete"),
        ),
        _add_todos,
    )


def _expand_one_operation(tab: Any) -> None:
    tab.locator(".opblock-summary").first.wait_for(timeout=30_000)
    tab.locator("#operations-pet-findPetsByStatus .opblock-summary-control").click()
    tab.get_by_role("button", name="Try it out").wait_for(timeout=30_000)


def _swagger_ui() -> RealPage:
    return RealPage(
        "swagger-ui",
        "Swagger UI 5, Petstore (19 operations)",
        "swagger-ui/package/petstore.html",
        (
            Step('Click "Authorize"', "button", "Authorize"),
            Step('Click "Try it out"', "button", "Try it out"),
            Step(
                'Expand "POST /pet/{petId}/uploadImage"',
                "button",
                "POST /pet/{petId}/uploadImage Uploads an image.",
            ),
            Step('Select "sold" in the "status" list', "combobox", "", anchor='option "sold"'),
            Step('Open the "user" section', "link", "user"),
        ),
        _expand_one_operation,
    )


SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Swagger UI: Petstore</title>
<link rel="stylesheet" href="swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "petstore.json", dom_id: "#swagger-ui",
  deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});</script>
</body></html>
"""


def _miniwob(task: str, steps: tuple[Step, ...]) -> RealPage:
    def start(tab: Any) -> None:
        tab.evaluate(
            "seed => { Math.seedrandom(String(seed)); core.startEpisodeReal(); }", MINIWOB_SEED
        )

    return RealPage(
        f"miniwob {task}", f"MiniWoB++ {task}", f"miniwob-html/miniwob/{task}.html", steps, start
    )


# Steps from each task's instruction for the episode of MINIWOB_SEED.
MINIWOB_PAGES = (
    ("click-checkboxes-large", (Step('Check "KcflOrU"', "checkbox", "KcflOrU"),
                                Step('Click "Submit"', "button", "Submit"))),
    ("book-flight", (Step('Type "Eureka, NV" into "From:"', "textbox", "From:"),
                     Step('Click "Search"', "button", "Search"))),
    ("email-inbox", (Step("Open the email from Bettine", "generic", "", anchor=": Bettine"),)),
)  # fmt: skip


@contextmanager
def real_pages() -> Iterator[tuple[str, list[RealPage]]]:
    """The served root's URL and the real pages whose packages could be had."""
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="webagent-real-pages-") as root_text:
        root = Path(root_text)
        pages: list[RealPage] = []
        todomvc = fetch_npm(*TODOMVC, cache)
        if todomvc is not None:
            (root / "todomvc").symlink_to(todomvc.parent)
            pages.append(_todomvc())
        swagger = fetch_npm(*SWAGGER_UI, cache)
        if swagger is not None:
            site = root / "swagger-ui" / "package"
            site.mkdir(parents=True)
            for name in ("swagger-ui.css", "swagger-ui-bundle.js"):
                (site / name).symlink_to(swagger / name)
            (site / "petstore.html").write_text(SWAGGER_PAGE, encoding="utf-8")
            (site / "petstore.json").write_text(json.dumps(PETSTORE), encoding="utf-8")
            pages.append(_swagger_ui())
        miniwob = miniwob_folder()
        if miniwob is not None:
            (root / "miniwob-html").symlink_to(miniwob)  # its pages load ../core, ../common
            pages += [_miniwob(task, steps) for task, steps in MINIWOB_PAGES]
        with serve(root) as url:
            yield url, pages
