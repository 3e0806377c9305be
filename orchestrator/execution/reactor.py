"""One thread that watches every running local attempt: descriptors, deadlines and posted work.

A thread per attempt costs a hand-over to it, a selector, a wake pipe and a wake-up per event;
with many short attempts that is most of the executor's share of a run. Here one thread waits in
one `epoll` over every attempt's pipes and pidfd and one eventfd, keeps every timeout and
kill-grace deadline in one heap, and runs what other threads post (a new attempt, a cancel).
Events of several attempts that arrive together are handled in one wake-up.

Linux only (pidfd and eventfd); `available()` says whether this system has them. The handlers run
on this thread and must not block: they read what is ready, signal, and arm deadlines.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable

from orchestrator.log import get_logger

log = get_logger("orchestrator.execution")

Handler = Callable[[], None]
PAUSE = 0.001  # see output.PAUSE: after a large read, let the flooding pipes fill
# Cancelled deadlines stay in the heap until they come up; rebuild it once they are most of it
# (a day-long timeout per finished attempt must not be kept for a day).
_REBUILD_AT = 256


@functools.cache
def available() -> bool:
    """Whether this system has what the shared watcher needs: epoll, eventfd and pidfd."""
    if not (hasattr(select, "epoll") and hasattr(os, "eventfd") and hasattr(os, "pidfd_open")):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))  # old kernels answer ENOSYS, some sandboxes EPERM
    except OSError:
        return False
    return True


class Deadline:
    """A handler due at a monotonic time; `cancel` keeps it from running."""

    __slots__ = ("when", "handler")

    def __init__(self, when: float, handler: Handler) -> None:
        self.when = when
        self.handler: Handler | None = handler

    def __lt__(self, other: Deadline) -> bool:
        return self.when < other.when

    def cancel(self) -> None:
        self.handler = None


class Reactor:
    """The watching thread, started on the first `call`; a daemon that lives as long as the
    process (an idle one blocks in `epoll_wait` with no deadline)."""

    def __init__(self, name: str = "attempt-watcher") -> None:
        self.name = name
        self.pause = False  # a handler read a flood: sleep PAUSE before the next wait
        self._lock = threading.Lock()
        self._inbox: deque[Handler] = deque()
        self._signalled = False
        self._thread: threading.Thread | None = None
        self._epoll = select.epoll()
        self._wake = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self._handlers: dict[int, Handler] = {self._wake: self._take_inbox}
        self._dropped: set[int] = set()  # unwatched during the events being handled
        self._epoll.register(self._wake, select.EPOLLIN)
        self._deadlines: list[Deadline] = []
        self._count = itertools.count()

    def call(self, work: Handler) -> None:
        """Run `work` on the watching thread soon; from any thread, in the order posted."""
        with self._lock:
            if self._thread is None:
                thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
                thread.start()  # RuntimeError when no thread can start: the caller's to handle
                self._thread = thread
            self._inbox.append(work)
            signal, self._signalled = not self._signalled, True
        if signal:
            with contextlib.suppress(BlockingIOError):  # the counter is full: a wake is pending
                os.eventfd_write(self._wake, 1)

    # What follows runs on the watching thread only.

    def watch(self, fd: int, handler: Handler) -> None:
        """Call `handler` whenever `fd` is readable (or closed at the other end)."""
        self._handlers[fd] = handler
        self._epoll.register(fd, select.EPOLLIN)

    def unwatch(self, fd: int) -> None:
        """Stop watching `fd`; before it is closed."""
        if self._handlers.pop(fd, None) is not None:
            self._epoll.unregister(fd)
            # Its number may be reused in this same turn (a new attempt's pipe): the events
            # of this turn still listed for it are no longer its own.
            self._dropped.add(fd)

    def at(self, when: float, handler: Handler) -> Deadline:
        """Call `handler` once the monotonic clock reaches `when`, unless cancelled first."""
        deadline = Deadline(when, handler)
        heapq.heappush(self._deadlines, deadline)
        if len(self._deadlines) >= _REBUILD_AT and len(self._deadlines) % _REBUILD_AT == 0:
            self._deadlines = [item for item in self._deadlines if item.handler is not None]
            heapq.heapify(self._deadlines)
        return deadline

    def _serve(self) -> None:
        handlers, dropped = self._handlers, self._dropped
        while True:
            dropped.clear()
            events = self._epoll.poll(self._timeout())
            for fd, _ in events:
                handler = handlers.get(fd)
                if handler is not None and fd not in dropped:
                    self._run(handler)
            self._run_due()
            if self.pause:
                self.pause = False
                time.sleep(PAUSE)

    def _timeout(self) -> float:
        deadlines = self._deadlines
        while deadlines and deadlines[0].handler is None:
            heapq.heappop(deadlines)
        if not deadlines:
            return -1
        return max(0.0, deadlines[0].when - time.monotonic())

    def _run_due(self) -> None:
        deadlines = self._deadlines
        if not deadlines:
            return
        now = time.monotonic()
        while deadlines and deadlines[0].when <= now:
            handler = heapq.heappop(deadlines).handler
            if handler is not None:
                self._run(handler)

    def _take_inbox(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.eventfd_read(self._wake)
        with self._lock:
            work, self._inbox = self._inbox, deque()
            self._signalled = False
        for item in work:
            self._run(item)

    @staticmethod
    def _run(handler: Handler) -> None:
        try:
            handler()
        except Exception:  # the handlers end their own attempt on errors: this is a last guard
            log.exception("a handler of the attempt watcher failed")


@functools.cache
def shared() -> Reactor:
    """The one reactor of this process, shared by every local executor."""
    return Reactor()
