"""Threads reused for short-lived work: JobRun actor loops and process attempts.

Starting a thread costs more than it seems under the GIL on two cores: `Thread.start` returns only
once the new thread has been scheduled and has taken the GIL. Runs of short commands start two
such threads each, so they come from this pool. The pool grows as needed, so work never waits for
a free thread, and threads idle for a minute end.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

IDLE_SECONDS = 60.0


class ThreadPool:
    def __init__(self, name: str) -> None:
        self.name = name
        self._work: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._count = 0

    def submit(self, work: Callable[[], None]) -> None:
        """Run `work` on an idle thread, or on a new one when none is idle."""
        with self._lock:
            spawn = self._idle == 0
            if spawn:
                self._count += 1
            else:
                self._idle -= 1
        self._work.put(work)
        if spawn:
            thread = threading.Thread(target=self._serve, name=f"{self.name}-{self._count}")
            thread.daemon = True
            thread.start()

    def _serve(self) -> None:
        while True:
            try:
                work = self._work.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._idle > 0:
                        self._idle -= 1
                        self._count -= 1
                        return
                continue
            try:
                work()
            finally:
                with self._lock:
                    self._idle += 1


POOL = ThreadPool("pooled")
