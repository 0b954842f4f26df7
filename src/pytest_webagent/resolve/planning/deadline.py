"""A deadline for one whole HTTP request to the model, body included.

The ``openai`` client's timeout bounds each wait for the network, so a server (or a proxy) that
trickles its answer a few bytes at a time, each before the timeout, could hold a step for ever.
These event hooks give each request a deadline and checks it between every piece of the body that
arrives: a request ends at most one network wait (itself bounded by the timeout) after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

try:  # openai 2.x sends its requests with httpx2, earlier versions with httpx
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx  # type: ignore[no-redef,import-not-found,unused-ignore]


TOO_SLOW = "the whole response took longer than {:g}s"
DEADLINE = "webagent_deadline"  # the request's deadline, kept in its extensions


class _DeadlineStream(httpx.SyncByteStream):
    def __init__(self, inner: Any, deadline: float, request: httpx.Request, seconds: float) -> None:
        self._inner = inner
        self._deadline = deadline
        self._request = request
        self._seconds = seconds

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                # openai turns it into its timeout error: "did not answer within …s".
                raise httpx.ReadTimeout(TOO_SLOW.format(self._seconds), request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


def http_client(seconds: float) -> httpx.Client:
    """An HTTP client for the ``openai`` client: its defaults (proxies from the environment
    included), and the whole-request deadline, set by event hooks."""
    from openai import DefaultHttpxClient

    def start(request: httpx.Request) -> None:
        request.extensions[DEADLINE] = time.monotonic() + seconds

    def bound(response: httpx.Response) -> None:
        # Called once the headers are in, before the body is read: the body is read through this.
        request = response.request
        deadline = request.extensions.get(DEADLINE, time.monotonic() + seconds)
        response.stream = _DeadlineStream(response.stream, deadline, request, seconds)

    hooks: dict[str, list[Callable[..., Any]]] = {"request": [start], "response": [bound]}
    return DefaultHttpxClient(event_hooks=hooks)
