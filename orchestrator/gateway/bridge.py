"""Ask an actor from the event loop without blocking it or holding a thread per request.

pykka's own futures block in `get()`. Here the reply slot given to the actor is a future that,
when the actor sets it, completes an asyncio future on the gateway's loop through
`call_soon_threadsafe`; the loop never waits on a thread.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pykka

from actors.base import Envelope
from orchestrator.errors import Unavailable


class _LoopFuture(pykka.Future):
    """A pykka reply slot that hands the answer to an asyncio future."""

    def __init__(self, loop: asyncio.AbstractEventLoop, target: asyncio.Future) -> None:
        super().__init__()
        self._loop = loop
        self._target = target

    def get(self, *, timeout: float | None = None) -> Any:  # pragma: no cover - never blocked on
        raise NotImplementedError("await the asyncio future instead")

    def set(self, value: Any = None) -> None:
        self._loop.call_soon_threadsafe(settle, self._target, value, None)

    def set_exception(self, exc_info: Any = None) -> None:
        error = (exc_info or sys.exc_info())[1]
        self._loop.call_soon_threadsafe(settle, self._target, None, error)


def settle(target: asyncio.Future, value: Any, error: BaseException | None) -> None:
    if target.done():
        return
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(value)


async def ask(ref: pykka.ActorRef, message: Any) -> Any:
    """Send `message` to the actor and await its reply (or its exception)."""
    if not ref.is_alive():
        raise Unavailable("The server is stopping; try again in a moment.")
    loop = asyncio.get_running_loop()
    target = loop.create_future()
    ref.actor_inbox.put(Envelope(message, reply_to=_LoopFuture(loop, target)))
    try:
        return await target
    except pykka.ActorDeadError:
        raise Unavailable("The server is stopping; try again in a moment.") from None
