"""Admission: which queued runs may start now, under the limits and the machine's resources.

Pure bookkeeping, no threads: the Supervisor owns one and asks it what to start. A run waits
while `execution.max_concurrent_runs` runs are going, while its job is at its
`max_concurrent`, while the machine lacks CPU or memory (from the latest resource sample), or
while the executor cannot place it (a cluster unreachable, no worker with its resources).
A run whose job is at its limit does not hold up runs of other jobs behind it; runs of the same
job start in the order they were queued. Each waiting run has a reason a person can read; it
keeps the same text while the cause lasts, so it is written to the run only when it changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceLimits:
    max_cpu_percent: float = 100.0
    min_free_memory_mb: int = 0


class Admission:
    def __init__(
        self,
        limit: int,
        resources: ResourceLimits | None = None,
        placeable: Callable[[dict], str | None] | None = None,
    ) -> None:
        """`placeable(job resources)`: why the executor cannot place a run now (a cluster
        unreachable, no worker offering its resources), or None."""
        self.limit = limit
        self.placeable = placeable
        self.resources = resources or ResourceLimits()
        self.queue: list[tuple[dict, dict]] = []
        self.running: dict[str, str] = {}  # run ID -> job ID
        self.per_job: Counter[str] = Counter()
        self.cpu_percent: float | None = None
        self.available_mb: float | None = None
        self.reasons: dict[str, str] = {}  # queued run ID -> why it waits
        # While every queued run waits for the global limit, a new look changes nothing but the
        # runs queued since: `unchanged` queue entries kept their reason at the last look.
        self.unchanged = 0
        self._checked = 0
        self._all_full = False

    def enqueue(self, run: dict, job: dict) -> None:
        self.queue.append((run, job))

    def observe(self, cpu_percent: float | None, available_mb: float | None) -> None:
        """The latest resource sample of the machine."""
        self.cpu_percent, self.available_mb = cpu_percent, available_mb

    def machine_busy(self) -> str | None:
        """Why the machine cannot take a new run now, or None."""
        limits, cpu, free = self.resources, self.cpu_percent, self.available_mb
        if limits.max_cpu_percent < 100 and cpu is not None and cpu > limits.max_cpu_percent:
            return f"CPU use is above execution.max_cpu_percent ({limits.max_cpu_percent:g}%)"
        if limits.min_free_memory_mb and free is not None and free < limits.min_free_memory_mb:
            return (
                "available memory is below execution.min_free_memory_mb "
                f"({limits.min_free_memory_mb} MiB)"
            )
        return None

    def startable(self) -> list[tuple[dict, dict]]:
        """Take from the queue, in order, every run that fits; they count as running.

        `reasons` then holds why each run left in the queue waits.
        """
        busy = self.machine_busy()
        full = (
            f"the most runs allowed at once ({self.limit}, execution.max_concurrent_runs) are going"
        )
        if self._all_full and busy is None and len(self.running) >= self.limit:
            # Still nothing can start: only the runs queued since the last look get the reason.
            self.reasons.update((run["id"], full) for run, _ in self.queue[self._checked :])
            self.unchanged, self._checked = self._checked, len(self.queue)
            return []
        chosen, waiting, reasons = [], [], {}
        self._all_full = False
        for index, (run, job) in enumerate(self.queue):
            if busy is not None or len(self.running) >= self.limit:
                # Nothing behind can start either: one shared reason, no further checks.
                reason = busy or full
                rest = self.queue[index:]
                reasons.update((r["id"], reason) for r, _ in rest)
                # Every run left waits for the global limit alone: the shortcut holds next time.
                self._all_full = not waiting and busy is None
                waiting.extend(rest)
                break
            elif self.per_job[job["id"]] >= job["max_concurrent"]:
                reasons[run["id"]] = (
                    f"job '{job['name']}' already has its max_concurrent "
                    f"({job['max_concurrent']}) runs going"
                )
            elif self.placeable is not None and (
                unplaced := self.placeable(job.get("resources") or {})
            ):
                reasons[run["id"]] = unplaced
            else:
                self.running[run["id"]] = job["id"]
                self.per_job[job["id"]] += 1
                chosen.append((run, job))
                continue
            waiting.append((run, job))
        self.queue, self.reasons = waiting, reasons
        self.unchanged, self._checked = 0, len(waiting)
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
                self.reasons.pop(run_id, None)
                if index < self._checked:
                    self._checked -= 1
                self.unchanged = min(self.unchanged, index)
                return self.queue.pop(index)[0]
        return None

    def drain_queue(self) -> list[dict]:
        runs = [run for run, _ in self.queue]
        self.queue, self.reasons = [], {}
        self.unchanged = self._checked = 0
        self._all_full = False
        return runs
