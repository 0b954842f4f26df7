"""The session's working store on disk (diskcache): safe to share between xdist workers.

It holds two things, both JSON text (``JSONTextDisk``: string keys, JSON values, never pickle, so
``sqlite3 .webagent-cache/cache.db 'select key, value from Cache'`` shows them as they are):

* ``pending/<run>/<file>/<case>``: trajectory entries of cases that passed, written by whichever
  process ran them and merged into trajectory files by the controller at session end;
* ``memo/<hash>``: model answers keyed by a hash of model and messages, so re-planning an
  unchanged page costs nothing.

No eviction: a pending update must never disappear because the cache felt full. A store that is
damaged (not a database, malformed) is moved aside (not deleted) and rebuilt, and the move is
reported; a store that cannot be used for another reason (a full disk, a read-only folder) is left
as it is and ``StoreUnavailable`` says why. The memo is an optimisation: when the store fails, it
is skipped. Run ids carry the process and host that own them, so a later run can tell the pending
updates of a run that died (SIGKILL, a power cut) from those of a run still going.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE, UNKNOWN

from pytest_webagent.errors import WebagentError

SQLITE_TIMEOUT_SECONDS = 60
PENDING = "pending"
MEMO = "memo"
STORE_ERRORS = (sqlite3.Error, OSError)


class StoreUnavailable(WebagentError):
    """The working store cannot be used (full disk, read-only folder); it is left as it is."""


@dataclass(frozen=True)
class Damaged:
    """A stored value that could not be read back (its value file missing or not JSON)."""

    reason: str


def new_run_id() -> str:
    """``<random>.<pid>.<host>``: unique, and saying which process owns the run's pending."""
    return f"{uuid.uuid4().hex}.{os.getpid()}.{socket.gethostname()}"


def run_is_alive(run_id: str) -> bool | None:
    """Whether the process that owns ``run_id`` still runs: None when that cannot be told (it
    ran on another host sharing the store). A run id of an older version says nothing: dead."""
    _, _, owner = run_id.partition(".")
    pid_text, _, host = owner.partition(".")
    if not pid_text.isdigit():
        return False
    if host != socket.gethostname():
        return None
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process with that id: alive
    return True


def is_damage(error: BaseException) -> bool:
    """A store that is damaged, as opposed to one that cannot be used now: only the first is moved
    aside. SQLite says "database or disk is full", "unable to open", "readonly database", "disk
    I/O error" with ``OperationalError``; "file is not a database" and "malformed" with the base
    ``DatabaseError``."""
    if isinstance(error, sqlite3.OperationalError):
        return False
    return isinstance(error, (sqlite3.DatabaseError, ValueError))


def describe_store_error(error: BaseException) -> str:
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or "full" in str(error):
        return f"{error} (the disk is full)"
    return str(error) or type(error).__name__


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
        try:
            data = super().fetch(mode, filename, value, read)
        except OSError as error:  # diskcache would take it for "absent", silently
            return Damaged(f"its value file {filename} cannot be read: {error.strerror}")
        except ValueError:
            data = None  # not text (UnicodeDecodeError): damaged, said below
        try:
            return json.loads(data)
        except (TypeError, ValueError, RecursionError):
            where = f"file {filename}" if filename else "in the database"
            return Damaged(f"its value {where} is not JSON text")


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
        except (*STORE_ERRORS, ValueError) as error:
            if not is_damage(error):
                raise self.unavailable(error) from None
        self._move_aside()
        try:
            return self._connect()
        except STORE_ERRORS as error:
            raise self.unavailable(error) from None

    def unavailable(self, error: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"the working store {self.directory} cannot be used: {describe_store_error(error)}; "
            "it was left as it is: free some space or make it writable, or point "
            "webagent_cache_dir elsewhere"
        )

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

    def put_pending(
        self, run_id: str, file: Path, case_id: str, entries: list[Any], base: list[Any]
    ) -> None:
        """Queue a passing case's entries; ``base`` is what the file held for it when the case
        started, so a later run merging them after a crash can tell whether they are outdated."""
        key = f"{PENDING}/{run_id}/{file}/{case_id}"
        value = {"file": str(file), "case": case_id, "entries": entries, "base": base}
        try:
            self.cache.set(key, value)
        except STORE_ERRORS as error:
            raise self.unavailable(error) from None

    def pending(self, run_id: str) -> Iterator[tuple[str, dict[str, Any] | Damaged]]:
        """The pending updates of ``run_id``: each a value, or ``Damaged`` saying why not."""
        prefix = f"{PENDING}/{run_id}/"
        for key in list(self.cache.iterkeys()):
            if isinstance(key, str) and key.startswith(prefix):
                value = self.cache.get(key, default=Damaged("it vanished while being read"))
                yield key, value if isinstance(value, (dict, Damaged)) else Damaged("not a mapping")

    def pending_runs(self) -> set[str]:
        """Run ids that have pending updates in the store."""
        prefix = f"{PENDING}/"
        return {
            key[len(prefix) :].split("/", 1)[0]
            for key in self.cache.iterkeys()
            if isinstance(key, str) and key.startswith(prefix)
        }

    def discard(self, key: str) -> None:
        self.cache.delete(key)

    def memo_get(self, key: str) -> Any:
        try:
            value = self.cache.get(f"{MEMO}/{key}")
        except (*STORE_ERRORS, StoreUnavailable):
            return None  # the memo only saves a question; without it the model is asked
        return None if isinstance(value, Damaged) else value

    def memo_set(self, key: str, value: Any) -> None:
        try:
            self.cache.set(f"{MEMO}/{key}", value)
        except (*STORE_ERRORS, StoreUnavailable):
            pass  # a full disk must not fail the step the answer came from

    def lock(self, name: str) -> diskcache.Lock:
        """A lock shared by every process using this store (xdist workers, parallel runs)."""
        return diskcache.Lock(self.cache, f"lock/{name}", expire=SQLITE_TIMEOUT_SECONDS)
