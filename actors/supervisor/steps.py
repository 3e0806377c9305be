"""The Supervisor's side of pipeline runs: it starts each PipelineRun, has Storage record the
job runs of the steps it launches, admits them like any job run, and writes its end.

A step's creation does not hold the Supervisor: `CreateSteps` goes to Storage without waiting
(`ask_later`), is committed together with what is pending (the previous step's end, the
pipeline run's record), and its answer comes back as `StepsCreated`. A step's process therefore
never starts before its run is on disk, and a restart finds every recorded step run.

A step's end rides with the next steps' creation: while the Supervisor handles it, its
`SaveRunResult` is held (`hold_end`), taken by `launch_steps` into `CreateSteps`, and told on
its own afterwards (`release_end`) when no step was launched (the last step, a failure).
"""

from __future__ import annotations

from typing import Any

import pykka

from actors import messages as m
from actors.base import ask_later
from actors.supervisor.pipeline_run import PipelineRun
from orchestrator.log import get_logger
from orchestrator.models.run import RunState

log = get_logger("orchestrator.supervisor")


class PipelineSteps:
    """What the PipelineRuns of one Supervisor ask of it; called on the Supervisor's thread."""

    def __init__(self, supervisor: Any) -> None:
        self.supervisor = supervisor
        self.held: m.SaveRunResult | None = None  # the end of the step being handled

    def hold_end(self, run_id: str, final: m.SaveRunResult) -> bool:
        """Hold the end of a step of a live pipeline run for its next steps' creation."""
        parent = self.supervisor.parents.get(run_id)
        if parent is None or parent[0] not in self.supervisor.pipelines:
            return False
        self.held = final
        return True

    def release_end(self) -> None:
        """Tell the held end on its own if no creation took it."""
        held, self.held = self.held, None
        if held is not None:
            self.supervisor.storage.tell(held)

    def begin(self, run: dict, owner: dict) -> None:
        sup = self.supervisor
        pipeline = PipelineRun(run, owner, self, sup.storage)
        sup.pipelines[run["id"]] = pipeline  # before it starts: it may end at once
        pipeline.start()

    def launch_steps(self, pipeline: PipelineRun, record: dict, steps: list[dict]) -> None:
        """Have Storage record the steps' job runs (with `record`); admitted once committed."""
        me, run_id = self.supervisor.actor_ref, record["id"]
        pairs = tuple((step["id"], step["job_id"]) for step in steps)

        def created(value: Any, error: BaseException | None) -> None:  # on Storage's thread
            if error is not None:
                reason = f"The step's run could not be recorded: {error}"
                value = tuple((step_id, None, None, reason) for step_id, _ in pairs)
            try:
                me.tell(m.StepsCreated(run_id, value))
            except pykka.ActorDeadError:  # stopping: the next start's recovery interrupts them
                log.warning("step runs recorded while the Supervisor stopped", run_id=run_id)

        env, secrets = record.get("env") or {}, record.get("secret_env") or {}
        ended, self.held = self.held, None
        message = m.CreateSteps(record, pairs, env, secrets, ended)
        ask_later(self.supervisor.storage, message, created)

    def created(self, message: m.StepsCreated) -> None:
        """Storage committed the steps' runs: admit them, or end them at once when their
        pipeline run stops (cancel, shutdown); a step without a run fails with the reason."""
        sup = self.supervisor
        pipeline = sup.pipelines.get(message.pipeline_run_id)
        for step_id, job, run, error in message.created:
            if run is None:
                if pipeline is not None:
                    gone = {"id": None, "state": RunState.FAILED, "exit_code": None}
                    pipeline.step_finished(step_id, {**gone, "error": error}, "")
                continue
            sup.parents[run["id"]] = (message.pipeline_run_id, step_id)
            if pipeline is not None:
                pipeline.step_created(step_id, run["id"])
            stopped = _stopped(sup, pipeline)
            if stopped is not None:
                sup.ended(sup.save_final(run, *stopped), "")
                continue
            sup.admission.enqueue(run, job)
        sup.admit_queued()

    def attempt_started(self, run_id: str) -> None:
        """A step's process runs: its pipeline run shows it running from now on (saved while
        the process runs, not between the step's admission and its start)."""
        parent = self.supervisor.parents.get(run_id)
        pipeline = self.supervisor.pipelines.get(parent[0]) if parent else None
        if pipeline is not None:
            pipeline.step_running(parent[1], run_id)

    def pipeline_finished(self, run: dict, output: dict, context: dict | None) -> None:
        sup = self.supervisor
        self.release_end()  # the last step's end is written before its pipeline run's
        sup.write_final(run, output, context)
        sup.pipelines.pop(run["id"], None)
        sup.steps_running.pop(run["id"], None)


def _stopped(sup: Any, pipeline: PipelineRun | None) -> tuple[RunState, str] | None:
    """How a step's new run ends at once, if its pipeline run no longer goes on."""
    if not sup.accepting:
        return RunState.INTERRUPTED, "The server shut down."
    if pipeline is None or pipeline.stop_reason == "interrupted":
        return RunState.INTERRUPTED, "The pipeline run was interrupted."
    if pipeline.stop_reason is not None:
        return RunState.CANCELLED, "The run was cancelled."
    return None
