"""The session's working store on disk (diskcache): safe to share between xdist workers.

It holds two things, both JSON text (``JSONTextDisk``: string keys, JSON values, never pickle, so
``sqlite3 .webagent-cache/cache.db 'select key, value from Cache'`` shows them as they are):

* ``pending/<run>/<file>/<case>``: trajectory entries of cases that passed, written by whichever
  process ran them and merged into trajectory files by the controller at session end;
* ``memo/<hash>``: model answers keyed by a hash of model and messages, so re-planning an
  unchanged page costs nothing.

No eviction: a pending update must never disappear because the cache felt full. A store that
cannot be opened is moved aside (not deleted) and rebuilt, and the move is reported.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE, UNKNOWN

SQLITE_TIMEOUT_SECONDS = 60
PENDING = "pending"
MEMO = "memo"


class JSONTextDisk(diskcache.Disk):  # type: ignore[misc]  # diskcache has no type hints
    """Keys are plain strings and values JSON text; nothing is ever pickled or unpickled.

    diskcache's own ``JSONDisk`` stores zlib-compressed bytes, unreadable without code, and the
    default ``Disk`` unpickles what it finds: a tampered cache file would run code.
    """

    def put(self, key: Any) -> tuple[Any, bool]:
        if not isinstance(key, str):
            raise TypeError(f"working store keys are strings, not {type(key).__name__}")
        return super().put(key)  # type: ignore[no-any-return]

    def get(self, key: Any, raw: bool) -> Any:
        # Keys we wrote are raw strings; anything else is not ours and is not unpickled.
        return key if raw else None

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> Any:
        if read:
            raise TypeError("the working store holds JSON values, not files")
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return super().store(text, False, key=key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE or read:
            return None
        data = super().fetch(mode, filename, value, read)
        try:
            return json.loads(data)
        except (TypeError, ValueError):
            return None  # written by another version (e.g. compressed): as if it were absent


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

    def open(self) -> None:
        """Open now rather than on first use (repairing a damaged store, if need be)."""
        _ = self.cache

    def _open(self) -> diskcache.Cache:
        try:
            cache = self._connect()
            len(cache)  # a damaged database often opens fine and fails on the first read
            return cache
        except (sqlite3.DatabaseError, OSError, ValueError):
            self._move_aside()
            return self._connect()

    def _move_aside(self) -> None:
        """Keep the damaged store for inspection, under a name no other process can pick."""
        aside = self.directory.with_name(f"{self.directory.name}.corrupt-{uuid.uuid4().hex[:8]}")
        try:
            self.directory.rename(aside)
        except FileNotFoundError:
            return  # another process moved it first; the fresh store is theirs too
        self.recovered_from = aside

    def _connect(self) -> diskcache.Cache:
        return diskcache.Cache(
            str(self.directory),
            disk=JSONTextDisk,
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
