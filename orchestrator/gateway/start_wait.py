"""Start a run and wait for its end with one wake-up of the event loop (`wait=true`).

A plain `ask` wakes the loop when the run is created, only for the request to register that it
waits, then the end wakes it again. Here the reply slot given to the Supervisor does that
registering itself, on the thread that answers (Storage's, right after the commit that creates
the run): it records the run among the runs waited for and wakes the loop only for an error
(404, 409, ...) or a run created already ended. The end of the run, told to `RunWaiters` on
Storage's thread, is then the one wake-up. No end can come before the slot knows its run: the
Supervisor admits the run only after the reply is given.
If time runs out first, the run as it stands is answered; if even its creation has not been
answered by then, the slot wakes the loop on creation instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from typing import Any

import pykka

from actors import messages as m
from actors.base import Envelope
from orchestrator.errors import Unavailable
from orchestrator.gateway.bridge import ask, settle
from orchestrator.models.run import TERMINAL


class StartSlot(pykka.Future):
    """The reply slot of a run request whose asker waits for the run's end."""

    def __init__(self, waiters: Any, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.waiters = waiters
        self.loop = loop
        self.future: asyncio.Future = loop.create_future()
        self.run: dict[str, Any] | None = None  # the created run, once recorded
        self.late = False  # time ran out before the creation: wake the loop on it
        self.created = False  # the run request was answered with a run

    def get(self, *, timeout: float | None = None) -> Any:  # pragma: no cover - never blocked on
        raise NotImplementedError("await the asyncio future instead")

    def set(self, value: Any = None) -> None:
        self.created = True
        with self.waiters.lock:
            if value["state"] not in TERMINAL and not self.late:
                self.run = value
                self.waiters.pending.setdefault(value["id"], []).append(self)
                return
        self.wake(value)

    def set_exception(self, exc_info: Any = None) -> None:
        error = (exc_info or sys.exc_info())[1]
        self.loop.call_soon_threadsafe(settle, self.future, None, error)

    def wake(self, run: dict[str, Any]) -> None:
        """From any thread: answer the asker with `run`."""
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            self.loop.call_soon_threadsafe(settle, self.future, run, None)

    def forget(self) -> None:
        """Stop waiting (the caller holds `waiters.lock`)."""
        if self.run is not None:
            slots = self.waiters.pending.get(self.run["id"], [])
            if self in slots:
                slots.remove(self)
            if not slots:
                self.waiters.pending.pop(self.run["id"], None)


async def start_and_wait(
    waiters: Any,
    ref: pykka.ActorRef,
    message: Any,
    timeout: float,
    failed: Callable[[], None],
) -> dict:
    """Send `message` (it creates a run and is answered with it) to `ref`, then wait up to
    `timeout` s for that run to end: the final run, or the latest known state. `failed()` is
    called when this raises before the run was created."""
    slot = StartSlot(waiters, asyncio.get_running_loop())
    try:
        if not ref.is_alive():
            raise Unavailable("The server is stopping; try again in a moment.")
        ref.actor_inbox.put(Envelope(message, reply_to=slot))
        return await _wait(waiters, slot, timeout)
    except BaseException:
        if not slot.created:
            failed()
        raise
    finally:
        with waiters.lock:
            slot.forget()


async def _wait(waiters: Any, slot: StartSlot, timeout: float) -> dict:
    # A bare timer rather than `asyncio.wait_for`, which adds a future and callbacks per request.
    timer = slot.loop.call_later(timeout, _time_out, slot.future)
    try:
        result = await slot.future
    finally:
        timer.cancel()
    if result is not TIMED_OUT:
        return result
    with waiters.lock:
        run = slot.run
        if run is None:  # not even created yet: the creation answers
            slot.late, slot.future = True, slot.loop.create_future()
    if run is None:
        return await slot.future
    return await ask(waiters.storage, m.GetRun(run["id"]))


TIMED_OUT: Any = object()


def _time_out(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(TIMED_OUT)
