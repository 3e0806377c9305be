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


# Messages handled, per actor kind (class name): read by `/metrics` (`orchestrator.metrics.census`).
HANDLED: dict[str, itertools.count] = {}
_PYKKA_HANDLE = pykka.ThreadingActor._handle_receive


class Envelope:
    """What an inbox holds: pykka's actor loop reads only `message` and `reply_to`, so this
    stands in for pykka's own (private) envelope wherever we put into an inbox ourselves."""

    __slots__ = ("message", "reply_to")

    def __init__(self, message: Any, reply_to: Any = None) -> None:
        self.message = message
        self.reply_to = reply_to


class Address:
    """An actor's inbox made before the actor, so two actors that talk both ways can each be
    given the other at construction: the first is given the second's address, which it may
    tell at once; what it tells waits in the inbox until the second actor starts on it."""

    def __init__(self, wants: Any = None) -> None:
        """`wants(message)`, when given, filters what is told: a message it refuses is dropped
        on the sender's thread, so the actor is not woken for nothing."""
        self.inbox: Any = queue.SimpleQueue()
        self.stopped = threading.Event()
        self.wants = wants

    def tell(self, message: Any) -> None:
        if self.wants is not None and not self.wants(message):
            return
        if self.stopped.is_set():
            raise pykka.ActorDeadError("the actor at this address has stopped")
        self.inbox.put(Envelope(message))


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

    def _deliver(self, envelope: Any) -> None:
        """Handle one envelope as pykka's loop does: reply, or report the failure (a failed
        tell stops the actor, as in pykka); a `DEFERRED` answer is given later by the actor.
        Every loop of ours (the deferring one, Storage's, the pooled one) delivers through
        this, so they differ only in what they note around it."""
        try:
            response = self._handle_receive(envelope.message)
            if envelope.reply_to is not None and response is not DEFERRED:
                envelope.reply_to.set(response)
        except Exception:
            if envelope.reply_to is not None:
                envelope.reply_to.set_exception()
            else:
                self._handle_failure(*sys.exc_info())
                try:
                    self.on_failure(*sys.exc_info())
                except Exception:  # noqa: BLE001 - as pykka: report it, the actor is stopped
                    self._handle_failure(*sys.exc_info())
        except BaseException:  # noqa: BLE001 - as pykka: stop everything
            self._stop()
            pykka.ActorRegistry.stop_all()

    def take_address(self, address: Address) -> None:
        """Receive at `address` (call in `__init__`, after `super().__init__()`)."""
        self.actor_inbox = self.actor_ref.actor_inbox = address.inbox
        self.actor_stopped = self.actor_ref.actor_stopped = address.stopped

    @staticmethod
    def _create_actor_inbox() -> Any:
        return queue.SimpleQueue()

    @staticmethod
    def _create_future() -> Reply:
        return Reply()


class Continuation(pykka.Future):
    """A reply slot that calls `done(value, error)` on the answering actor's thread.

    Lets an actor ask downward without waiting: the answer comes back as a call (which should
    only tell), not as a blocked thread."""

    def __init__(self, done: Any) -> None:
        super().__init__()
        self._done = done

    def get(self, *, timeout: float | None = None) -> Any:  # pragma: no cover - never waited on
        raise NotImplementedError("a continuation is called, not waited on")

    def set(self, value: Any = None) -> None:
        self._done(value, None)

    def set_exception(self, exc_info: Any = None) -> None:
        self._done(None, (exc_info or sys.exc_info())[1])


def ask_later(ref: Any, message: Any, done: Any) -> None:
    """Send `message` to `ref` as an ask whose answer calls `done(value, error)`."""
    if not ref.is_alive():
        raise pykka.ActorDeadError(f"{ref} not found")
    ref.actor_inbox.put(Envelope(message, reply_to=Continuation(done)))


DEFERRED = object()  # returned by `on_receive`: the reply is given later, through `reply_to`


class DeferringActor(Actor):
    """An actor whose `on_receive` may return DEFERRED and answer later via `self.reply_to`."""

    reply_to: Any = None

    def _actor_loop_running(self) -> None:
        # pykka's loop, except that a DEFERRED response is not set as the reply.
        while not self.actor_stopped.is_set():
            envelope = self.actor_inbox.get()
            self.reply_to = envelope.reply_to
            self._deliver(envelope)
