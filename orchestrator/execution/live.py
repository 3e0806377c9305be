"""The output of one run while it is written: what executors feed and followers read.

An executor's thread writes chunks; any other thread (the gateway's event loop) reads what is
there under the same lock, and listeners are called after each write, so following a run costs
no actor message per chunk. `LiveOutputs` is the registry of the runs being written, shared by
the JobRun actors (which add and remove) and the gateway (which reads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from orchestrator.execution.masking import Masker
from orchestrator.execution.stream_buffer import StreamBuffer

STREAMS = ("stdout", "stderr")
Listener = Callable[[], None]


class OutputSink(Protocol):
    """Where an executor delivers output as it comes: chunks, each with its stream and time."""

    def write(self, stream: str, chunk: bytes, when: float | None = None) -> None:
        """A chunk of `stream` ("stdout" or "stderr") that arrived at `when` (epoch seconds)."""
        ...

    def end(self, stream: str) -> None:
        """`stream` of the current attempt has ended (releases what masking held back)."""
        ...


class RunOutput:
    """Both streams of a run, capped per stream at `cap` bytes, secrets masked."""

    def __init__(self, cap: int, secrets: Iterable[str] = ()) -> None:
        self.lock = threading.Lock()
        self.streams = {name: StreamBuffer(cap) for name in STREAMS}
        self.secrets = tuple(secrets)
        # Without secrets nothing is masked: no masker is made (one per stream per run).
        self.maskers = {name: Masker(self.secrets) for name in STREAMS} if self.secrets else {}
        self.complete = False
        self._listeners: dict[int, Listener] = {}
        self._next = 0

    def write(self, stream: str, chunk: bytes, when: float | None = None) -> None:
        data = self.maskers[stream].feed(chunk) if self.secrets else chunk
        if data:
            with self.lock:
                self.streams[stream].feed(data, when)
            if self._listeners:  # nobody follows: no call at all
                self._notify()

    def fill(self, stream: str, fd: int, when: float | None = None) -> int | None:
        """Read the readable pipe `fd` straight into `stream`'s kept tail when nothing needs to
        see the bytes on the way (no secrets) and only the tail still takes them: the bytes read
        (0 at its end); else None, and the caller reads and `write`s. `output.Pipe` asks a
        sink for it; `OutputSink` does not require it. The lock is held over the read: a reader
        waits for one copy of at most the tail's size."""
        if self.secrets:
            return None
        buffer = self.streams[stream]
        with self.lock:
            if not buffer.ring_ready:
                return None
            size = buffer.fill(fd, when)
        if size and self._listeners:
            self._notify()
        return size

    def end(self, stream: str) -> None:
        if not self.maskers:
            return  # nothing held back
        data = self.maskers[stream].flush()
        if data:
            with self.lock:
                self.streams[stream].feed(data)
            self._notify()

    def close(self) -> None:
        """The run has ended: nothing more comes; followers are told."""
        for stream in STREAMS:
            self.end(stream)
        self.complete = True
        self._notify()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener()` (on the writing thread; it must not block) after each change."""
        with self.lock:
            token = self._next
            self._next += 1
            self._listeners[token] = listener

        def unsubscribe() -> None:
            with self.lock:
                self._listeners.pop(token, None)

        return unsubscribe

    def _notify(self) -> None:
        with self.lock:
            listeners = list(self._listeners.values())
        for listener in listeners:
            listener()

    def positions(self) -> dict[str, int]:
        with self.lock:
            return {name: buffer.written for name, buffer in self.streams.items()}

    def read(self, stream: str, offset: int, limit: int | None = None) -> tuple[bytes, int]:
        """Kept bytes of `stream` from `offset` (see `StreamBuffer.read`), and the next offset."""
        with self.lock:
            return self.streams[stream].read(offset, limit)

    def time_at(self, stream: str, position: int) -> float | None:
        with self.lock:
            return self.streams[stream].time_at(position)

    def text_since(self, stream: str, offset: int) -> str:
        """The kept text from `offset` on (an attempt's own output, for its result)."""
        return self.read(stream, offset)[0].decode("utf-8", errors="replace")

    @property
    def truncated(self) -> bool:
        with self.lock:
            return any(buffer.dropped > 0 for buffer in self.streams.values())

    def final(self) -> dict:
        """The stored form: the kept text of each stream, and where the gap is (`layout`:
        bytes of head kept and bytes dropped, per stream) for reads by offset later."""
        with self.lock:
            buffers = self.streams.items()
            text = {n: b.kept().decode("utf-8", errors="replace") for n, b in buffers}
            dropped = {name: buffer.dropped for name, buffer in buffers}
            layout = {name: [len(buffer.head), buffer.dropped] for name, buffer in buffers}
        return {
            **text,
            "truncated": any(dropped.values()),
            "dropped": dropped,
            "layout": layout,
        }


class LiveOutputs:
    """The registry of the runs whose output is being written: run ID -> `RunOutput`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, RunOutput] = {}

    def add(self, run_id: str, output: RunOutput) -> None:
        with self._lock:
            self._runs[run_id] = output

    def get(self, run_id: str) -> RunOutput | None:
        with self._lock:
            return self._runs.get(run_id)

    def discard(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)

    def items(self) -> list[tuple[str, RunOutput]]:
        """Every run being written now, with its output (a copy of the registry)."""
        with self._lock:
            return list(self._runs.items())
