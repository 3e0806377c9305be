"""Waiting for a run to end without polling: one listener on the event hub for every request.

`RunWaiters` subscribes once, on the gateway's loop, and hops onto the loop only for a finished
run someone may wait for, so a run costs one wake-up of the loop however many requests wait.
A request says it is about to act (start or cancel a run) before it learns the run's ID; a run
that ends in that gap is kept aside until the request looks for it, so no end can slip by.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.keys import WAITERS, Services
from orchestrator.models.run import TERMINAL


class RunWaiters:
    def __init__(self, svc: Services, loop: asyncio.AbstractEventLoop) -> None:
        self.svc = svc
        self.loop = loop
        self.futures: dict[str, list[asyncio.Future]] = {}
        self.acting = 0  # requests between "about to act" and "learnt the run's ID"
        self.early: dict[str, dict] = {}  # runs that ended while `acting` was above zero
        self.unsubscribe = svc.hub.subscribe(self._on_update)

    def _on_update(self, run: dict[str, Any]) -> None:
        """Hub listener, on the thread that committed the run: hop only when it matters."""
        if run["state"] in TERMINAL and (self.acting or run["id"] in self.futures):
            self.loop.call_soon_threadsafe(self._arrived, run)

    def _arrived(self, run: dict[str, Any]) -> None:
        futures = self.futures.get(run["id"])
        if futures:
            for future in futures:
                if not future.done():
                    future.set_result(run)
        elif self.acting:
            self.early[run["id"]] = run

    async def wait(self, act: Callable[[], Awaitable[dict]], timeout: float) -> dict[str, Any]:
        """Run `act()` (which returns a run), then wait up to `timeout` s for that run to end.

        Returns the final run, or the latest known state when the time runs out.
        """
        self.acting += 1
        try:
            run = await act()
        except BaseException:
            self.acting -= 1
            raise
        # Listed before `acting` goes down, so an end published from now on finds the future.
        future = self.loop.create_future()
        self.futures.setdefault(run["id"], []).append(future)
        self.acting -= 1
        ended = self.early.pop(run["id"], None)
        if not self.acting:
            self.early.clear()
        try:
            if run["state"] in TERMINAL:
                return run
            if ended is not None:
                return ended
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return await ask(self.svc.storage, m.GetRun(run["id"]))
        finally:
            waiting = self.futures.get(run["id"], [])
            if future in waiting:
                waiting.remove(future)
            if not waiting:
                self.futures.pop(run["id"], None)


async def start_waiters(app: web.Application, *, svc: Services) -> None:
    app[WAITERS] = RunWaiters(svc, asyncio.get_running_loop())


async def stop_waiters(app: web.Application) -> None:
    app[WAITERS].unsubscribe()


async def wait_for_run(
    request: web.Request, act: Callable[[], Awaitable[dict]], timeout: float
) -> dict[str, Any]:
    """Run `act()`, then wait up to `timeout` s for the run it returns to end."""
    return await request.app[WAITERS].wait(act, timeout)
