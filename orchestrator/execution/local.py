"""The default executor: run attempts here, each as a process tree, all watched by one thread.

Where the system has pidfds (Linux), one shared watcher (`reactor`, `shared_watch`) starts each
attempt's shell, reads every attempt's pipes, enforces timeouts and cancels, and delivers exactly
one `AttemptResult` per attempt. Elsewhere (Windows, macOS), or when asked (`shared=False`),
each attempt is watched by a pooled thread of its own (`attempt`). An attempt that could not
start delivers its result at once, on the thread that started it.
"""

from __future__ import annotations

from collections.abc import Callable

from orchestrator.execution.attempt import HERE, _Attempt
from orchestrator.execution.handle import DoneCallback, Execution
from orchestrator.execution.live import RunOutput
from orchestrator.execution.model import AttemptSpec, Outcome, local_workers
from orchestrator.execution.reactor import available, shared
from orchestrator.execution.shared_watch import WatchedAttempt
from orchestrator.execution.spawning import Launch, default_launch, spawn, windows_command_line
from orchestrator.threadpool import POOL

# Names other modules and tests import from here.
__all__ = ["HERE", "Launch", "LocalExecutor", "_Attempt", "spawn", "windows_command_line"]


class LocalExecutor:
    """Runs attempts on this machine with the platform shell."""

    # Whether attempts share one watching thread when not told: None lets the system decide
    # (tests set it to run the same cases through both paths).
    shared_default: bool | None = None

    def __init__(self, launch: Launch | None = None, shared_watcher: bool | None = None) -> None:
        """`shared_watcher`: watch every attempt from one thread (None: where the system can)."""
        self.launch = launch or default_launch()
        if shared_watcher is None:
            shared_watcher = self.shared_default
        if shared_watcher and not available():
            raise ValueError("this system has no pidfd: attempts need a thread each")
        self.reactor = (
            shared() if (available() if shared_watcher is None else shared_watcher) else None
        )

    def workers(self) -> dict:
        """The workers this executor runs attempts on, as `GET /system/workers` shows them."""
        return local_workers()

    def start(
        self,
        spec: AttemptSpec,
        on_done: DoneCallback,
        on_started: Callable[[dict | None], None] | None = None,
        output: RunOutput | None = None,
    ) -> Execution:
        """Start the process, have it watched, and return its handle at once.

        Without `on_started` the process is started on the caller's thread, so the hand-over
        to the watching thread overlaps with the command running instead of delaying its start.
        With it, the start happens on the watching thread too (the caller, e.g. the Supervisor,
        never waits for a fork), which then calls `on_started(process mark)` before watching.
        """
        handle = Execution()
        output = output or RunOutput(spec.max_output_bytes, spec.secrets)
        attempt = _Attempt(spec, handle, on_done, self.launch, output)
        if self.reactor is not None:
            self._start_shared(attempt, on_started)
            return handle
        if on_started is not None:

            def begin_and_watch() -> None:
                if attempt.guarded(attempt.begin):
                    on_started(handle.process)
                    attempt.guarded(attempt.watch)

            try:
                POOL.submit(begin_and_watch)
            except RuntimeError as exc:  # no thread left: still one result, never an exception
                attempt.finish(Outcome.ERROR, error=f"could not start: {exc}")
            return handle
        if attempt.guarded(attempt.begin):
            try:
                POOL.submit(lambda: attempt.guarded(attempt.watch))
            except RuntimeError as exc:  # no thread left: still one result, never an exception
                attempt.abandon(f"could not watch the process: {exc}")
        return handle

    def _start_shared(
        self, attempt: _Attempt, on_started: Callable[[dict | None], None] | None
    ) -> None:
        if on_started is None and not attempt.guarded(attempt.launch):
            return
        try:
            WatchedAttempt(attempt, self.reactor, on_started).start()
        except RuntimeError as exc:  # the watching thread could not start
            if attempt.proc is None:
                attempt.finish(Outcome.ERROR, error=f"could not start: {exc}")
            else:
                attempt.abandon(f"could not watch the process: {exc}")
