"""The Timekeeper: one heap of deadlines and one thread that tells actors when their time comes.

Actors never sleep to wait for a time; they ask the Timekeeper to deliver a message at a
wall-clock time. It is a plain thread rather than a pykka actor because its whole job is a timed
wait, which a pykka inbox cannot do; it is thread-safe and called directly.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from datetime import datetime
from typing import Any

from orchestrator.log import get_logger

log = get_logger("orchestrator.timekeeper")


class Timekeeper:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Any, Any]] = []
        self._cancelled: set[int] = set()
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="Timekeeper", daemon=True)
        self._thread.start()

    def wake_at(self, when: datetime | float, ref: Any, message: Any) -> int:
        """Tell `message` to the actor `ref` at `when` (aware datetime or epoch seconds)."""
        stamp = when.timestamp() if isinstance(when, datetime) else float(when)
        token = next(self._counter)
        with self._cond:
            heapq.heappush(self._heap, (stamp, token, ref, message))
            self._cond.notify()
        log.debug("wake-up armed", target=type(message).__name__, at=stamp, token=token)
        return token

    def wake_in(self, seconds: float, ref: Any, message: Any) -> int:
        return self.wake_at(time.time() + seconds, ref, message)

    def cancel(self, token: int) -> None:
        with self._cond:
            self._cancelled.add(token)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap) - len(self._cancelled)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    wait = self._heap[0][0] - time.time() if self._heap else None
                    if wait is not None and wait <= 0:
                        break
                    # Far-off wake-ups (a run planned for year 9999) exceed what the
                    # platform's lock can wait for; waking hourly to look again costs nothing.
                    self._cond.wait(None if wait is None else min(wait, 3600.0))
                if self._stopped:
                    return
                _, token, ref, message = heapq.heappop(self._heap)
                if token in self._cancelled:
                    self._cancelled.discard(token)
                    continue
            try:
                ref.tell(message)
            except Exception:  # noqa: BLE001 - a dead actor must not stop the clock
                log.debug("wake-up target is gone", target=type(message).__name__)
