"""The Supervisor: the one owner of every run's life, from its request to its final record.

Every trigger comes here: a request of the gateway (now, at a time, a retry), a pipeline step,
a schedule's fire, a planned run coming due, the recovery at start. Only the Supervisor has runs
recorded, admits and starts them, and writes their final state (computed by
`orchestrator.runs.states`). Job runs, including each pipeline step, pass through one
`Admission` (the global limit and each job's `max_concurrent`). Pipeline runs are not limited
themselves: their steps are.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from actors import messages as m
from actors.base import DeferringActor
from actors.supervisor import requests
from actors.supervisor.job_run import JobRun, RunSettings
from actors.supervisor.schedule_board import ScheduleBoard
from actors.supervisor.steps import PipelineSteps
from orchestrator.errors import Unavailable
from orchestrator.log import get_logger
from orchestrator.models.fields import now, parse_time
from orchestrator.models.run import RunState
from orchestrator.runs.admission import Admission, ResourceLimits
from orchestrator.runs.backlog import Backlog
from orchestrator.runs.states import ForbiddenTransition, finish

log = get_logger("orchestrator.supervisor")
EMPTY_OUTPUT = {"stdout": "", "stderr": "", "truncated": False}


class SupervisorActor(DeferringActor):
    def __init__(
        self,
        settings: RunSettings,
        max_concurrent_runs: int,
        limits: ResourceLimits | None = None,
        backlog: Backlog | None = None,
    ) -> None:
        super().__init__()
        self.backlog = backlog or Backlog(sys.maxsize)
        self.queued_runs = 0  # job runs in the admission queue that are not pipeline steps
        self.steps_running: Counter[str] = Counter()  # pipeline run ID -> its steps running
        self.settings = settings
        self.storage = settings.storage
        placeable = getattr(settings.executor, "placeable", None)  # a cluster's executor
        self.admission = Admission(max_concurrent_runs, limits, placeable)
        self.job_runs: dict[str, JobRun] = {}  # run ID -> its JobRun, driven on this thread
        self.pipelines: dict[str, Any] = {}  # pipeline run ID -> its PipelineRun, driven here
        self.pipeline_steps = PipelineSteps(self)
        self.parents: dict[str, tuple[str, str]] = {}  # step's job run ID -> (pipeline run, step)
        self.planned: dict[str, int] = {}  # run ID -> Timekeeper token
        self.accepting = True
        self.board = ScheduleBoard(self, settings.storage, settings.timekeeper)

    def on_receive(self, message: Any) -> Any:
        try:
            return self._dispatch(message)
        finally:
            self._publish()

    def _publish(self) -> None:
        """Tell the gateway how many runs wait: it refuses new ones past the limit."""
        waiting_pipelines = len(self.pipelines) - len(self.steps_running)
        self.backlog.waiting = self.queued_runs + waiting_pipelines

    def _dispatch(self, message: Any) -> Any:
        match message:
            case m.RequestRun(create, reserved):
                return requests.request(self, create, reserved)
            case m.RecoverRuns():
                return requests.recover(self)
            case m.Admit(run, owner, reserved):
                self._admit_new(run, owner)
                if reserved:  # the run is counted among the waiting now, or planned
                    self._publish()
                    self.backlog.settle()
            case m.Resources(cpu_percent, available_mb):
                self.admission.observe(cpu_percent, available_mb)
                self._admit()
            case m.PlacementChanged():
                self._admit()
            case m.CancelRun(ref):
                return requests.cancel(self, self.storage.ask(m.GetRun(ref)))
            case m.StartPlanned(run_id):
                requests.start_planned(self, run_id)
            case m.StepsCreated():
                self.pipeline_steps.created(message)
            case m.AttemptStarted(run_id, number, process):
                self.drive(run_id, lambda job_run: job_run.attempt_started(number, process))
                self.pipeline_steps.attempt_started(run_id)
            case m.AttemptDone(result, run_id):
                self.drive(run_id, lambda job_run: job_run.attempt_done(result))
            case m.RetryDue(run_id):
                self.drive(run_id, JobRun.retry_due)
            case m.StartSchedules():
                return self.board.start_all()
            case m.ScheduleChanged(schedule_id):
                self.board.changed(schedule_id)
            case m.FireSchedule(schedule_id, due, manual, marks):
                if not self.accepting:
                    raise Unavailable("The server is shutting down; no new runs are accepted.")
                return self.board.fire(schedule_id, due, manual, marks)
            case m.ScheduleFired():
                self.board.fired(message)
            case m.FiresDue() | m.WithdrawFire() | m.SchedulesFired():
                self.board.handle(message)
            case m.Shutdown():
                return self._shutdown()
            case m.InterruptAll():
                for run_id in list(self.job_runs):
                    self.drive(run_id, lambda job_run: job_run.cancel("interrupted"))
            case m.Stats():
                return {
                    "running": len(self.job_runs),
                    "pipelines": len(self.pipelines),
                    "queued": len(self.admission.queue),
                }

    def _admit_new(self, run: dict, owner: dict) -> None:
        """A run Storage just recorded: plan it for later, or begin it now."""
        if not self.accepting:  # told, not asked: the run itself says what happened
            self.save_final(run, RunState.INTERRUPTED, "The server shut down first.")
            return
        if run["state"] == RunState.SCHEDULED:
            self.arm(run)
            log.info("run planned", run_id=run["id"], owner_id=owner["id"], at=run["scheduled_for"])
        else:
            self.begin(run, owner)

    def begin(self, run: dict, owner: dict, admit: bool = True) -> None:
        """Queue a job run, or start a pipeline run. With `admit=False` the
        caller queues several runs and then calls `admit_queued()` once."""
        if run["kind"] == "job":
            self.admission.enqueue(run, owner)
            self.queued_runs += 1
            if admit:
                self._admit()
            return
        self.pipeline_steps.begin(run, owner)

    def arm(self, run: dict) -> None:
        when = parse_time(run["scheduled_for"]) or now()
        self.planned[run["id"]] = self.settings.timekeeper.wake_at(
            when, self.actor_ref, m.StartPlanned(run["id"])
        )

    def _admit(self) -> None:
        for run, job in self.admission.startable():
            if run.get("waiting"):
                run = {**run, "waiting": None}
            self.job_runs[run["id"]] = JobRun(
                run, job, self.actor_ref, self.settings, self._job_run_ended
            )
            if run["id"] not in self.parents:
                self.queued_runs -= 1
            else:
                pipeline_run_id = self.parents[run["id"]][0]
                if pipeline_run_id in self.pipelines:
                    self.steps_running[pipeline_run_id] += 1
            self.drive(run["id"], JobRun.start)
        self._show_waiting()

    admit_queued = _admit

    def _show_waiting(self) -> None:
        """Write on each queued run why it waits, when that changed (in one message)."""
        queue, changed = self.admission.queue, []
        for index in range(self.admission.unchanged, len(queue)):
            run, job = queue[index]
            reason = self.admission.reasons.get(run["id"])
            if run.get("waiting") != reason:
                run = {**run, "waiting": reason}
                queue[index] = (run, job)
                changed.append(run)
        if changed:
            self.storage.tell(m.SaveRuns(tuple(changed)))

    def drive(self, run_id: str, step: Any) -> None:
        """Call `step(job_run)` for a live job run; a failure fails that run, not this actor."""
        job_run = self.job_runs.get(run_id)
        if job_run is None:
            return  # it ended meanwhile (a late retry wake-up, a cancel racing its end)
        try:
            step(job_run)
        except Exception as err:  # noqa: BLE001 - one run's bug must not stop every run
            error = f"{type(err).__name__}: {err}"
            log.exception("a job run failed unexpectedly", run_id=run_id)
            job_run.abandon()
            if self.settings.notifier is not None:
                details = {"run_id": run_id, "error": error}
                self.settings.notifier.tell(m.SystemError("A run crashed.", details))
            if run_id in self.job_runs:
                self.ended(self.save_final(job_run.run, RunState.FAILED, error), "")

    def _job_run_ended(self, run: dict, output: dict, context: dict | None) -> None:
        final = m.SaveRunResult(run, output, context)
        if not self.pipeline_steps.hold_end(run["id"], final):
            self.storage.tell(final)  # write_final's message (a step's goes with its next)
        try:
            # A pipeline step passes on its last attempt's stdout (the job's new context), while
            # the run's output keeps every attempt's.
            self.ended(run, context["content"] if context else output["stdout"])
        finally:
            self.pipeline_steps.release_end()

    def ended(self, run: dict, stdout: str) -> None:
        """A job run reached a final state: free its slot, tell its pipeline, admit more."""
        self.job_runs.pop(run["id"], None)
        was_running = self.admission.release(run["id"])
        parent = self.parents.pop(run["id"], None)
        if parent is not None and was_running and parent[0] in self.steps_running:
            self.steps_running[parent[0]] -= 1
            if self.steps_running[parent[0]] <= 0:
                del self.steps_running[parent[0]]
        if parent is not None and parent[0] in self.pipelines:
            self.pipelines[parent[0]].step_finished(parent[1], run, stdout)
        self._admit()

    def _shutdown(self) -> int:
        self.accepting = False
        self.board.stop_all()
        self.queued_runs = 0
        for run in self.admission.drain_queue():
            self.ended(self.save_final(run, RunState.INTERRUPTED, "The server shut down."), "")
        for token in self.planned.values():
            self.settings.timekeeper.cancel(token)
        for pipeline in list(self.pipelines.values()):  # one may end, and leave, at once
            pipeline.cancel("interrupted")
        return len(self.job_runs) + len(self.pipelines)

    def save_final(self, run: dict, state: RunState, error: str) -> dict:
        """End a run that did not execute (or whose actor died) in `state`."""
        try:
            final = finish(run, state, error, now())
        except ForbiddenTransition:  # already final (its actor wrote it before dying)
            log.debug("run already final", run_id=run["id"], state=run["state"])
            return run
        self.write_final(final, EMPTY_OUTPUT, None)
        return final

    def write_final(self, run: dict, output: dict, context: dict | None) -> None:
        """The one place a run's final state is written."""
        self.storage.tell(m.SaveRunResult(run, output, context))
