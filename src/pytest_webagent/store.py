"""The session's working store on disk (diskcache): safe to share between xdist workers.

It holds two things, both JSON (the cache is opened with ``JSONDisk``, so nothing is pickled):

* ``pending/<run>/<file>/<case>``: trajectory entries of cases that passed, written by whichever
  process ran them and merged into trajectory files by the controller at session end;
* ``memo/<hash>``: model answers keyed by a hash of model and messages, so re-planning an
  unchanged page costs nothing.

No eviction: a pending update must never disappear because the cache felt full. A store that
cannot be opened is moved aside (not deleted) and rebuilt, and the move is reported.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diskcache

SQLITE_TIMEOUT_SECONDS = 60
PENDING = "pending"
MEMO = "memo"


class WorkingStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: diskcache.Cache | None = None
        self.recovered_from: Path | None = None  # where a corrupt store was moved, if it was

    @property
    def cache(self) -> diskcache.Cache:
        if self._cache is None:
            self._cache = self._open()
        return self._cache

    def _open(self) -> diskcache.Cache:
        try:
            cache = self._connect()
            len(cache)  # a damaged database often opens fine and fails on the first read
            return cache
        except (sqlite3.DatabaseError, OSError, ValueError):
            aside = self.directory.with_name(f"{self.directory.name}.corrupt-{int(time.time())}")
            self.directory.rename(aside)
            self.recovered_from = aside
            return self._connect()

    def _connect(self) -> diskcache.Cache:
        return diskcache.Cache(
            str(self.directory),
            disk=diskcache.JSONDisk,
            eviction_policy="none",
            size_limit=2**40,
            timeout=SQLITE_TIMEOUT_SECONDS,
            statistics=False,
        )

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def put_pending(self, run_id: str, file: Path, case_id: str, entries: list[Any]) -> None:
        key = f"{PENDING}/{run_id}/{file}/{case_id}"
        self.cache.set(key, {"file": str(file), "case": case_id, "entries": entries})

    def pending(self, run_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        prefix = f"{PENDING}/{run_id}/"
        for key in list(self.cache.iterkeys()):
            if isinstance(key, str) and key.startswith(prefix):
                value = self.cache.get(key)
                if isinstance(value, dict):
                    yield key, value

    def discard(self, key: str) -> None:
        self.cache.delete(key)

    def memo_get(self, key: str) -> Any:
        return self.cache.get(f"{MEMO}/{key}")

    def memo_set(self, key: str, value: Any) -> None:
        self.cache.set(f"{MEMO}/{key}", value)

    def lock(self, name: str) -> diskcache.Lock:
        """A lock shared by every process using this store (xdist workers, parallel runs)."""
        return diskcache.Lock(self.cache, f"lock/{name}", expire=SQLITE_TIMEOUT_SECONDS)
