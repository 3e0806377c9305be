"""A tiny publish/subscribe hub for run updates, crossing from actor threads to any listener.

The Storage actor publishes a run once its new state is committed; the gateway subscribes to
answer `wait=true` requests without polling. Callbacks run on the publishing thread and must
not block (the gateway's hops onto its event loop with `call_soon_threadsafe`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Listener = Callable[[dict[str, Any]], None]


class EventHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[int, Listener] = {}
        self._next = 0

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(run)` for every committed run update; returns the unsubscribe call."""
        with self._lock:
            token = self._next
            self._next += 1
            self._listeners[token] = listener

        def unsubscribe() -> None:
            with self._lock:
                self._listeners.pop(token, None)

        return unsubscribe

    def publish(self, run: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners.values())
        for listener in listeners:
            listener(run)
