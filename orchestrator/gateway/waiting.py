"""Waiting for a run to end without polling: one subscriber of Storage for every request.

`RunWaiters` is made with the system (Storage is given it at construction) and told `Committed`
on the Storage thread after every commit; once the gateway's loop runs (`attach`), it hops onto
the loop only for a finished run someone may wait for, so a run costs one wake-up of the loop
however many requests wait.
Output streams may also `watch` a run: they are called after each commit that writes it.
A request says it is about to act (start or cancel a run) before it learns the run's ID; a run
that ends in that gap is kept aside until the request looks for it, so no end can slip by.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.keys import WAITERS, Services
from orchestrator.models.run import TERMINAL


class RunWaiters:
    def __init__(self) -> None:
        self.storage: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.futures: dict[str, list[asyncio.Future]] = {}
        self.acting = 0  # requests between "about to act" and "learnt the run's ID"
        self.early: dict[str, dict] = {}  # runs that ended while `acting` was above zero
        self.watch_lock = threading.Lock()  # `watchers` is read on Storage's thread
        self.watchers: dict[str, list[Callable[[], None]]] = {}
        # Runs started by `start_wait.start_and_wait`, by ID; written from the answering thread.
        self.lock = threading.Lock()
        self.pending: dict[str, list[Any]] = {}

    def attach(self, loop: asyncio.AbstractEventLoop | None, storage: Any = None) -> None:
        """Wake `loop` from now on (None: stop), asking `storage` for runs whose wait ends."""
        self.loop, self.storage = loop, storage

    def tell(self, message: Any) -> None:
        """From Storage, on its thread, after a commit: hop only when it matters."""
        loop = self.loop
        if loop is None or not isinstance(message, m.Committed):
            return
        if self.watchers:
            self._tell_watchers(message.runs)
        if self.pending:
            self._end_started(message.runs)
        for run in message.runs:
            if run["state"] in TERMINAL and (self.acting or run["id"] in self.futures):
                try:
                    loop.call_soon_threadsafe(self._arrived, run)
                except RuntimeError:  # the loop closed meanwhile: nobody waits any more
                    return

    def watch(self, run_id: str, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener()` on Storage's thread (it must not block) after each commit that
        writes run `run_id`; answers the call that ends the watch."""
        with self.watch_lock:
            self.watchers.setdefault(run_id, []).append(listener)

        def stop() -> None:
            with self.watch_lock:
                listeners = self.watchers.get(run_id, [])
                if listener in listeners:
                    listeners.remove(listener)
                if not listeners:
                    self.watchers.pop(run_id, None)

        return stop

    def _tell_watchers(self, runs: tuple[dict[str, Any], ...]) -> None:
        with self.watch_lock:
            listeners = [w for run in runs for w in self.watchers.get(run["id"], ())]
        for listener in listeners:
            with contextlib.suppress(RuntimeError):  # its loop closed: nobody follows any more
                listener()

    def _end_started(self, runs: tuple[dict[str, Any], ...]) -> None:
        with self.lock:
            ended = [
                (slot, run)
                for run in runs
                if run["state"] in TERMINAL
                for slot in self.pending.pop(run["id"], ())
            ]
        if ended:  # one wake-up of the loop for all the requests this commit answers
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
                ended[0][0].loop.call_soon_threadsafe(_answer_all, ended)

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
        future = asyncio.get_running_loop().create_future()
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
            return await ask(self.storage, m.GetRun(run["id"]))
        finally:
            waiting = self.futures.get(run["id"], [])
            if future in waiting:
                waiting.remove(future)
            if not waiting:
                self.futures.pop(run["id"], None)


def _answer_all(ended: list[tuple[Any, dict[str, Any]]]) -> None:
    for slot, run in ended:
        if not slot.future.done():
            slot.future.set_result(run)


async def start_waiters(app: web.Application, *, svc: Services) -> None:
    app[WAITERS] = svc.waiters
    svc.waiters.attach(asyncio.get_running_loop(), svc.storage)


async def stop_waiters(app: web.Application) -> None:
    app[WAITERS].attach(None)


async def wait_for_run(
    request: web.Request, act: Callable[[], Awaitable[dict]], timeout: float
) -> dict[str, Any]:
    """Run `act()`, then wait up to `timeout` s for the run it returns to end."""
    return await request.app[WAITERS].wait(act, timeout)
