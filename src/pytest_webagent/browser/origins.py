"""Where the browser may go: the allowed origins of one case, and the rule that applies them.

Page content can try to steer a model elsewhere (a site that collects what the test types, for
one). The allowed origins are the base URL's, the ones the case names itself (its ``url:`` and
the absolute URLs of its ``Go to "..."`` steps) and ``webagent_allowed_origins``. Pure functions:
the browser side is ``page_watch``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from pytest_webagent.cases.model import Case, Step, StepKind
from pytest_webagent.resolve.phrases import parse_action

ANY_ORIGIN = "*"
WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Documents with no server behind them: the blank page a browser starts on (and opens popups on).
LOCAL_URLS = ("about:blank",)
HOW_TO_ALLOW = (
    "hint: if the case should go there, allow it: webagent_allowed_origins = {origin} (ini), "
    "--webagent-allowed-origins or WEBAGENT_ALLOWED_ORIGINS, or name it in the case (its url: "
    'or a Go to "..." step)'
)


# Schemes the URL standard calls special: in them a backslash is a slash, as in browsers.
SPECIAL_SCHEMES = ("http", "https", "ws", "wss", "ftp", "file")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_EDGE_CONTROLS = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")


def _scheme(url: str) -> str:
    found = _SCHEME.match(url)
    return found[1].lower() if found else ""


def browser_url(url: str, base: str = "") -> str:
    """``url`` (resolved against ``base``) as a browser reads it, before Python parses it.

    The URL standard (WHATWG), which browsers follow, differs from Python's ``urljoin`` and
    ``urlsplit`` exactly where a URL can be made to look same-origin to Python and go elsewhere
    in the browser: ``/\\other``, ``\\\\other``, ``http:\\\\other`` and
    ``http://site:1\\@other/`` all go to ``other``. So, as the standard does: leading and
    trailing blanks and control characters are dropped, tabs and newlines removed anywhere, and
    in special schemes (http, https…) backslashes before the query are slashes; a special scheme
    followed by no slashes names a host unless it is the base's own scheme.
    """
    url = _TABS_AND_NEWLINES.sub("", _EDGE_CONTROLS.sub("", url))
    found = _SCHEME.match(url)
    scheme = found[1].lower() if found else urlsplit(base).scheme.lower()
    if scheme in SPECIAL_SCHEMES:
        end = min((url.find(mark) for mark in "?#" if mark in url), default=len(url))
        url = url[:end].replace("\\", "/") + url[end:]
        rest = url[found.end() :] if found else ""
        slashes_ignored = rest.startswith("///") or (rest[:1] != "/" and scheme != _scheme(base))
        if found and scheme != "file" and slashes_ignored:
            url = f"{scheme}://{rest.lstrip('/')}"  # the host comes next, whatever the slashes
    return urljoin(base, url) if base else url


@lru_cache(maxsize=256)  # pure, and asked of the same page URL before and after every step
def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, normalised; None for any other URL.

    A ``blob:`` URL belongs to the origin that made it. Hosts are lower-case and punycode, the
    default port is dropped: the same origin is always spelled the same way.
    """
    url = browser_url(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "blob":
        return origin_of(url[len("blob:") :])
    if scheme not in WEB_SCHEMES or not parts.hostname:
        return None
    try:
        port = parts.port
        host = parts.hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    return f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")


def parse_allowed_origins(text: str) -> tuple[str, ...]:
    """The value of ``webagent_allowed_origins``: origins separated by blanks, commas or lines."""
    origins: list[str] = []
    for entry in filter(None, re.split(r"[\s,]+", text)):
        origin, parts = origin_of(entry), urlsplit(entry)
        if entry == ANY_ORIGIN:
            origin, parts = entry, urlsplit("")
        if origin is None or parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(
                f"{entry!r} is not an origin: write scheme://host[:port] (http or https, no "
                "path), e.g. https://sso.example.com, or * for any"
            )
        if parts.username or parts.password:
            raise ValueError(f"{origin!r}: an allowed origin holds no user name or password")
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


@dataclass(frozen=True)
class AllowedOrigins:
    """The origins one case may visit, and the non-web schemes it names itself (``file``…)."""

    origins: frozenset[str]
    schemes: frozenset[str] = frozenset()
    base_url: str = ""  # what a path resolves against while the page is blank

    @classmethod
    def for_case(
        cls, configured: Iterable[str], base_url: str | None, case: Case
    ) -> AllowedOrigins:
        named = [base_url or "", *named_urls(case, base_url)]
        origins = {*configured, *filter(None, map(origin_of, named))}
        schemes = {
            urlsplit(url).scheme.lower()
            for url in named
            if url and origin_of(url) is None and urlsplit(url).scheme
        }
        return cls(frozenset(origins), frozenset(schemes), base_url or "")

    @property
    def any(self) -> bool:
        return ANY_ORIGIN in self.origins

    def allows(self, url: str) -> bool:
        """May the main frame show ``url``?"""
        if self.any or url in LOCAL_URLS:
            return True
        origin = origin_of(url)
        if origin is not None:
            return origin in self.origins
        return urlsplit(url).scheme.lower() in self.schemes

    def absolute(self, url: str, page_url: str) -> str:
        """Where a navigation to ``url`` from ``page_url`` goes, as Playwright resolves it."""
        return browser_url(url, page_url if origin_of(page_url) else self.base_url)

    def refusal(self, url: str) -> str | None:
        """Why going to ``url`` (absolute) is refused, in words a model can act on; None if not.

        A URL that is still relative (a blank page, no base URL) goes nowhere: Playwright refuses
        it as invalid.
        """
        if self.any or not urlsplit(url).scheme or (url not in LOCAL_URLS and self.allows(url)):
            return None
        where = "on another site" if origin_of(url) else "not a web page of the site under test"
        return f"{url!r} is {where}; navigate only within {self.describe()}"

    def describe(self) -> str:
        shown = sorted(self.origins) + sorted(f"{scheme}: URLs" for scheme in self.schemes)
        return ", ".join(shown) or "(none: no base URL, and the case names no URL)"

    def how_to_allow(self, url: str) -> str:
        origin = origin_of(url)
        if origin is None:
            scheme = urlsplit(url).scheme.lower()
            return f'hint: only a case\'s own url: or Go to "..." steps may open {scheme}: URLs'
        return HOW_TO_ALLOW.format(origin=origin)


def navigate_urls(steps: Iterable[Step]) -> set[str]:
    """The URLs of explicit ``Go to "..."`` steps, as written (placeholders kept)."""
    found = set()
    for step in steps:
        intent = parse_action(step.text) if step.kind is StepKind.ACTION else None
        if intent is not None and intent.type == "navigate":
            found.add(str(intent.fields["url"]))
    return found


def named_urls(case: Case, base_url: str | None) -> list[str]:
    """The URLs the case names itself, absolute: its ``url:`` and its explicit navigate steps."""
    named = [case.url] if case.url else []
    named += sorted(navigate_urls(case.steps))
    return [browser_url(url, base_url or "") for url in named]


def shown_url(url: str, limit: int = 200) -> str:
    """``url`` as failures show it: no query, fragment or user name, since a form sent with GET
    puts what was typed into the query, and at most ``limit`` characters (``data:`` URLs)."""
    parts = urlsplit(url)
    cut = bool(parts.query or parts.fragment)
    shown = parts._replace(netloc=parts.netloc.rpartition("@")[2], query="", fragment="").geturl()
    shown = shown + "?…" if cut else shown
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
