"""The Supervisor: admits runs, owns the live JobRun actors, and reacts when they end or crash.

Admission is a FIFO queue under two limits: `execution.max_concurrent_runs` overall and each
job's `max_concurrent`. A run whose job is at its limit waits without holding up runs of other
jobs behind it, and runs of the same job start in the order they were queued.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pykka

from actors import messages as m
from actors.job_run import JobRunActor, RunSettings
from orchestrator.errors import Conflict, Unavailable
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now, parse_time
from orchestrator.models.run import TERMINAL, RunState

log = get_logger("orchestrator.supervisor")


class SupervisorActor(pykka.ThreadingActor):
    def __init__(self, settings: RunSettings, max_concurrent_runs: int) -> None:
        super().__init__()
        self.settings = settings
        self.storage = settings.storage
        self.limit = max_concurrent_runs
        self.queue: list[tuple[dict, dict]] = []
        self.running: dict[str, tuple[Any, dict]] = {}
        self.per_job: Counter[str] = Counter()
        self.planned: dict[str, int] = {}
        self.accepting = True

    def on_receive(self, message: Any) -> Any:
        match message:
            case m.RunJob(ref, trigger, at, env):
                return self._submit(ref, trigger, at, env)
            case m.RetryRun(ref=ref):
                old = self.storage.ask(m.GetRun(ref))
                if old["state"] not in TERMINAL:
                    raise Conflict(
                        f"Run {old['id']} is still {old['state']}; it cannot be retried."
                    )
                trigger = {"type": "retry", "by": old["id"]}
                return self._submit(old["owner_id"], trigger, None, {})
            case m.CancelRun(ref):
                return self._cancel(ref)
            case m.StartPlanned(run_id):
                self._start_planned(run_id)
            case m.RunFinished(run_id, owner_id):
                self._release(run_id, owner_id)
            case m.RunCrashed(run_id, error):
                self._crashed(run_id, error)
            case m.ArmPlanned(runs):
                for run in runs:
                    self._arm(run)
                log.info("planned runs armed again", count=len(runs))
            case m.Shutdown():
                self.accepting = False
                for run, _ in self.queue:
                    self._save_final(run, RunState.INTERRUPTED, "The server shut down first.")
                self.queue.clear()
                for token in self.planned.values():
                    self.settings.timekeeper.cancel(token)
                return len(self.running)
            case m.InterruptAll():
                for ref, _ in self.running.values():
                    ref.tell(m.Cancel("interrupted"))
            case m.Stats():
                return {"running": len(self.running), "queued": len(self.queue)}

    def _submit(self, ref: str, trigger: dict, at: Any, env: dict) -> dict:
        if not self.accepting:
            raise Unavailable("The server is shutting down; no new runs are accepted.")
        job = self.storage.ask(m.GetJob(ref))
        if not job["enabled"]:
            raise Conflict(f"Job '{job['name']}' is disabled; enable it to run it.")
        job, run = self.storage.ask(m.CreateRun(job["id"], trigger, at, env))
        if run["state"] == RunState.SCHEDULED:
            self._arm(run)
            log.info("run planned", run_id=run["id"], job_id=job["id"], at=run["scheduled_for"])
        else:
            self.queue.append((run, job))
            self._admit()
        return run

    def _arm(self, run: dict) -> None:
        when = parse_time(run["scheduled_for"]) or now()
        self.planned[run["id"]] = self.settings.timekeeper.wake_at(
            when, self.actor_ref, m.StartPlanned(run["id"])
        )

    def _start_planned(self, run_id: str) -> None:
        self.planned.pop(run_id, None)
        run = self.storage.ask(m.GetRun(run_id))
        if run["state"] != RunState.SCHEDULED or not self.accepting:
            return
        job = self.storage.ask(m.GetJobForRun(run["owner_id"]))
        if job is None:
            self._save_final(run, RunState.FAILED, "The job was deleted before its planned run.")
            return
        run = {**run, "state": RunState.QUEUED, "queued_at": iso(now())}
        self.storage.tell(m.SaveRun(run))
        self.queue.append((run, job))
        self._admit()

    def _admit(self) -> None:
        waiting = []
        for run, job in self.queue:
            if len(self.running) < self.limit and self.per_job[job["id"]] < job["max_concurrent"]:
                self._spawn(run, job)
            else:
                waiting.append((run, job))
        self.queue = waiting

    def _spawn(self, run: dict, job: dict) -> None:
        ref = JobRunActor.start(run, job, self.actor_ref, self.settings)
        self.running[run["id"]] = (ref, run)
        self.per_job[job["id"]] += 1
        ref.tell(m.Start())

    def _release(self, run_id: str, owner_id: str) -> None:
        if self.running.pop(run_id, None) is not None:
            self.per_job[owner_id] -= 1
            if self.per_job[owner_id] <= 0:
                del self.per_job[owner_id]
        self._admit()

    def _crashed(self, run_id: str, error: str) -> None:
        entry = self.running.get(run_id)
        log.error("run actor crashed", run_id=run_id, error=error)
        if entry is not None:
            self._save_final(self.storage.ask(m.GetRun(run_id)), RunState.FAILED, error)
            self._release(run_id, entry[1]["owner_id"])

    def _cancel(self, ref: str) -> dict:
        run = self.storage.ask(m.GetRun(ref))
        run_id, state = run["id"], run["state"]
        if state in TERMINAL:
            raise Conflict(f"Run {run_id} already finished ({state}).")
        if run_id in self.running:
            self.running[run_id][0].tell(m.Cancel())
            log.info("run cancel requested", run_id=run_id)
            return run
        if run_id in self.planned:
            self.settings.timekeeper.cancel(self.planned.pop(run_id))
        self.queue = [(r, j) for r, j in self.queue if r["id"] != run_id]
        log.info("run cancelled before it started", run_id=run_id)
        return self._save_final(run, RunState.CANCELLED, "The run was cancelled.")

    def _save_final(self, run: dict, state: RunState, error: str) -> dict:
        run = {**run, "state": state, "error": error, "finished_at": iso(now())}
        self.storage.tell(
            m.SaveRunResult(run, {"stdout": "", "stderr": "", "truncated": False}, None)
        )
        return run
