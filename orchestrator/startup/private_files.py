"""What the server writes is readable by its own user only.

Run outputs, contexts, the audit trail, logs and keys live in the data directory, so on POSIX the
server creates everything with the permission mask 077: directories 0700, files 0600 (SQLite's
-wal and -shm files take the mode of the store file). Jobs are not the server's files: they
start with the mask the server itself was started with, as a shell would give them.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestrator.log import get_logger

log = get_logger("orchestrator.startup")
PRIVATE_MASK = 0o077
_started_with: int | None = None


def keep_private() -> None:
    """From now on the process creates files only its user can read (POSIX; once)."""
    global _started_with
    if os.name == "posix" and _started_with is None:
        _started_with = os.umask(PRIVATE_MASK)


def job_umask() -> int:
    """The mask a job starts with: the server's original one; -1 (leave it) elsewhere."""
    return -1 if _started_with is None else _started_with


def warn_if_shared(data_dir: Path) -> None:
    """A data directory made before this rule (or opened up by hand) is said to be readable by
    others, once at start; the server does not change modes it did not set."""
    if os.name != "posix" or not data_dir.is_dir():
        return
    mode = data_dir.stat().st_mode & 0o777
    if mode & PRIVATE_MASK:
        log.warning(
            "the data directory can be read by other users; run: chmod 700 " + str(data_dir),
            path=str(data_dir),
            mode=oct(mode),
        )
