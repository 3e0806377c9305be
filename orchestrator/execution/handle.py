"""The handle on one running attempt, and the `Executor` protocol that executors implement.

`Execution` is shared by all executors: it owns the cancel flag, the single delivery of the result
and the waiting, so an executor only has to run the attempt and call `finish` once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from orchestrator.execution.live import OutputSink
from orchestrator.execution.model import AttemptResult, AttemptSpec

log = logging.getLogger(__name__)

DoneCallback = Callable[[AttemptResult], None]


class Execution:
    """A handle on one attempt: cancel it from any thread, or wait for its result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._cancelled = False
        self._waker: Callable[[], None] | None = None
        self._result: AttemptResult | None = None
        # Set by the executor once the process runs: what finds its tree again after a crash
        # (`pid`, `sid` and `started`, the leader's start time that tells a reused PID apart).
        self.process: dict | None = None

    @property
    def cancelled(self) -> bool:
        """True once `cancel` was called before the attempt finished."""
        return self._cancelled

    def cancel(self) -> None:
        """Ask the executor to kill the attempt's process tree; idempotent and thread-safe."""
        with self._lock:
            if self._cancelled or self._done.is_set():
                return
            self._cancelled = True
            waker = self._waker
        if waker is not None:
            waker()

    def wait(self, timeout: float | None = None) -> AttemptResult | None:
        """The result once the attempt is over and `on_done` has returned, or None on timeout."""
        return self._result if self._done.wait(timeout) else None

    def set_waker(self, waker: Callable[[], None] | None) -> None:
        """For executors: what `cancel` calls to interrupt the thread watching the attempt."""
        with self._lock:
            self._waker = waker

    def finish(self, result: AttemptResult, on_done: DoneCallback) -> None:
        """For executors: record the result and deliver it to `on_done`, exactly once."""
        with self._lock:
            if self._result is not None:
                raise RuntimeError("an attempt can finish only once")
            self._result = result
            self._waker = None
        try:
            on_done(result)
        except Exception:
            # The callback belongs to the caller; its failure must not lose the result for waiters.
            log.exception("the on_done callback of an attempt failed")
        finally:
            self._done.set()


class Executor(Protocol):
    """The plug point for running attempts; `LocalExecutor` is the default."""

    def start(
        self,
        spec: AttemptSpec,
        on_done: DoneCallback,
        on_started: Callable[[dict | None], None] | None = None,
        output: OutputSink | None = None,
    ) -> Execution:
        """Start the attempt and return at once; call `on_done` exactly once when it is over
        (and `on_started(process mark)` before it, once the process runs, when given; an
        executor may leave it out for an attempt that ended before it showed any output).

        While the process runs, every chunk of its stdout and stderr goes to `output` as it is
        read (the run's `live.RunOutput`, which masks secrets and keeps head and tail); the
        result carries this attempt's part of it. Without `output`, the executor keeps its own.
        """
        ...
