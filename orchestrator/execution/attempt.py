"""One local attempt from start to result, and the per-attempt way to watch it.

`_Attempt` starts the process (`launch`) and delivers exactly one `AttemptResult` (`finish`).
Watching it is done either by the shared watcher (`shared_watch`, Linux: one thread for all
attempts) or here, by one thread per attempt (`begin` then `watch`: the path of the systems
without pidfd, and of the Dask workers). Stopping is always the same: terminate the tree, let it
drain for `kill_grace` seconds, then kill it. The tree does not outlive its attempt: whatever the
shell left running when it exited is stopped as well (a process meant to outlive it must start
its own session, e.g. with `setsid`).
"""

from __future__ import annotations

import logging
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime

from orchestrator.execution.handle import DoneCallback, Execution
from orchestrator.execution.live import RunOutput
from orchestrator.execution.model import AttemptResult, AttemptSpec, Outcome, describe_timeout
from orchestrator.execution.output import Pipe, Watcher
from orchestrator.execution.spawning import (
    WINDOWS,
    Launch,
    describe_failure,
    spawn,
    workdir_problem,
)
from orchestrator.execution.thread_watch import ThreadWatcher
from orchestrator.execution.tree import ProcessTree, clear_leftovers, process_mark, tree_of

log = logging.getLogger(__name__)

# After SIGKILL the pipes close at once, unless a process that left the group holds them.
DRAIN_AFTER_KILL = 1.0
HERE = {"name": "local", "host": socket.gethostname()}  # where local attempts run


class _Attempt:
    """One attempt from start to result: `launch` (or `begin`, with its own watcher) on the
    caller's thread, then `watch` on another one, or the shared watcher's handlers."""

    def __init__(
        self,
        spec: AttemptSpec,
        handle: Execution,
        on_done: DoneCallback,
        launch: Launch,
        output: RunOutput,
    ) -> None:
        self.spec = spec
        self.launcher = launch
        self.handle = handle
        self.on_done = on_done
        self.started_at = datetime.now(UTC)
        self.output = output
        self.out, self.err = Pipe(output, "stdout"), Pipe(output, "stderr")
        # Where this attempt's output begins in the run's (a retry appends to it).
        self.origin = output.positions()
        self.began = time.monotonic()
        self.proc: subprocess.Popen[bytes] | None = None
        self.tree: ProcessTree | None = None
        self.watcher: Watcher | None = None

    def guarded(self, step: Callable[[], bool]) -> bool:
        """Run `step`; a bug in it must still end the attempt with a result."""
        try:
            return step()
        except Exception as exc:
            log.exception("attempt failed unexpectedly")
            if self.proc is not None:
                stop_now(self.proc, self.tree)
            self.finish(Outcome.ERROR, error=f"internal error: {exc}")
            return False

    def finish(self, outcome: Outcome, code: int | None = None, error: str | None = None) -> None:
        self.out.end()  # a pipe given up on after a kill did not reach its end: release it
        self.err.end()
        result = AttemptResult(
            outcome=outcome,
            exit_code=code,
            stdout=self.output.text_since("stdout", self.origin["stdout"]),
            stderr=self.output.text_since("stderr", self.origin["stderr"]),
            truncated=self.output.truncated,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            error=error,
            worker=HERE,
        )
        self.handle.finish(result, self.on_done)

    def launch(self) -> bool:
        """Start the process; False when the attempt already ended (cancelled, or no start)."""
        if self.handle.cancelled:
            self.finish(Outcome.CANCELLED, error="cancelled")
            return False
        try:
            self.proc = spawn(self.spec, self.launcher)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            # The working directory is looked at only now: two `stat`s less for every attempt.
            problem = workdir_problem(self.spec.workdir)
            self.finish(Outcome.ERROR, error=problem or f"could not start: {describe_failure(exc)}")
            return False
        self.tree = tree_of(self.proc.pid)
        self.handle.process = process_mark(self.proc.pid, just_started=True)
        return True

    def begin(self) -> bool:
        """Start the process and its own watcher; False when the attempt already ended."""
        if not self.launch():
            return False
        try:
            self.watcher = new_watcher(self.proc, self.out, self.err)
        except (OSError, RuntimeError) as exc:  # out of descriptors or threads: stop the tree
            self.abandon(f"could not watch the process: {exc}")
            return False
        return True

    def abandon(self, error: str) -> None:
        """Stop the started tree and end the attempt with `error`."""
        stop_now(self.proc, self.tree)
        if self.watcher is not None:
            self.watcher.close()
        self.finish(Outcome.ERROR, error=error)

    def watch(self) -> bool:
        """Supervise the started process until it and its pipes are done; deliver the result."""
        proc, tree, watcher = self.proc, self.tree, self.watcher
        self.handle.set_waker(watcher.wake)
        try:
            reason = self._supervise(watcher, tree, self.began)
        except BaseException:
            stop_now(proc, tree)
            raise
        finally:
            self.handle.set_waker(None)
            watcher.close()
        code = proc.wait()
        clear_leftovers(tree, self.spec.kill_grace)
        if reason is Outcome.TIMED_OUT:
            self.finish(reason, error=describe_timeout(self.spec.timeout or 0))
        elif reason is Outcome.CANCELLED:
            self.finish(reason, error="cancelled")
        else:
            self.finish(Outcome.EXITED, code)
        return True

    def _supervise(self, watcher: Watcher, tree: ProcessTree, began: float) -> Outcome | None:
        """Read until the leader has exited and both pipes are closed; stop the tree if asked."""
        timeout = self.spec.timeout
        deadline = None if timeout is None else began + timeout
        reason: Outcome | None = None
        stopping = False
        kill_at: float | None = None
        give_up_at: float | None = None
        while watcher.streams_open or not watcher.exited:
            now = time.monotonic()
            if not stopping:
                if not watcher.exited and self.handle.cancelled:
                    reason = Outcome.CANCELLED
                elif not watcher.exited and deadline is not None and now >= deadline:
                    reason = Outcome.TIMED_OUT
                # An exited leader whose pipes stay open left children behind: stop them too.
                if reason is not None or watcher.exited:
                    stopping = True
                    tree.terminate()
                    kill_at = now + self.spec.kill_grace
            elif kill_at is not None and now >= kill_at:
                tree.kill()
                kill_at, give_up_at = None, now + DRAIN_AFTER_KILL
            elif give_up_at is not None and now >= give_up_at:
                break
            wake_at = (kill_at if kill_at is not None else give_up_at) if stopping else deadline
            watcher.poll(None if wake_at is None else max(0.0, wake_at - now))
        return reason


def stop_now(proc: subprocess.Popen[bytes], tree: ProcessTree) -> None:
    """Kill the tree and reap its leader, when watching it is impossible."""
    tree.kill()
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def new_watcher(proc: subprocess.Popen[bytes], out: Pipe, err: Pipe) -> Watcher:
    """The selector watcher where pipes can be selected (POSIX), threads elsewhere."""
    if WINDOWS:
        return ThreadWatcher(proc, out, err)
    from orchestrator.execution.selector_watch import SelectorWatcher

    return SelectorWatcher(proc, out, err)
