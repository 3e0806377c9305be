"""The gateway's run waiters alone: a watch is told of the commits that write its run."""

from __future__ import annotations

import asyncio

from actors import messages as m
from orchestrator.gateway.waiting import RunWaiters


class TestWatch:
    """`RunWaiters.watch` calls its listener after each commit that writes the watched run."""

    def test_watch_and_stop(self) -> None:
        """Called for its run only, and no more once stopped."""
        waiters, calls = RunWaiters(), []
        loop = asyncio.new_event_loop()
        try:
            waiters.attach(loop)
            stop = waiters.watch("R1", lambda: calls.append("R1"))
            running = {"id": "R1", "state": "running"}
            waiters.tell(m.Committed(({"id": "R2", "state": "running"},)))
            waiters.tell(m.Committed((running,)))
            stop()
            waiters.tell(m.Committed((running,)))
        finally:
            loop.close()
        assert calls == ["R1"] and waiters.watchers == {}
