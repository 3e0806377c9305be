"""The base of every actor: pykka's threading actor with lighter inboxes and reply slots.

pykka's threading actor uses `queue.Queue` for the inbox and a `threading.Condition` for every
reply. Both are written in Python and take several lock operations per message; a run passes
some ten messages between threads, so on two cores under one GIL that is a good share of its
cost. Here the inbox is a `queue.SimpleQueue` (implemented in C) and a reply is one lock that is
released when the answer is set. Behaviour is pykka's: FIFO delivery, `get(timeout=...)` raising
`pykka.Timeout`, exceptions re-raised in the asking thread.
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
from typing import Any, ClassVar

import pykka


class Reply(pykka.Future):
    """A one-shot answer: `set` once, `get` any number of times from any thread."""

    __slots__ = ("_ready", "_settled", "_value", "_error")

    def __init__(self) -> None:
        super().__init__()
        self._ready = threading.Lock()
        self._ready.acquire()
        self._settled = False
        self._value: Any = None
        self._error: BaseException | None = None

    def get(self, *, timeout: float | None = None) -> Any:
        if self._get_hook is not None:
            return super().get(timeout=timeout)
        if not self._ready.acquire(timeout=-1 if timeout is None else max(timeout, 0)):
            raise pykka.Timeout(f"{timeout} seconds")
        self._ready.release()  # stays available to the next `get`
        if self._error is not None:
            raise self._error
        return self._value

    def set(self, value: Any = None) -> None:
        self._settle(value, None)

    def set_exception(self, exc_info: Any = None) -> None:
        exc_type, error, _ = exc_info if exc_info is not None else sys.exc_info()
        self._settle(None, error if error is not None else exc_type())

    def _settle(self, value: Any, error: BaseException | None) -> None:
        """Only the replying actor sets an answer, once; a second one is refused as pykka does."""
        if self._settled:
            raise queue.Full("the reply was already set")
        self._settled = True
        self._value, self._error = value, error
        self._ready.release()


# Messages handled, per actor kind (class name): read by `/metrics` through `actors.census`.
HANDLED: dict[str, itertools.count] = {}
_PYKKA_HANDLE = pykka.ThreadingActor._handle_receive


class Actor(pykka.ThreadingActor):
    """What every actor of the server derives from."""

    # Every message of every loop (pykka's, the on-demand drain, Storage's) passes through
    # `_handle_receive`, so it is counted there. Many JobRun actors run at once on different
    # threads: `next()` on an `itertools.count` is one C call under the GIL, so no increment
    # is lost and no lock is taken (50 to 90 ns a message, about 1 µs of a run's 2 ms of CPU).
    _handled: ClassVar[itertools.count] = itertools.count()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handled = HANDLED.setdefault(cls.__name__, itertools.count())

    def _handle_receive(self, message: Any) -> Any:
        next(self._handled)
        return _PYKKA_HANDLE(self, message)

    @staticmethod
    def _create_actor_inbox() -> Any:
        return queue.SimpleQueue()

    @staticmethod
    def _create_future() -> Reply:
        return Reply()
