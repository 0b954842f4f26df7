"""The lock every writer of a trajectory file takes: the session-end merge, ``--webagent-prune``
and ``webagent prune``.

It is an advisory ``flock`` on the ``__trajectories__`` folder itself, so it needs no lock file in
the repository, is shared by every process whatever working store (or none) it uses, and is
released by the kernel when its holder dies, even by ``kill -9``. A writer reads the file, changes
it and writes it back while holding the lock, so no update made in between is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; writers are not serialised there
    fcntl = None  # type: ignore[assignment]


@contextmanager
def trajectory_lock(path: Path) -> Iterator[None]:
    """Hold the lock of the folder of the trajectory file ``path`` (created if missing).

    Raises ``OSError`` when the folder cannot be created or opened (a read-only checkout).
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # blocks until the holder is done (or dead)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
