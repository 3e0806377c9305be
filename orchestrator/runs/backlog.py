"""The backlog gauge: how many accepted runs wait to start, and the limit on that number.

The Supervisor owns the waiting runs and publishes their number here after every change; the
gateway reads it before it records a new run, with no actor message, so a refusal costs nothing
and an accepted run pays no extra hand-off. Between the gateway's check and the Supervisor
taking the run in, the run is held as a reservation, so many requests arriving together cannot
all slip under the limit. The limit is `execution.max_queued_runs`.

What waits: job runs in the admission queue that are not pipeline steps, and pipeline runs none
of whose steps is running. Planned runs (`scheduled`, `at` in the future) count only once due.
"""

from __future__ import annotations

import threading

from orchestrator.errors import OrchestratorError

RETRY_AFTER_SECONDS = 5


class TooManyRuns(OrchestratorError):
    """The queue holds `execution.max_queued_runs` runs: a new run would wait without end."""

    status = 429
    code = "too_many_runs"


class Backlog:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.waiting = 0  # written by the Supervisor only
        self.refused = 0  # new runs refused since the start (API and schedule fires)
        self._incoming = 0  # accepted by the gateway, not yet taken in by the Supervisor
        self._lock = threading.Lock()

    def full(self, adding: int = 1) -> bool:
        return self.waiting + self._incoming + adding > self.limit

    def refuse(self) -> TooManyRuns:
        """Count a refusal and build the error the API answers with."""
        with self._lock:
            self.refused += 1
        error = TooManyRuns(
            f"{self.waiting + self._incoming} runs already wait to start, the most allowed "
            f"(execution.max_queued_runs = {self.limit}); try again later.",
            {"limit": self.limit, "retry_after": RETRY_AFTER_SECONDS},
        )
        error.headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return error

    def reserve(self) -> None:
        """Hold a place for a run about to be recorded; raises TooManyRuns when full."""
        with self._lock:
            if not self.full():
                self._incoming += 1
                return
        raise self.refuse()

    def settle(self) -> None:
        """A reservation ended: the Supervisor took the run in, or it was never recorded."""
        with self._lock:
            self._incoming = max(self._incoming - 1, 0)
