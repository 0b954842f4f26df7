"""The documentation: every option in the configuration reference, every error message in
troubleshooting, and a site that builds offline with every page of its nav."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from pytest_webagent.settings import OPTIONS

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
SOURCE = REPO / "src" / "pytest_webagent"


def registered_options(pytester: pytest.Pytester) -> set[str]:
    """Every webagent CLI flag and ini key, as pytest --help prints them."""
    help_text = pytester.runpytest_inprocess("--help").stdout.str()
    flags = set(re.findall(r"(--webagent[\w-]*)", help_text))
    ini_keys = set(re.findall(r"^\s+(webagent\w*) \(", help_text, flags=re.MULTILINE))
    return flags | ini_keys


def test_every_registered_option_is_in_the_configuration_reference(
    pytester: pytest.Pytester,
) -> None:
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    options = registered_options(pytester)
    assert {spec.ini for spec in OPTIONS} <= options  # the scrape itself works
    missing = sorted(name for name in options if f"`{name}`" not in reference)
    assert not missing, f"options missing from docs/configuration.md: {missing}"


def test_every_environment_variable_is_in_the_configuration_reference() -> None:
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(spec.env for spec in OPTIONS if spec.env and f"`{spec.env}`" not in reference)
    assert not missing, f"environment variables missing from docs/configuration.md: {missing}"


# Messages of programming errors inside the package, which no configuration or case can cause.
INTERNAL_MESSAGES = {
    "budget_tokens must be positive, not",  # the setting is bounded to 500 or more
    "working store keys are strings, not",  # the plugin's own use of its store
    "the working store holds JSON values, not files",
    "unreachable",  # after a loop that returns or raises
    "has no attribute",  # Python's own wording, for the package's names imported on first use
}


def _literal_parts(node: ast.expr) -> Iterator[str]:
    """The constant text of a string, f-string or concatenation of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            yield from _literal_parts(value)
    elif isinstance(node, ast.BinOp):
        yield from _literal_parts(node.left)
        yield from _literal_parts(node.right)


def _error_messages(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, constant fragment) of each message given to a raised exception or to a helper that
    builds one (``self._error(cause, "is unreachable")``)."""
    for node in ast.walk(tree):
        calls: list[tuple[ast.Call, list[ast.expr]]] = []
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            calls.append((node.exc, node.exc.args[:1]))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "_error"
        ):
            calls.append((node, node.args[1:]))
        for call, message_args in calls:
            for argument in message_args:
                for part in _literal_parts(argument):
                    fragment = " ".join(part.split())
                    if len(fragment) >= 8:  # shorter ones are punctuation between values
                        yield call.lineno, fragment


def test_every_error_message_is_in_troubleshooting() -> None:
    troubleshooting = " ".join((DOCS / "troubleshooting.md").read_text(encoding="utf-8").split())
    seen: list[str] = []
    missing: list[str] = []
    for module in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for line, fragment in _error_messages(tree):
            seen.append(fragment)
            if fragment not in troubleshooting and fragment not in INTERNAL_MESSAGES:
                missing.append(f"{module.relative_to(REPO)}:{line}: {fragment!r}")
    # The scan itself works: it finds messages of each family.
    assert "this step is not explicit and no model is configured" in seen
    assert "refused the API key (401); check OPENAI_API_KEY" in seen
    assert "must be a whole number from" in seen
    assert not missing, "messages missing from docs/troubleshooting.md:\n" + "\n".join(missing)


def nav_pages(nav: list[Any]) -> Iterator[tuple[str, str]]:
    """(title, file) of every page in an mkdocs.yml nav, sections flattened."""
    for item in nav:
        if isinstance(item, str):
            yield item, item
            continue
        for title, value in item.items():
            if isinstance(value, list):
                yield from nav_pages(value)
            else:
                yield title, value


# A resource the browser would fetch when a page is opened: the site must not need the network.
EXTERNAL_RESOURCE = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]+")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``mkdocs build --strict`` of mkdocs.yml, with any HTTP(S) access routed to a dead proxy."""
    site = tmp_path_factory.mktemp("site")
    offline = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
    environment = {**os.environ, **offline, **{k.lower(): v for k, v in offline.items()}}
    environment.pop("NO_PROXY", None)
    environment.pop("no_proxy", None)
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )  # fmt: skip
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr}"
    return site


