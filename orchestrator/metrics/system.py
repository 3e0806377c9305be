"""One cheap sample of the machine and of this process: CPU, memory, disk, I/O.

Sampled every few seconds by the Sampler actor, so nothing here may sleep: CPU percentages are
measured since the previous call (psutil's non-blocking mode), which is the sampling period.
Fields psutil cannot read on a platform (I/O counters in some containers) are None.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psutil

from orchestrator.models.fields import iso, now

_process: psutil.Process | None = None


def sample(data_dir: Path) -> dict[str, Any]:
    """The machine and this process right now; the data directory's disk for `disk`."""
    memory = psutil.virtual_memory()
    disk = psutil.disk_usage(str(_existing(Path(data_dir))))
    return {
        "time": iso(now()),
        "cpu_percent": psutil.cpu_percent(None),
        "cpu_count": psutil.cpu_count() or 1,
        "memory": {
            "total": memory.total,
            "available": memory.available,
            "used": memory.used,
            "percent": memory.percent,
        },
        "disk": {
            "total": disk.total,
            "used": disk.used,
            "free": disk.free,
            "percent": disk.percent,
        },
        "io": _io(),
        "process": _own_process(),
    }


def _existing(path: Path) -> Path:
    """The data directory, or its nearest existing parent before the server has created it."""
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _io() -> dict[str, int | None]:
    try:
        disk = psutil.disk_io_counters()
    except (OSError, RuntimeError):
        disk = None
    try:
        net = psutil.net_io_counters()
    except (OSError, RuntimeError):
        net = None
    return {
        "disk_read_bytes": disk.read_bytes if disk else None,
        "disk_write_bytes": disk.write_bytes if disk else None,
        "net_sent_bytes": net.bytes_sent if net else None,
        "net_recv_bytes": net.bytes_recv if net else None,
    }


def _own_process() -> dict[str, Any]:
    global _process
    # psutil measures a process's CPU since the previous call on the same object, so keep one
    # (a new one after a fork, whose PID differs).
    if _process is None or _process.pid != os.getpid():
        _process = psutil.Process()
    proc = _process
    with proc.oneshot():
        # POSIX counts file descriptors; Windows has handles instead.
        open_files = proc.num_fds() if hasattr(proc, "num_fds") else proc.num_handles()
        return {
            "pid": proc.pid,
            "rss": proc.memory_info().rss,
            "threads": proc.num_threads(),
            "open_files": open_files,
            "cpu_percent": proc.cpu_percent(None),
        }
