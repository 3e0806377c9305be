"""An attempt watched by the shared watcher (`reactor`): the same stopping rules as the
per-attempt loop (`attempt._Attempt.watch`), written as handlers of its events.

Every method but `start` runs on the reactor's thread: the leader's exit (its pidfd), a pipe
readable or at its end, the timeout, the kill after the grace, a cancel. None blocks: processes
left behind are polled through deadlines, never slept on.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from typing import Any

from orchestrator.execution.attempt import DRAIN_AFTER_KILL, _Attempt
from orchestrator.execution.model import Outcome, describe_timeout
from orchestrator.execution.output import Pipe
from orchestrator.execution.reactor import Deadline, Reactor
from orchestrator.log import get_logger

log = get_logger("orchestrator.execution")
FIRST_LOOK = 0.005  # leftovers of an exited tree: first look again after this, then doubling
LAST_LOOK = 0.1
# `on_started` is told once the process has run this long, or before its first output shows
# (a follower who sees output must find the run `running`): an attempt that ends sooner without
# output reports its end only, which saves the caller a message and a store write.
REPORT_AFTER = 0.05


def _guarded(handler: Callable[..., None]) -> Callable[..., None]:
    """A bug in a handler must still end its attempt with one result, and stop its tree."""

    @functools.wraps(handler)
    def run(self: WatchedAttempt, *args: Any) -> None:
        try:
            handler(self, *args)
        except Exception as exc:
            log.exception("attempt failed unexpectedly")
            self._fail(exc)

    return run


class WatchedAttempt:
    """One attempt's state on the reactor: what is open, why it is stopping, its deadlines."""

    def __init__(
        self,
        attempt: _Attempt,
        reactor: Reactor,
        on_started: Callable[[dict | None], None] | None = None,
    ) -> None:
        self.attempt = attempt
        self.reactor = reactor
        self.on_started = on_started
        self.pidfd: int | None = None
        self.pipes: dict[int, Pipe] = {}
        self.exited = False
        self.stopping = False
        self.done = False
        self.reason: Outcome | None = None
        self.deadline: Deadline | None = None  # the timeout, then the kill, then giving up
        self.report: Deadline | None = None  # when `on_started` is due
        self.look = FIRST_LOOK

    def start(self) -> None:
        """Hand the attempt to the reactor (from any thread); it starts the process there
        unless the caller already did (`attempt.proc` set)."""
        self.reactor.call(self._begin)

    @_guarded
    def _begin(self) -> None:
        attempt = self.attempt
        if attempt.proc is None and not attempt.guarded(attempt.launch):
            self.done = True
            return
        proc, reactor = attempt.proc, self.reactor
        if self.on_started is not None:
            self.report = reactor.at(attempt.began + REPORT_AFTER, self._report)
            attempt.out.before_output = attempt.err.before_output = self._report
        try:
            self.pidfd = os.pidfd_open(proc.pid)
        except OSError as exc:  # out of descriptors: stop the tree
            self.done = True
            attempt.abandon(f"could not watch the process: {exc}")
            return
        reactor.watch(self.pidfd, self._exit)
        for stream, pipe in ((proc.stdout, attempt.out), (proc.stderr, attempt.err)):
            fd = stream.fileno()
            self.pipes[fd] = pipe
            reactor.watch(fd, functools.partial(self._read, fd, pipe))
        timeout = attempt.spec.timeout
        if timeout is not None:
            self.deadline = reactor.at(attempt.began + timeout, self._timed_out)
        attempt.handle.set_waker(self._wake)
        if attempt.handle.cancelled:  # a cancel before the waker was set called no one
            self._cancel()

    @_guarded
    def _report(self) -> None:
        if self.report is not None and not self.done:
            self._unreport()
            self.on_started(self.attempt.handle.process)

    def _wake(self) -> None:
        self.reactor.call(self._cancel)

    @_guarded
    def _read(self, fd: int, pipe: Pipe) -> None:
        if pipe.read(fd):
            if pipe.pause:
                self.reactor.pause = True
            return
        self.reactor.unwatch(fd)
        del self.pipes[fd]
        pipe.end()
        self._advance()

    @_guarded
    def _exit(self) -> None:
        self._close_pidfd()
        self.exited = True
        self._advance()

    @_guarded
    def _cancel(self) -> None:
        if not (self.done or self.exited or self.stopping):
            self._stop(Outcome.CANCELLED)

    @_guarded
    def _timed_out(self) -> None:
        if not (self.done or self.exited or self.stopping):
            self._stop(Outcome.TIMED_OUT)

    def _stop(self, reason: Outcome | None) -> None:
        """Terminate the tree; kill it after the grace."""
        self.reason, self.stopping = reason, True
        self.attempt.tree.terminate()
        self._arm(self.attempt.spec.kill_grace, self._kill)

    @_guarded
    def _kill(self) -> None:
        self.attempt.tree.kill()
        self._arm(DRAIN_AFTER_KILL, self._give_up)

    @_guarded
    def _give_up(self) -> None:
        """The pipes stay open after a kill: a process that left the group holds them."""
        self.deadline = None
        self._drop_pipes()
        self._advance()

    def _arm(self, delay: float, handler: Callable[[], None]) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        self.deadline = self.reactor.at(time.monotonic() + delay, handler)

    def _advance(self) -> None:
        """Conclude once the leader has exited and both pipes are closed."""
        if not self.exited:
            return
        if self.pipes:
            if not self.stopping:  # an exited leader whose pipes stay open left children
                self._stop(None)
            return
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
        attempt = self.attempt
        attempt.handle.set_waker(None)
        attempt.proc.wait()  # at once: the pidfd said it exited
        self._close_streams()
        if attempt.tree.leftovers():  # processes that outlived the leader without its pipes
            attempt.tree.terminate()
            self.deadline = self.reactor.at(time.monotonic() + attempt.spec.kill_grace, self._end)
            self.reactor.at(time.monotonic() + self.look, self._look_again)
            return
        self._end()

    @_guarded
    def _look_again(self) -> None:
        if self.done:
            return
        if not self.attempt.tree.leftovers():
            self.deadline.cancel()
            self._end()
            return
        self.look = min(self.look * 2, LAST_LOOK)
        self.reactor.at(time.monotonic() + self.look, self._look_again)

    @_guarded
    def _end(self) -> None:
        """Deliver the result; leftovers still there after the grace are killed first."""
        if self.done:
            return
        self.done = True
        self._unreport()
        attempt = self.attempt
        if attempt.tree.leftovers():
            attempt.tree.kill()
        if self.reason is Outcome.TIMED_OUT:
            attempt.finish(self.reason, error=describe_timeout(attempt.spec.timeout or 0))
        elif self.reason is Outcome.CANCELLED:
            attempt.finish(self.reason, error="cancelled")
        else:
            attempt.finish(Outcome.EXITED, attempt.proc.returncode)

    def _fail(self, exc: Exception) -> None:
        if self.done:
            return
        self.done = True
        self._unreport()
        if self.deadline is not None:
            self.deadline.cancel()
        self._drop_pipes()
        self._close_pidfd()
        attempt = self.attempt
        attempt.handle.set_waker(None)
        if attempt.proc is not None:
            attempt.tree.kill()
            attempt.proc.wait()  # after SIGKILL to its group: at once
            self._close_streams()
        attempt.finish(Outcome.ERROR, error=f"internal error: {exc}")

    def _unreport(self) -> None:
        if self.report is not None:
            self.report.cancel()
            self.report = None

    def _drop_pipes(self) -> None:
        for fd, pipe in list(self.pipes.items()):
            self.reactor.unwatch(fd)
            pipe.end()
        self.pipes.clear()

    def _close_pidfd(self) -> None:
        if self.pidfd is not None:
            self.reactor.unwatch(self.pidfd)
            os.close(self.pidfd)
            self.pidfd = None

    def _close_streams(self) -> None:
        for stream in (self.attempt.proc.stdout, self.attempt.proc.stderr):
            if stream is not None:
                stream.close()
