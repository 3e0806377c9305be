"""Waiting for a run to end without polling: listen on the event hub, then act, then await.

The listener is registered before the run is started (or looked up), so its final update can
never slip between the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.keys import Services
from orchestrator.models.run import TERMINAL


async def wait_for_run(
    svc: Services, act: Callable[[], Awaitable[dict]], timeout: float
) -> dict[str, Any]:
    """Run `act()` (which returns a run), then wait up to `timeout` s for that run to end.

    Returns the final run, or the latest known state when the time runs out.
    """
    loop = asyncio.get_running_loop()
    finals: dict[str, asyncio.Future] = {}
    early: dict[str, dict] = {}

    def on_update(run: dict) -> None:
        if run["state"] in TERMINAL:
            loop.call_soon_threadsafe(_arrived, run)

    def _arrived(run: dict) -> None:
        future = finals.get(run["id"])
        if future is not None and not future.done():
            future.set_result(run)
        else:
            early[run["id"]] = run

    unsubscribe = svc.hub.subscribe(on_update)
    try:
        run = await act()
        if run["state"] in TERMINAL:
            return run
        if run["id"] in early:
            return early[run["id"]]
        finals[run["id"]] = loop.create_future()
        try:
            return await asyncio.wait_for(finals[run["id"]], timeout)
        except TimeoutError:
            return await ask(svc.storage, m.GetRun(run["id"]))
    finally:
        unsubscribe()
