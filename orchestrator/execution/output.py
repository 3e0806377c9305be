"""The pipes of an attempt as watchers feed them, and the `Watcher` protocol the attempt loop
waits on.

A child writing more than we keep must never block on a full pipe, so what is read always goes
on to the run's output (`live.RunOutput`), which keeps head and tail and drops the middle.

A job that writes as fast as it can would otherwise wake its reader for every few KiB it
writes: thousands of reads a second, each a turn of Python holding the GIL the server's other
threads need. Once a read shows such a flood, the pipe is enlarged (Linux lets a pipe hold
1 MiB) and read after a pause of a millisecond, so that each read takes up to 1 MiB: a few
hundred reads for 200 MB, the job hardly slowed. Once only the tail still takes bytes, the run's
output reads the pipe straight into it (`RunOutput.fill`): one copy, by the kernel.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import Protocol

from orchestrator.execution.live import OutputSink

CHUNK = 65536
FLOOD_AT = 16384  # a read this large: the job writes faster than its reader wakes
FLOOD_PIPE = 1 << 20  # the pipe size asked for a flood (Linux's default pipe-max-size)
PAUSE = 0.001  # after a large read, so the enlarged pipe fills (1 MiB takes ~1 ms at 1 GB/s)

try:
    import fcntl
except ImportError:  # Windows: no pipe sizes to set
    fcntl = None
# Linux's fcntl commands for a pipe's size (the module names them from Python 3.10 on Linux).
_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", None)
_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", None)


class Pipe:
    """One stream of an attempt as the watchers see it: what they read goes to the run's sink,
    stamped with the time it arrived."""

    def __init__(self, sink: OutputSink, stream: str) -> None:
        self.sink = sink
        self.stream = stream
        # A sink that can read the pipe itself (`live.RunOutput.fill`), saving a copy.
        self.fill = getattr(sink, "fill", None)
        self.size = CHUNK  # what one read takes: the pipe's size once it is enlarged
        self.pause = False  # the last read was large: let the pipe fill before the next
        # Called once, before the first bytes reach the sink (the shared watcher tells the
        # attempt's start then, so that output never shows before the run is `running`).
        self.before_output: Callable[[], None] | None = None

    def feed(self, chunk: bytes) -> None:
        """A chunk read from the pipe (never empty)."""
        self.sink.write(self.stream, chunk, time.time())

    def end(self) -> None:
        """The pipe reached its end."""
        self.sink.end(self.stream)

    def read(self, fd: int) -> bool:
        """Read what `fd` holds (it is readable) into the sink; False at the end of the pipe."""
        flooding = self.size > CHUNK
        size = self.fill(self.stream, fd, time.time()) if flooding and self.fill else None
        if size is None:  # the sink must see the bytes: read them here
            chunk = os.read(fd, self.size)
            size = len(chunk)
            if size:
                if self.before_output is not None:
                    self.before_output()
                    self.before_output = None
                if size >= FLOOD_AT and not flooding:
                    self._flood(fd)
                self.feed(chunk)
        self.pause = size >= FLOOD_AT and self.size > CHUNK
        return size > 0

    def _flood(self, fd: int) -> None:
        """Enlarge the pipe and read it in large pieces from now on, where the system allows;
        a pipe that stays small is read as before (a pause would only slow the job)."""
        if _SETPIPE_SZ is None or _GETPIPE_SZ is None:
            return
        with contextlib.suppress(OSError):  # over the user's pipe quota: EPERM
            fcntl.fcntl(fd, _SETPIPE_SZ, FLOOD_PIPE)
        with contextlib.suppress(OSError):
            self.size = max(CHUNK, fcntl.fcntl(fd, _GETPIPE_SZ))
            if self.size < FLOOD_PIPE:
                self.size = CHUNK


class Watcher(Protocol):
    """Waits for the next thing to happen to a running attempt and records it."""

    @property
    def exited(self) -> bool:
        """The shell (the leader of the process tree) has ended."""
        ...

    @property
    def streams_open(self) -> bool:
        """stdout or stderr may still deliver data."""
        ...

    def poll(self, timeout: float | None) -> None:
        """Block until output, end of a stream, the leader's exit or a wake, or `timeout`."""
        ...

    def wake(self) -> None:
        """Make a blocked `poll` return now; thread-safe and harmless after `close`."""
        ...

    def close(self) -> None:
        """Stop watching and release what the watcher holds."""
        ...
