"""The demo app's HTML: one layout, each page's own ``<main>``, and version 2 as edits of version 1.

Version 2 exists to show drift: it is version 1 with the four markup changes of ``CHANGES_V2.md``
applied here, each of which must match exactly once, so the two versions cannot silently part.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
PAGES_DIR = APP_DIR / "pages"
NAV = (
    ("/", "Home"),
    ("/login.html", "Sign in"),
    ("/todos.html", "Todos"),
    ("/signup.html", "Sign up"),
    ("/reports.html", "Reports"),
)


@dataclass(frozen=True)
class Page:
    title: str
    scripts: tuple[str, ...] = ()


PAGES = {
    "index.html": Page("Demo Shop"),
    "login.html": Page("Sign in · Demo Shop", ("/login.js",)),
    "dashboard.html": Page("Dashboard · Demo Shop", ("/dashboard.js",)),
    "todos.html": Page("Todos · Demo Shop", ("/todos.js",)),
    "signup.html": Page("Sign up · Demo Shop", ("/signup.js",)),
    "reports.html": Page("Reports · Demo Shop", ("/reports.js",)),
}


@dataclass(frozen=True)
class Edit:
    page: str
    old: str
    new: str


V2_EDITS = (
    # (a) the "Sign in" button gets another test id; its text stays.
    Edit("login.html", 'data-testid="sign-in"', 'data-testid="login-submit"'),
    # (b) "Password" moves above "Email", inside a new fieldset "Credentials".
    Edit(
        "login.html",
        """      <div class="field">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username">
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password">
      </div>
""",
        """      <fieldset>
        <legend>Credentials</legend>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password">
        </div>
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username">
        </div>
      </fieldset>
""",
    ),
    # (c) a new button with a similar name, "Sign in with SSO", and its script.
    Edit(
        "login.html",
        '        <button type="submit" data-testid="login-submit">Sign in</button>\n',
        '        <button type="submit" data-testid="login-submit">Sign in</button>\n'
        '        <button type="button" id="sso" class="secondary">Sign in with SSO</button>\n',
    ),
    Edit(
        "login.html",
        '  <script src="/login.js" defer></script>\n',
        '  <script src="/login.js" defer></script>\n  <script src="/sso.js" defer></script>\n',
    ),
    # (d) the "Add" button of the todos page is renamed "Add todo".
    Edit(
        "todos.html",
        '<button type="submit">Add</button>',
        '<button type="submit">Add todo</button>',
    ),
)


def render(name: str, version: int) -> str | None:
    """The HTML of page ``name`` in ``version`` of the app, or None if there is no such page."""
    page = PAGES.get(name)
    if page is None:
        return None
    html = _layout(name, page)
    if version >= 2:
        for edit in (e for e in V2_EDITS if e.page == name):
            if html.count(edit.old) != 1:
                raise RuntimeError(f"v2 edit of {name} no longer applies: {edit.old!r}")
            html = html.replace(edit.old, edit.new)
    return html


def _layout(name: str, page: Page) -> str:
    current = "/" if name == "index.html" else f"/{name}"
    marks = {href: ' aria-current="page"' if href == current else "" for href, _ in NAV}
    nav = "\n".join(
        f'        <li><a href="{href}"{marks[href]}>{label}</a></li>' for href, label in NAV
    )
    scripts = "".join(f'  <script src="{src}" defer></script>\n' for src in page.scripts)
    layout = (APP_DIR / "layout.html").read_text(encoding="utf-8")
    main = (PAGES_DIR / name).read_text(encoding="utf-8").rstrip("\n")
    return (
        layout.replace("{title}", page.title)
        .replace("{scripts}", scripts)
        .replace("{nav}", nav)
        .replace("{main}", main)
    )
