"""The default executor: run one attempt here, as a process tree watched by one pooled thread.

The caller's thread (the JobRun actor's) starts the shell; a pooled thread then reads both pipes,
enforces the timeout and a cancel, and delivers exactly one `AttemptResult` (an attempt that
could not start delivers it at once, on the caller's thread). Stopping is always the same:
terminate the tree, let it drain for `kill_grace` seconds, then kill it. The tree does not
outlive its attempt: whatever the shell left running when it exited is stopped as well (a
process meant to outlive it must start its own session, e.g. with `setsid`).
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime

from orchestrator.execution.environment import inherited
from orchestrator.execution.handle import DoneCallback, Execution
from orchestrator.execution.live import RunOutput
from orchestrator.execution.model import (
    AttemptResult,
    AttemptSpec,
    Outcome,
    describe_timeout,
    local_workers,
)
from orchestrator.execution.output import Pipe, Watcher
from orchestrator.execution.substitution import needs_delayed_expansion
from orchestrator.execution.thread_watch import ThreadWatcher
from orchestrator.execution.tree import ProcessTree, clear_leftovers, process_mark, tree_of
from orchestrator.execution.users import JobUser
from orchestrator.startup.private_files import job_umask
from orchestrator.threadpool import POOL

log = logging.getLogger(__name__)

WINDOWS = os.name == "nt"
# After SIGKILL the pipes close at once, unless a process that left the group holds them.
DRAIN_AFTER_KILL = 1.0
HERE = {"name": "local", "host": socket.gethostname()}  # where local attempts run


class Launch:
    """How every attempt's process starts: the inherited environment and the user it runs as."""

    def __init__(self, passthrough: tuple[str, ...], user: JobUser | None = None) -> None:
        self.user = user
        # The server's environment does not change while it runs: filter it once.
        self.env = {**inherited(passthrough), **(user.environment() if user else {})}
        self.identity = user.popen_options() if user else {}


class LocalExecutor:
    """Runs attempts on this machine with the platform shell."""

    def __init__(self, launch: Launch | None = None) -> None:
        self.launch = launch or default_launch()

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
        """Start the process, watch it on a pooled thread, and return its handle at once.

        Without `on_started` the process is started on the caller's thread, so the hand-over
        to the watching thread overlaps with the command running instead of delaying its start.
        With it, the start happens on the pooled thread too (the caller, e.g. the Supervisor,
        never waits for a fork), which then calls `on_started(process mark)` before watching.
        """
        handle = Execution()
        output = output or RunOutput(spec.max_output_bytes, spec.secrets)
        attempt = _Attempt(spec, handle, on_done, self.launch, output)
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


class _Attempt:
    """One attempt from start to result: `begin` on the caller's thread, `watch` on a pooled one."""

    def __init__(
        self,
        spec: AttemptSpec,
        handle: Execution,
        on_done: DoneCallback,
        launch: Launch,
        output: RunOutput,
    ) -> None:
        self.spec = spec
        self.launch = launch
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

    def begin(self) -> bool:
        """Start the process and its watcher; False when the attempt already ended."""
        if self.handle.cancelled:
            self.finish(Outcome.CANCELLED, error="cancelled")
            return False
        try:
            self.proc = spawn(self.spec, self.launch)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            # The working directory is looked at only now: two `stat`s less for every attempt.
            problem = workdir_problem(self.spec.workdir)
            self.finish(Outcome.ERROR, error=problem or f"could not start: {describe_failure(exc)}")
            return False
        self.tree = tree_of(self.proc.pid)
        self.handle.process = process_mark(self.proc.pid)
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


def workdir_problem(workdir: str) -> str | None:
    """Why the attempt cannot run in `workdir`, as a sentence, or None if it can."""
    if not workdir:
        return "no working directory given"
    if not os.path.exists(workdir):
        return f"working directory {workdir} does not exist"
    if not os.path.isdir(workdir):
        return f"working directory {workdir} is not a directory"
    return None


def stop_now(proc: subprocess.Popen[bytes], tree: ProcessTree) -> None:
    """Kill the tree and reap its leader, when watching it is impossible."""
    tree.kill()
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@functools.cache
def default_launch() -> Launch:
    """The server's user and the default pass-through (executors built without a config),
    built once: `spawn` alone (the benchmark's shell floor) must not filter on every call."""
    from orchestrator.config_schema import DEFAULT_PASSTHROUGH

    return Launch(DEFAULT_PASSTHROUGH)


def spawn(spec: AttemptSpec, launch: Launch | None = None) -> subprocess.Popen[bytes]:
    """Start the platform shell on the command, leading a new process group.

    The environment is the filtered part of the server's (never its ORCH_* secrets) with the
    attempt's own variables on top.
    """
    launch = launch or default_launch()
    env = {**launch.env, **spec.env}
    pipes = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if WINDOWS:
        return subprocess.Popen(
            windows_command_line(spec.command),
            cwd=spec.workdir,
            env=env,
            bufsize=0,
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
            **pipes,
        )
    return subprocess.Popen(
        ["/bin/sh", "-c", spec.command],
        cwd=spec.workdir,
        env=env,
        bufsize=0,
        start_new_session=True,
        umask=job_umask(),
        **launch.identity,
        **pipes,
    )


def windows_command_line(command: str) -> str:
    """`cmd /c` as `shell=True` builds it, with `/s` so that only our quotes are stripped."""
    comspec = os.environ.get("COMSPEC", "cmd.exe")
    delayed = "/v:on " if needs_delayed_expansion(command) else ""
    return f'{comspec} {delayed}/s /c "{command}"'


def new_watcher(proc: subprocess.Popen[bytes], out: Pipe, err: Pipe) -> Watcher:
    """The selector watcher where pipes can be selected (POSIX), threads elsewhere."""
    if WINDOWS:
        return ThreadWatcher(proc, out, err)
    from orchestrator.execution.selector_watch import SelectorWatcher

    return SelectorWatcher(proc, out, err)


def describe_failure(exc: BaseException) -> str:
    """A short reason why the shell could not be started."""
    if isinstance(exc, OSError) and exc.errno == errno.E2BIG:
        return "the command and its environment are too large (each $$() context is limited)"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc)
