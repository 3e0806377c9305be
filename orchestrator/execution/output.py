"""The pipes of an attempt as watchers feed them, and the `Watcher` protocol the attempt loop
waits on.

A child writing more than we keep must never block on a full pipe, so what is read always goes
on to the run's output (`live.RunOutput`), which keeps head and tail and drops the middle.
"""

from __future__ import annotations

import time
from typing import Protocol

from orchestrator.execution.live import OutputSink

CHUNK = 65536


class Pipe:
    """One stream of an attempt as the watchers see it: what they read goes to the run's sink,
    stamped with the time it arrived."""

    def __init__(self, sink: OutputSink, stream: str) -> None:
        self.sink = sink
        self.stream = stream

    def feed(self, chunk: bytes) -> None:
        """A chunk read from the pipe (never empty)."""
        self.sink.write(self.stream, chunk, time.time())

    def end(self) -> None:
        """The pipe reached its end."""
        self.sink.end(self.stream)


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
