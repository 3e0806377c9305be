"""Capped output buffers, and the `Watcher` protocol the attempt loop waits on.

A child writing more than we keep must never block on a full pipe, so buffers accept everything
and silently drop what is past the cap, remembering that they did.
"""

from __future__ import annotations

from typing import Protocol

CHUNK = 65536


class CappedBuffer:
    """Keeps the first `cap` bytes of a stream and counts whether anything was dropped."""

    def __init__(self, cap: int) -> None:
        self.cap = max(0, cap)
        self.data = bytearray()
        self.truncated = False

    def feed(self, chunk: bytes) -> None:
        """Append what fits under the cap; drop the rest."""
        room = self.cap - len(self.data)
        if len(chunk) <= room:
            self.data += chunk
            return
        if room > 0:
            self.data += chunk[:room]
        self.truncated = True

    def text(self) -> str:
        """The kept bytes as text; invalid UTF-8 (or a character cut by the cap) becomes U+FFFD."""
        return self.data.decode("utf-8", errors="replace")


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
