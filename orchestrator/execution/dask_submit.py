"""Sending attempts to the Dask scheduler in batches, from the Dask client's event loop.

Each graph update costs the scheduler, the workers and the server's client the same fixed work
(a message, a hand-off to the scheduler's offload thread, a batch of `compute-task` to each
worker) whatever the number of tasks in it; under load most of a short attempt's cost is such
fixed work. So attempts go as one graph per set of resources: those started before the loop's
next turn, and, while `BUSY` attempts or more are in flight already (the cluster has work, a few
milliseconds more do not slow it), those started within `WINDOW` seconds of the first. A run
started alone, or one after another, is sent at the loop's next turn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from orchestrator.execution.dask_task import KEY_PREFIX, run_attempt

# Seconds an attempt may wait for others under load (the scheduler batches its own messages to
# the workers every 5 ms anyway), and how many attempts in flight make the load.
WINDOW = 0.005
BUSY = 8


class Batcher:
    """Collects attempts from any thread; sends them from the client's loop (see the module).

    `on_future(attempt, future)` gets each submitted task's future on the loop, `on_error(attempt,
    message)` each attempt that could not be sent; `in_flight()` counts the attempts not ended."""

    def __init__(
        self,
        on_future: Callable[[str, Any], None],
        on_error: Callable[[str, str], None],
        in_flight: Callable[[], int],
    ) -> None:
        self.on_future, self.on_error, self.in_flight = on_future, on_error, in_flight
        self._lock = threading.Lock()
        self._pending: list[tuple[str, dict, dict[str, float]]] = []

    def add(self, client: Any, attempt: str, payload: dict, resources: dict[str, float]) -> None:
        with self._lock:
            self._pending.append((attempt, payload, dict(resources)))
            first = len(self._pending) == 1
        if first:  # the others join the batch this one's turn sends
            try:
                client.loop.add_callback(self._due, client)
            except Exception as err:  # noqa: BLE001 - a closed client: one result each
                self._fail(f"could not submit to the cluster: {err}")

    def _due(self, client: Any) -> None:
        """On the loop: send now, or under load once the others started meanwhile can join."""
        if self.in_flight() - len(self._pending) >= BUSY:
            client.loop.call_later(WINDOW, self._send, client)
        else:
            self._send(client)

    def _send(self, client: Any) -> None:
        """On the loop: the attempts pending now, as one graph per set of resources."""
        with self._lock:
            pending, self._pending = self._pending, []
        groups: dict[tuple, list[tuple[str, dict]]] = {}
        for attempt, payload, resources in pending:
            groups.setdefault(tuple(sorted(resources.items())), []).append((attempt, payload))
        for resources, items in groups.items():
            try:
                futures = client.map(
                    run_attempt,
                    [payload for _, payload in items],
                    key=[KEY_PREFIX + attempt for attempt, _ in items],
                    pure=False,
                    retries=0,
                    resources=dict(resources) or None,
                )
            except Exception as err:  # noqa: BLE001 - a closed client, a bad argument
                for attempt, _ in items:
                    self.on_error(attempt, f"could not submit: {err}")
                continue
            for future in futures:
                self.on_future(future.key.removeprefix(KEY_PREFIX), future)

    def _fail(self, error: str) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for attempt, _, _ in pending:
            self.on_error(attempt, error)
