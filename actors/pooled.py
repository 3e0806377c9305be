"""Actors whose loops run on reused threads instead of a new thread each.

A JobRun actor lives for one run. Starting a thread per run costs more than the rest of the
orchestration of a `true` command (the new thread must be scheduled and take the GIL before
`Thread.start` returns), so JobRun loops run on a pool of threads kept between runs. Each actor
still has its own inbox and runs on one thread at a time; only the thread is recycled. The pool
grows as needed, so an actor never waits for a free thread.
"""

from __future__ import annotations

from actors.base import Actor
from orchestrator.threadpool import POOL


class PooledActor(Actor):
    """A ThreadingActor whose loop runs on a pooled thread."""

    def _start_actor_loop(self) -> None:
        POOL.submit(self._actor_loop)
