"""What does stopping off-origin navigations before they leave cost?

The navigation guard (``browser/navigation_guard.py``) shares one CDP session per browser that
pauses the document requests whose origin is not one the guarded pages allow
(``browser/document_patterns.py``: about 2,000 ``Fetch`` patterns for one origin). This times, in
two browsers of the same executable (one no guard ever touches), alternating (a) without and (b)
with a guard on a fresh page each repetition:

* the first guard of the browser, once (the browser's CDP session, ``Fetch.enable`` with the
  patterns), and the guard of every later page;
* ``page.goto`` of a small page, ``--navigations`` times per repetition: within the allowed
  origin nothing is paused, so what is left is Chromium's interception of the request itself;
* ``page.goto`` of a page with 60 images: sub-resources are never paused, but each one still
  goes through Chromium's interceptor while ``Fetch`` is on (measured: 1.23x, benchmarks/README.md).

Run: ``python benchmarks/navigation_guard.py [--repetitions 15] [--navigations 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
try:
    import pytest_webagent  # noqa: F401
except ImportError:  # Not installed: run from a checkout.
    sys.path.insert(0, str(ROOT / "src"))

from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS  # noqa: E402
from pytest_webagent.browser.navigation_guard import NavigationGuard  # noqa: E402
from pytest_webagent.browser.origins import AllowedOrigins, origin_of  # noqa: E402

IMAGES = 60
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e5273de40000000049454e44ae426082"
)
PAGES = {
    "/small": b"<!doctype html><title>small</title><p>A small page.</p>",
    "/images": (
        "<!doctype html><title>images</title>"
        + "".join(f'<img src="/pixel-{n}.png" alt="">' for n in range(IMAGES))
    ).encode(),
}


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/pixel-"):
            body, kind = PIXEL, "image/png"
        else:
            body, kind = PAGES.get(path, b""), "text/html"
        try:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")  # every load asks the server again
            self.end_headers()
            self.wfile.write(body)
        except ConnectionError:  # the browser moved on before the answer came (favicons)
            pass

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def timed_run(
    browser: Browser, url: str, navigations: int, guarded: bool
) -> tuple[float, float, float]:
    """(guard setup ms, one small navigation ms, one navigation with images ms), fresh page."""
    context = browser.new_context()
    try:
        page = context.new_page()
        started = time.perf_counter()
        if guarded:
            NavigationGuard(page, AllowedOrigins(frozenset({str(origin_of(url))})))
        setup = (time.perf_counter() - started) * 1000
        per_page = []
        for path in ("/small", "/images"):
            started = time.perf_counter()
            for _ in range(navigations):
                page.goto(url + path)
            per_page.append((time.perf_counter() - started) * 1000 / navigations)
        return setup, per_page[0], per_page[1]
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--navigations", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    times: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
    with serve() as url, sync_playwright() as playwright:
        # The guard's pauses stay on until a test that does not use the plugin comes (none does
        # here): the runs without it get a browser no guard ever touched.
        browsers = {
            guarded: playwright.chromium.launch(
                executable_path=args.chromium, args=list(SYSTEM_CHROMIUM_FLAGS)
            )
            for guarded in (True, False)
        }
        first_guard = timed_run(browsers[True], url, 1, guarded=True)[0]
        timed_run(browsers[False], url, args.navigations, guarded=False)  # warms it up alike
        for repetition in range(args.repetitions):
            order = (True, False) if repetition % 2 else (False, True)
            for guarded in order:
                times[guarded].append(timed_run(browsers[guarded], url, args.navigations, guarded))
        for browser in browsers.values():
            browser.close()
    setup, small, images = (
        {guarded: statistics.median(run[part] for run in times[guarded]) for guarded in times}
        for part in range(3)
    )
    print(f"{args.repetitions} repetitions of {args.navigations} navigations, medians")
    print(f"first guard of the browser: {first_guard:.1f} ms (once per browser)")
    print(f"guard of each later page: {setup[True]:.1f} ms")
    for name, measured in (("small page", small), (f"page with {IMAGES} images", images)):
        print(
            f"one navigation, {name}: {measured[True]:.2f} ms with the guard, "
            f"{measured[False]:.2f} ms without ({measured[True] / measured[False]:.2f}x)"
        )


if __name__ == "__main__":
    main()
