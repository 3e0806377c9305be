"""Giving freed memory back to the system after retention removed a large part of the history.

A purge frees the run records, yet the server's RSS stays at its high-water mark, for two
reasons (measured: 27,000 of 30,000 runs purged, RSS 130 MB before and after the purge):
- Python's small-object allocator returns a 1 MiB arena only once every block in it is free, and
  the interpreter's free lists (floats, tuples, dicts and lists kept for reuse) hold blocks
  scattered over many arenas. A full collection empties those lists: 130 -> 104 MB.
- glibc's allocator (the larger parts: dict tables, long strings) keeps freed chunks inside its
  heap and gives back only what is free at its very top. `malloc_trim(0)` returns every whole
  free page inside the heap: 104 -> 90 MB (86 MB with no run at all).
`malloc_trim` exists only in glibc (not musl, macOS or Windows); elsewhere only the collection
is done.
"""

from __future__ import annotations

import ctypes
import gc
import platform
import time
from collections.abc import Callable

import psutil

from orchestrator.log import get_logger

log = get_logger("orchestrator.memory")


def _find_trim() -> Callable[[int], int] | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _find_trim()


def can_trim() -> bool:
    """True where freed heap pages can be handed back (glibc)."""
    return _TRIM is not None


def release_memory() -> int:
    """Empty the free lists (a full collection), then hand the heap's free pages back to the
    system; returns the bytes RSS fell by."""
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    gc.collect()
    collected = time.perf_counter()
    if _TRIM is not None:
        _TRIM(0)  # ctypes lets other threads run meanwhile
    after = process.memory_info().rss
    log.debug(
        "memory released",
        rss_before=before,
        rss_after=after,
        released=before - after,
        collect_seconds=round(collected - started, 4),
        trim_seconds=round(time.perf_counter() - collected, 4),
    )
    return max(before - after, 0)
