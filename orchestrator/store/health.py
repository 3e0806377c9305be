"""Whether the store can be written, and the errors a request gets when it cannot.

The Storage actor records every failed and every successful commit here; `/health` reads it from
the gateway's thread (plain attribute reads, no lock needed). The log says why the store failed
once, at error level, and once more at info level when writes work again.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from orchestrator.errors import OrchestratorError
from orchestrator.log import get_logger

try:
    import resource
except ImportError:  # Windows: no file-size limit to look at
    resource = None  # type: ignore[assignment]

log = get_logger("orchestrator.storage")
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_LOW_SPACE = 1 << 20  # bytes: below this much room, an I/O error is taken for a full disk


class InsufficientStorage(OrchestratorError):
    status = 507
    code = "insufficient_storage"


class StoreUnavailable(OrchestratorError):
    status = 503
    code = "store_unavailable"


def store_error(err: BaseException, path: Path) -> OrchestratorError:
    """The error a request gets when its write could not be committed."""
    cause = f"{type(err).__name__}: {err}"
    if _is_full(err, path):
        return InsufficientStorage(
            "The store cannot be written: the disk is full or the file is too large; "
            "nothing was changed.",
            {"cause": cause},
        )
    return StoreUnavailable(
        "The store cannot be written just now; nothing was changed.", {"cause": cause}
    )


def _is_full(err: BaseException, path: Path) -> bool:
    if isinstance(err, OSError):
        return err.errno in _FULL_ERRNOS
    if not isinstance(err, sqlite3.Error):
        return False
    code = getattr(err, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_FULL:
        return True
    # SQLite reports a write refused with EFBIG or ENOSPC at the very start of a page as a bare
    # I/O error; look at the room left to tell a full disk from other faults.
    return code == _SQLITE_IOERR and _no_room(path)


def _no_room(path: Path) -> bool:
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0] if resource else -1
    if resource and soft != resource.RLIM_INFINITY:
        sizes = [path, path.with_name(path.name + "-wal")]
        if any(p.exists() and p.stat().st_size >= soft - _LOW_SPACE for p in sizes):
            return True
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < _LOW_SPACE


class StoreHealth:
    """Is the store failing to write, since when, and why."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failing_since: float | None = None
        self.error: OrchestratorError | None = None
        self.waiting = 0  # writes kept to be retried

    def failed(self, err: BaseException, waiting: int) -> OrchestratorError:
        """Record a failed commit; returns the error to answer with. Logs the first one."""
        error = store_error(err, self.path)
        first = self.failing_since is None
        if first:
            self.failing_since = time.monotonic()
            log.error(
                "the store cannot be written; writes are refused and retried until it can",
                path=str(self.path),
                error=error.details["cause"],
                code=error.code,
            )
        self.error, self.waiting = error, waiting
        return error

    def succeeded(self) -> bool:
        """Record a successful commit; True when it ends a failure (logged once)."""
        if self.failing_since is None:
            return False
        seconds = round(time.monotonic() - self.failing_since, 1)
        self.failing_since, self.error, self.waiting = None, None, 0
        log.info("the store can be written again", failed_for_seconds=seconds)
        return True

    def current(self) -> OrchestratorError:
        """A fresh copy of the error of the last failed commit, to raise."""
        error = self.error or StoreUnavailable("The store cannot be written just now.")
        return type(error)(error.message, dict(error.details))

    def problem(self) -> dict[str, Any] | None:
        """What `/health` reports while the store cannot be written; None when it can."""
        error, since = self.error, self.failing_since
        if error is None or since is None:
            return None
        return {
            "code": error.code,
            "message": "The store cannot be written: " + error.details["cause"],
            "details": {
                "failing_for_seconds": round(time.monotonic() - since, 1),
                "writes_waiting": self.waiting,
            },
        }
