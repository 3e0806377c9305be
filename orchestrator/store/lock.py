"""The data-directory lock: one process at a time opens a data directory.

Two servers on one data directory would each take the other's running runs for crash leftovers
and both write the store. The lock is an OS file lock (flock on POSIX, msvcrt on Windows) held
by the kernel, so it goes away with its holder however that ends; the file keeps the holder's
PID for the message the next one shows. Take it before opening the store or stopping leftovers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from orchestrator.errors import OrchestratorError
from orchestrator.log import get_logger

log = get_logger("orchestrator.store")
LOCK_NAME = "orchestrator.lock"


class DataDirLocked(OrchestratorError):
    status = 409
    code = "data_dir_locked"


class DataLock:
    """Held from `acquire()` until `release()` or the end of the process."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> DataLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held open on purpose
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DataDirLocked(
                f"The data directory {self.path.parent} is in use by another Orchestrator "
                f"process (PID {holder}); stop it first, or use another data directory.",
                {"pid": holder, "lock_file": str(self.path)},
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        log.debug("data directory locked", path=str(self.path), pid=os.getpid())
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock
            self._file = None

    def __enter__(self) -> DataLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


def _lock(handle: IO[str]) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        # Lock a byte far past the PID so the text stays readable to the next process.
        handle.seek(1 << 20)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
