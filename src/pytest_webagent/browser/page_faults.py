"""The failures a page itself can cause, in the words reports use for them."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

from pytest_webagent.errors import StepFailed


class LeftAllowedOrigins(StepFailed):
    headline = "navigation left the allowed origins"


class PageCrashed(StepFailed):
    headline = "page crashed"

    def __init__(self) -> None:
        super().__init__(
            "the page crashed (the browser's process for it died): nothing more can run in it",
            hints=[
                "hint: usually the browser ran out of memory (in containers, a small /dev/shm: "
                "launch Chromium with --disable-dev-shm-usage) or met a bug; run the case again"
            ],
        )


class PageNotLoaded(StepFailed):
    headline = "page did not load"


DIALOG_HINT = (
    "without a dialog listener of your own Playwright dismisses dialogs (confirm() returns "
    "false, prompt() null) and accepts beforeunload; see docs/troubleshooting.md#dialogs"
)
NOT_LOADING_HINT = (
    "hint: is the application up? A page waits for its load event: images, scripts and frames "
    "that never finish keep it loading"
)


def may_be_a_crash(failure: BaseException) -> bool:
    """Whether a crash could explain ``failure``: an error of the browser that says so, or that
    the page was closed or its navigation aborted (what a crash during a navigation looks like).
    A check that did not hold never is."""
    error = failure if isinstance(failure, PlaywrightError) else failure.__cause__
    text = str(error).lower()
    return isinstance(error, PlaywrightError) and any(
        word in text for word in ("crash", "err_aborted", "closed")
    )


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
