"""Admission: which queued runs may start now, under the global and the per-job limits.

Pure bookkeeping, no threads: the Supervisor owns one and asks it what to start. A run whose job
is at its `max_concurrent` waits without holding up runs of other jobs behind it, and runs of
the same job start in the order they were queued.
"""

from __future__ import annotations

from collections import Counter


class Admission:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.queue: list[tuple[dict, dict]] = []
        self.running: dict[str, str] = {}  # run ID -> job ID
        self.per_job: Counter[str] = Counter()

    def enqueue(self, run: dict, job: dict) -> None:
        self.queue.append((run, job))

    def startable(self) -> list[tuple[dict, dict]]:
        """Take from the queue, in order, every run that fits; they count as running."""
        chosen, waiting = [], []
        for run, job in self.queue:
            fits = len(self.running) < self.limit
            if fits and self.per_job[job["id"]] < job["max_concurrent"]:
                self.running[run["id"]] = job["id"]
                self.per_job[job["id"]] += 1
                chosen.append((run, job))
            else:
                waiting.append((run, job))
        self.queue = waiting
        return chosen

    def release(self, run_id: str) -> bool:
        """A running run ended; True when it was one of ours."""
        job_id = self.running.pop(run_id, None)
        if job_id is None:
            return False
        self.per_job[job_id] -= 1
        if self.per_job[job_id] <= 0:
            del self.per_job[job_id]
        return True

    def withdraw(self, run_id: str) -> dict | None:
        """Take a queued run out of the queue (cancel); returns it, or None if not queued."""
        for index, (run, _) in enumerate(self.queue):
            if run["id"] == run_id:
                return self.queue.pop(index)[0]
        return None

    def drain_queue(self) -> list[dict]:
        runs = [run for run, _ in self.queue]
        self.queue = []
        return runs