def test_the_site_builds_with_every_page_of_the_nav(built_site: Path) -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = list(nav_pages(config["nav"]))
    assert ("Configuration reference", "configuration.md") in pages
    assert ("Troubleshooting", "troubleshooting.md") in pages
    for title, source in pages:
        assert (DOCS / source).is_file(), f"nav entry {title!r}: docs/{source} does not exist"
        built = built_site / Path(source).with_suffix(".html")
        assert built.is_file(), f"nav entry {title!r}: {built.name} was not built"
        html = built.read_text(encoding="utf-8")
        assert f">{title}</a>" in html, f"{built.name} does not show the nav entry {title!r}"
        heading = (DOCS / source).read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        assert heading in html, f"{built.name} lacks its page's heading {heading!r}"


def test_the_built_site_loads_nothing_from_the_network(built_site: Path) -> None:
    pages = sorted(built_site.glob("*.html"))
    assert len(pages) > 5
    fetched = {
        f"{page.name}: {match.group(0)}"
        for page in pages
        for match in EXTERNAL_RESOURCE.finditer(page.read_text(encoding="utf-8"))
    }
    assert not fetched, f"pages that fetch from the network: {sorted(fetched)}"


def test_every_registered_option_is_in_the_built_configuration_page(
    built_site: Path, pytester: pytest.Pytester
) -> None:
    page = (built_site / "configuration.html").read_text(encoding="utf-8")
    options = registered_options(pytester)
    assert {spec.ini for spec in OPTIONS} <= options
    missing = sorted(name for name in options if f"<code>{name}</code>" not in page)
    assert not missing, f"options missing from the built configuration page: {missing}"


def _architecture_rows() -> dict[str, set[str]]:
    """The folder table of docs/architecture.md: folder -> the modules it names."""
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    rows: dict[str, set[str]] = {}
    for folder, modules in re.findall(r"^\| `([\w/]+)/` \|[^|]*\| ([^|]*) \|$", page, re.M):
        rows[folder] = set(re.findall(r"`(\w+)`", modules))
    return rows


def test_the_architecture_page_matches_the_source_tree() -> None:
    rows = _architecture_rows()
    folders = {str(init.parent.relative_to(SOURCE)) for init in SOURCE.rglob("__init__.py")} - {"."}
    assert set(rows) == folders, "docs/architecture.md must list every subpackage, and only those"
    for folder, named in rows.items():
        modules = {path.stem for path in (SOURCE / folder).glob("*.py") if path.stem != "__init__"}
        assert named == modules, f"docs/architecture.md, row {folder}/: {named ^ modules}"
    top_level = {path.stem for path in SOURCE.glob("*.py") if path.stem != "__init__"}
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    wiring = page.split("The top level wires them:", 1)[1].split("\n\n", 1)[0]
    assert top_level == set(re.findall(r"`(\w+)`", wiring)), "top-level modules in architecture.md"


def test_the_built_sites_search_works_opened_from_a_file(built_site: Path, page: Page) -> None:
    """Issue 16: MkDocs' search needs a Web Worker and a fetch of its index, which a page opened
    from disk may not use: the results stayed at "Searching..." for ever."""
    start = (built_site / "index.html").as_uri()
    page.goto(start)
    search_box = page.get_by_role("textbox", name="Search docs")
    search_box.fill("identity check")
    search_box.press("Enter")  # the theme's form: search.html?q=... beside index.html
    results = page.locator("#mkdocs-search-results")
    expect(results.get_by_role("link").first).to_be_visible(timeout=10_000)
    assert page.url.startswith((built_site / "search.html").as_uri() + "?q=identity")
    assert "Searching" not in results.inner_text()
    first = results.get_by_role("link").first
    target = first.get_attribute("href") or ""
    first.click()
    opened = (built_site / target.split("#")[0]).resolve().as_uri()
    expect(page).to_have_url(re.compile(re.escape(opened) + "(#.*)?$"))
    # Typing on the search page searches again, in the page; nonsense finds nothing.
    page.goto((built_site / "search.html").as_uri())
    page.locator("#mkdocs-search-query").fill("zzqx nothing")
    page.locator("#mkdocs-search-query").press("x")
    expect(results).to_have_text("No results found")
