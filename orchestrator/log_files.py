"""Rotating log files, and the console, that cost the threads that log next to nothing.

A log line written and flushed at once is a system call on the thread that logs, and in a busy
server that thread then waits for the interpreter lock again behind every other thread: the
Supervisor spent half its time at a 100-schedule fire in two `write`s of "run finished". So a
`RotatingLogFile` made with `flush_every` only queues lines below WARNING; one `LogFlusher`
thread writes them, in order, `flush_every` seconds after the first one came (at most that much
is lost to a `kill -9`); an idle server's flusher sleeps. A WARNING or worse is written and
flushed at once, after what was queued before it, and closing writes everything. The size that
decides a rollover is counted as lines are written, instead of asking the file for its position
on every line.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from logging.handlers import RotatingFileHandler
from typing import Any

# How often the server's log files get their info and debug lines (warnings go at once).
SERVER_FLUSH_EVERY = 0.05


class _BatchedLines:
    """What both batched handlers share: queue a line, or write it and the queue at once."""

    queued: list[str]
    batched: bool
    lock: Any
    terminator: str

    def _write_queued(self) -> None:
        raise NotImplementedError

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - as the stdlib: a bad record never stops the caller
            self.handleError(record)  # type: ignore[attr-defined]
            return
        self._queue(line, urgent=record.levelno >= logging.WARNING)

    def _queue(self, line: str, urgent: bool) -> None:
        with self.lock:
            self.queued.append(line)
            if self.batched and not urgent:
                if len(self.queued) == 1:
                    FLUSHER.pending.set()  # the first line of a batch wakes the flusher
                return
            self._write_queued()

    def write_queued(self) -> None:
        """Write and flush the queued lines (the flusher's call)."""
        with self.lock:
            if self.queued:
                self._write_queued()

    def flush(self) -> None:
        self.write_queued()
        super().flush()  # type: ignore[misc]

    def close(self) -> None:
        FLUSHER.discard(self)
        self.write_queued()
        super().close()  # type: ignore[misc]


class RotatingLogFile(_BatchedLines, RotatingFileHandler):
    """A size-rotated log file; with `flush_every`, lines below WARNING are written in batches."""

    def __init__(self, filename: Any, flush_every: float | None = None, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self.queued = []
        self.size: int | None = None  # bytes in the current file, once known
        if flush_every:
            FLUSHER.add(self, flush_every)
        self.batched = bool(flush_every)

    def write_line(self, text: str) -> None:
        """Queue one line below WARNING as `emit` would, without a log record (audit.log)."""
        self._queue(text + self.terminator, urgent=False)

    def _write_queued(self) -> None:
        lines, self.queued = self.queued, []
        try:
            if self.stream is None:
                self.stream = self._open()
            if self.size is None:
                self.size = self.stream.tell()
            for line in lines:
                length = len(line.encode("utf-8", "replace"))
                if self.maxBytes > 0 and self.size and self.size + length > self.maxBytes:
                    self.stream.flush()
                    self.doRollover()
                    self.size = 0
                self.stream.write(line)
                self.size += length
            self.stream.flush()
        except Exception:  # noqa: BLE001 - a full disk must not stop the server's threads
            self.handleError(None)  # type: ignore[arg-type]


class ConsoleLines(_BatchedLines, logging.StreamHandler):
    """The console (stderr); with `flush_every`, lines below WARNING are written in batches by
    the flusher like the files' (a `write` per line was a system call on the logging thread),
    and a WARNING or worse goes at once, after the lines queued before it."""

    def __init__(self, stream: Any, flush_every: float | None = None) -> None:
        super().__init__(stream)
        self.queued = []
        self.batched = bool(flush_every)
        if flush_every:
            FLUSHER.add(self, flush_every)

    def _write_queued(self) -> None:
        lines, self.queued = self.queued, []
        try:
            self.stream.write("".join(lines))
            self.stream.flush()
        except Exception:  # noqa: BLE001 - a closed console must not stop the server's threads
            self.handleError(None)  # type: ignore[arg-type]


class LogFlusher:
    """One daemon thread that writes every batched log file's queued lines, `every` seconds
    after the first of them was queued; an idle server's flusher sleeps until a line comes."""

    def __init__(self) -> None:
        self.files: weakref.WeakSet[Any] = weakref.WeakSet()  # each has `write_queued()`
        self.lock = threading.Lock()
        self.every = 1.0
        self.pending = threading.Event()
        self.thread: threading.Thread | None = None

    def add(self, handler: Any, every: float) -> None:
        with self.lock:
            self.files.add(handler)
            self.every = min(self.every, every)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="LogFlusher", daemon=True)
                self.thread.start()

    def discard(self, handler: Any) -> None:
        with self.lock:
            self.files.discard(handler)

    def _run(self) -> None:
        while True:
            self.pending.wait()
            time.sleep(self.every)  # what comes meanwhile goes in the same batch
            self.pending.clear()  # before writing: a line queued after its file was written sets it
            with self.lock:
                files = list(self.files)
            for handler in files:
                handler.write_queued()


FLUSHER = LogFlusher()
