"""Watch an attempt with helper threads feeding one queue: the fallback where select fails.

Windows cannot select on pipes, so one thread reads each pipe and one waits for the leader; the
attempt thread still blocks in a single place (the queue) with the deadline as its timeout.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from typing import IO

from orchestrator.execution.output import CHUNK, Pipe

_WAKE = object()
_EXIT = object()


class ThreadWatcher:
    """The portable watcher: reader threads and a waiting thread post events to a queue."""

    def __init__(self, proc: subprocess.Popen[bytes], out: Pipe, err: Pipe) -> None:
        self._proc = proc
        self._events: queue.SimpleQueue[tuple[object, bytes]] = queue.SimpleQueue()
        self._closed = False
        self._exited = False
        self._open = 0
        for stream, buffer in ((proc.stdout, out), (proc.stderr, err)):
            if stream is not None:
                self._open += 1
                reader = threading.Thread(
                    target=self._pump, args=(stream, buffer), name="attempt-read", daemon=True
                )
                reader.start()
        threading.Thread(target=self._await_exit, name="attempt-wait", daemon=True).start()

    @property
    def exited(self) -> bool:
        return self._exited

    @property
    def streams_open(self) -> bool:
        return self._open > 0

    def poll(self, timeout: float | None) -> None:
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._apply(*event)
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return

    def wake(self) -> None:
        self._events.put((_WAKE, b""))

    def close(self) -> None:
        # Readers close their own pipe at its end: closing a pipe under a blocked read can hang
        # on Windows, and a reader still running belongs to a process that escaped the tree.
        self._closed = True

    def _apply(self, target: object, chunk: bytes) -> None:
        if target is _EXIT:
            self._exited = True
        elif isinstance(target, Pipe):
            if chunk:
                target.feed(chunk)
            else:
                self._open -= 1
                target.end()

    def _pump(self, stream: IO[bytes], buffer: Pipe) -> None:
        fd = stream.fileno()
        try:
            while chunk := os.read(fd, CHUNK):
                if not self._closed:  # after close nobody reads the queue: drop, never hoard
                    self._events.put((buffer, chunk))
        except OSError:
            pass  # a broken pipe is the end of the stream too
        finally:
            stream.close()
            self._events.put((buffer, b""))

    def _await_exit(self) -> None:
        self._proc.wait()
        self._events.put((_EXIT, b""))
