"""Downloads a page starts: cancelled, and whatever arrived deleted, unless the case opted in.

Playwright accepts downloads by default (pytest-playwright does not change that) and writes them
into the browser's temporary folder; a page under test must not write files through a case that
never asked for it. A case opts in with pytest-playwright's ``browser_context_args`` (its mark or
its fixture) setting ``accept_downloads: true``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import suppress

from playwright.sync_api import Download, Page
from playwright.sync_api import Error as PlaywrightError

from pytest_webagent.browser.origins import shown_url

OPT_IN = "marks: - browser_context_args: {accept_downloads: true}"


class DownloadRefusedWarning(UserWarning):
    """A page started a download; it was cancelled because the case did not opt in."""


def refuse_downloads(page: Page, case_label: str, mask: Callable[[str], str]) -> None:
    """Cancel every download ``page`` starts, saying so as a warning that names the case.

    ``mask`` hides secret values: a page can name a download after what was typed.

    Named by case, not step: the download event trails the click (it arrives while the next step
    runs).
    """

    def refuse(download: Download) -> None:
        with suppress(PlaywrightError):
            download.cancel()
        # A small file may have arrived whole before the cancel. (Deleting a cancelled download
        # raises "canceled".)
        with suppress(PlaywrightError):
            download.delete()
        name, source = download.suggested_filename, shown_url(download.url)
        warnings.warn(
            DownloadRefusedWarning(
                mask(
                    f"{case_label}: the page started a download of {name!r} from {source}; it "
                    f"was cancelled: downloads are off unless the case opts in ({OPT_IN})"
                )
            ),
            stacklevel=1,
        )

    page.on("download", refuse)
