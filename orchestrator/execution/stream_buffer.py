"""One output stream as kept: the whole of it up to a cap, else its head, its tail and a gap.

Positions (offsets) count the bytes the job wrote to the stream, so a reader's offset stays
valid while the tail rolls on: an offset that fell into the dropped part reads as the gap
marker followed by the tail. Not thread-safe: `RunOutput` locks around it.
"""

from __future__ import annotations

import bisect
import os
import time

HEAD = 64 * 1024
# Chunk times kept for the live view's `time`; older chunks report the oldest time known.
TIMES_KEPT = 4096


def gap_marker(dropped: int) -> bytes:
    """The line that stands for the bytes left out between head and tail."""
    return f"\n[... {dropped} bytes dropped ...]\n".encode()


class StreamBuffer:
    """The first `HEAD` bytes and the last `cap - HEAD` bytes of a stream; under a cap of two
    heads, half of it each, so that the end (where errors are) is kept whatever the cap."""

    def __init__(self, cap: int) -> None:
        self.cap = max(0, cap)
        self.head_cap = min(HEAD, self.cap // 2)
        self.tail_cap = self.cap - self.head_cap
        self.head = bytearray()
        # The tail grows up to `tail_cap`, then turns into a ring whose oldest byte is at `at`:
        # a flood then costs one copy of each chunk, never a move of the whole tail.
        self.tail = bytearray()
        self.at = 0
        self.written = 0
        self.ends: list[int] = []  # stream position after each recent chunk
        self.stamps: list[float] = []  # and the time it arrived (epoch seconds)

    @classmethod
    def stored(cls, text: str, head: int, dropped: int) -> StreamBuffer:
        """A finished stream again from its stored text, to read it by offset like a live one."""
        data = text.encode("utf-8", "surrogatepass")
        buffer = cls(0)
        if dropped > 0:
            buffer.head = bytearray(data[:head])
            buffer.tail = bytearray(data[head + len(gap_marker(dropped)) :])
            buffer.written = head + dropped + len(buffer.tail)
        else:
            buffer.head = bytearray(data)
            buffer.written = len(data)
        return buffer

    @property
    def tail_start(self) -> int:
        return self.written - len(self.tail)

    @property
    def dropped(self) -> int:
        return self.tail_start - len(self.head)

    def feed(self, chunk: bytes | memoryview, when: float | None = None) -> None:
        """Keep `chunk` (any bytes-like object; it is copied, not held)."""
        if not chunk:
            return
        self.written += len(chunk)
        room = self.head_cap - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self._keep_tail(chunk)
        self._stamp(when)

    def _stamp(self, when: float | None) -> None:
        self.ends.append(self.written)
        self.stamps.append(time.time() if when is None else when)
        if len(self.ends) > TIMES_KEPT:
            del self.ends[: TIMES_KEPT // 2], self.stamps[: TIMES_KEPT // 2]

    def _keep_tail(self, chunk: bytes | memoryview) -> None:
        tail, size = self.tail, self.tail_cap
        if len(chunk) >= size:
            tail[:] = chunk[len(chunk) - size :]
            self.at = 0
            return
        room = size - len(tail)
        if room > 0:  # still filling: append
            tail += chunk[:room]
            chunk = chunk[room:]
        if chunk:  # full: overwrite the oldest bytes, wrapping at the end
            at, n = self.at, len(chunk)
            first = min(n, size - at)
            tail[at : at + first] = chunk[:first]
            tail[: n - first] = chunk[first:]
            self.at = (at + n) % size

    @property
    def ring_ready(self) -> bool:
        """Head and tail are full: from now on every byte goes to the ring (see `fill`)."""
        return self.tail_cap > 0 and len(self.tail) == self.tail_cap

    def fill(self, fd: int, when: float | None = None) -> int:
        """Read from `fd` straight into the ring (`ring_ready` must hold): a flood costs the
        kernel's one copy and no more. Returns the bytes read (0: end of the pipe)."""
        at = self.at
        with memoryview(self.tail) as view:
            size = os.readv(fd, [view[at:], view[:at]] if at else [view])
        if size:
            self.written += size
            self.at = (at + size) % self.tail_cap
            self._stamp(when)
        return size

    def _tail_bytes(self, start: int, stop: int) -> bytes:
        """Bytes `start` to `stop` of the tail in stream order (the ring unrolled)."""
        tail, at = self.tail, self.at
        stop = min(stop, len(tail))
        if start >= stop:
            return b""
        if not at:
            return bytes(tail[start:stop])
        size = len(tail)
        begin, end = at + start, at + stop
        if begin >= size:
            return bytes(tail[begin - size : end - size])
        if end <= size:
            return bytes(tail[begin:end])
        return bytes(tail[begin:]) + bytes(tail[: end - size])

    def time_at(self, position: int) -> float | None:
        """When the chunk holding the byte before `position` arrived (None: no chunk yet)."""
        if not self.stamps:
            return None
        index = bisect.bisect_left(self.ends, position)
        return self.stamps[min(index, len(self.stamps) - 1)]

    def read(self, offset: int, limit: int | None = None) -> tuple[bytes, int]:
        """Kept bytes from `offset` on (at most `limit` of them, a gap marker not counted) and
        the position after them. An offset in the dropped part starts with the gap marker."""
        offset = max(0, min(offset, self.written))
        budget = self.written if limit is None else limit
        parts: list[bytes] = []
        if offset < len(self.head):
            piece = bytes(self.head[offset : offset + budget])
            parts.append(piece)
            offset += len(piece)
            budget -= len(piece)
        if budget > 0 and offset < self.written:
            if offset < self.tail_start:
                parts.append(gap_marker(self.tail_start - offset))
                offset = self.tail_start
            start = offset - self.tail_start
            piece = self._tail_bytes(start, start + budget)
            parts.append(piece)
            offset += len(piece)
        return b"".join(parts), offset

    def kept(self) -> bytes:
        """Everything kept: head, the gap marker if bytes were dropped, and the tail."""
        return self.read(0)[0]


def whole_characters(data: bytes) -> int:
    """How many bytes of `data` remain once a UTF-8 character cut at its end is left out (it
    is read whole next time)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # the lead byte: says how long its character is
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)
