"""Actors that hold a thread only while they have messages to handle.

A PipelineRun actor lives as long as its run, and most of that time it waits: for its steps to
be admitted, then for them to end. With one thread per actor, every queued pipeline run held a
thread (2,000 queued runs, 2,000 threads). An on-demand actor has an inbox and no thread: a
message put in an empty inbox schedules the actor on a small shared pool, which handles the
messages there and gives the thread back when the inbox is empty. An actor is on at most one
thread at a time, and messages keep their order, so it behaves as any pykka actor.

Handling a message must not wait for another on-demand actor (the pool is bounded); asking a
thread-owning actor (Storage) is fine.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from actors.base import Actor

# Handling a pipeline message takes microseconds; a few threads keep up with thousands of runs.
POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="on-demand")


class _Inbox:
    """A FIFO inbox that schedules its actor when a message arrives and none is being handled."""

    def __init__(self, schedule: Any) -> None:
        self._items: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._schedule = schedule

    def put(self, envelope: Any) -> None:
        self._items.put(envelope)
        self._schedule()

    def get(self) -> Any:
        return self._items.get()

    def get_nowait(self) -> Any:
        return self._items.get_nowait()

    def empty(self) -> bool:
        return self._items.empty()

    def qsize(self) -> int:
        return self._items.qsize()


class OnDemandActor(Actor):
    """An actor whose messages are handled on a pooled thread, taken only while it has work."""

    def _create_actor_inbox(self) -> Any:  # type: ignore[override]
        self._scheduled = False
        self._started = False
        self._guard = threading.Lock()
        return _Inbox(self._wake)

    def _start_actor_loop(self) -> None:
        self._wake()  # runs `on_start` now, as a threaded actor does when its thread starts

    def _wake(self) -> None:
        with self._guard:
            if self._scheduled:
                return
            self._scheduled = True
        POOL.submit(self._drain)

    def _drain(self) -> None:
        while True:
            if not self._started:
                self._started = True
                self._actor_loop_setup()
            while not self.actor_stopped.is_set():
                try:
                    envelope = self.actor_inbox.get_nowait()  # type: ignore[attr-defined]
                except queue.Empty:
                    break
                self._handle(envelope)
            if self.actor_stopped.is_set():
                self._actor_loop_teardown()
            with self._guard:
                # A message put after the inbox looked empty found us still scheduled and did
                # not schedule again: look once more before giving the thread back.
                if self.actor_inbox.empty():
                    self._scheduled = False
                    return

    def _handle(self, envelope: Any) -> None:
        """One message, as pykka's loop handles it: reply, or report a failure."""
        self._deliver(envelope)
