"""The PipelineRun actor: one run of a pipeline, walking its step DAG.

Each step runs as a job run of its own, started through the Supervisor so that admission limits
hold. A step starts once every step it depends on succeeded; with `on_failure: stop` the first
step that fails for good skips everything not yet started, with `continue` only the steps that
depend on it are skipped. A failed step is tried again up to the pipeline's `max_attempts`.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from actors.on_demand import OnDemandActor
from orchestrator import ids
from orchestrator.errors import NotFound
from orchestrator.log import get_logger
from orchestrator.models.context import context_from_run, pipeline_context
from orchestrator.models.fields import iso, now
from orchestrator.models.run import RunState
from orchestrator.runs.states import finish

ACTIVE = {"queued", "running", "retrying"}
BLOCKING = {"failed", "timed_out", "cancelled", "interrupted", "skipped"}


class PipelineRunActor(OnDemandActor):
    def __init__(self, run: dict, pipeline: dict, supervisor: Any, storage: Any) -> None:
        super().__init__()
        self.run = {**run, "steps": [dict(step) for step in run["steps"]]}
        self.steps = {step["id"]: step for step in self.run["steps"]}
        self.deps = {step["id"]: step["depends_on"] for step in pipeline["steps"]}
        self.max_attempts = pipeline["max_attempts"]
        self.on_failure = pipeline["on_failure"]
        self.supervisor = supervisor
        self.storage = storage
        self.snapshots: dict[str, dict] = {}
        self.stop_reason: str | None = None
        self.halted = False
        self.log = get_logger("orchestrator.pipeline").bind(
            run_id=run["id"], pipeline_id=run["owner_id"]
        )

    def on_receive(self, message: Any) -> None:
        match message:
            case m.Start():
                self._keep_snapshots()
                self.run.update(state=RunState.RUNNING, started_at=iso(now()))
                self.run["queued_at"] = self.run["queued_at"] or self.run["started_at"]
                self.log.info("pipeline run started", steps=len(self.steps))
                self._advance()
            case m.StepStarted(step_id, run_id, state):
                self.steps[step_id].update(run_id=run_id, state=state)
                if state == RunState.RUNNING:  # `queued` is saved with the next change
                    self._save()
            case m.StepFinished(step_id, run, stdout):
                self._step_done(self.steps[step_id], run, stdout)
            case m.Cancel(reason):
                self._cancel(reason)

    def _keep_snapshots(self) -> None:
        """A retry keeps the steps that succeeded before: their contexts come from those runs."""
        for step in self.run["steps"]:
            if step["state"] == RunState.SUCCEEDED and step["run_id"]:
                try:
                    run = self.storage.ask(m.GetRun(step["run_id"]))
                    stdout = self.storage.ask(m.GetOutput(step["run_id"]))["stdout"]
                except NotFound:  # purged from the history since: no snapshot to keep
                    continue
                ctx_id = ids.context_id(step["job_id"])
                self.snapshots[step["id"]] = context_from_run(ctx_id, run, stdout)

    def _save(self) -> None:
        self.storage.tell(m.SaveRun({**self.run, "steps": [dict(s) for s in self.run["steps"]]}))

    def _advance(self) -> None:
        changed = True
        while changed:
            changed = False
            for step in self.run["steps"]:
                if step["state"] != "pending":
                    continue
                states = [self.steps[dep]["state"] for dep in self.deps.get(step["id"], [])]
                if self.halted or any(state in BLOCKING for state in states):
                    step["state"] = RunState.SKIPPED
                    changed = True
                elif all(state == RunState.SUCCEEDED for state in states):
                    self._launch(step)
        self._save()
        if not any(s["state"] in ACTIVE or s["state"] == "pending" for s in self.run["steps"]):
            self._finish()

    def _launch(self, step: dict) -> None:
        step.update(state="queued", attempts=step["attempts"] + 1)
        env, secrets = self.run.get("env", {}), self.run.get("secret_env", {})
        self.supervisor.tell(m.StartStep(self.run["id"], step["id"], step["job_id"], env, secrets))

    def _step_done(self, step: dict, run: dict, stdout: str) -> None:
        step.update(state=run["state"], run_id=run["id"] or step["run_id"])
        if run.get("error"):
            step["error"] = run["error"]
        if run["id"] is not None and run["state"] in ("succeeded", "failed", "timed_out"):
            ctx_id = ids.context_id(step["job_id"])
            self.snapshots[step["id"]] = context_from_run(ctx_id, run, stdout)
        if run["state"] != RunState.SUCCEEDED and self.stop_reason is None:
            retriable = run["state"] in (RunState.FAILED, RunState.TIMED_OUT)
            if retriable and step["attempts"] < self.max_attempts:
                self.log.info("step failed, will retry", step=step["id"], attempt=step["attempts"])
                self._launch(step)
                self._save()
                return
            self.log.warning("step failed", step=step["id"], state=run["state"], error=run["error"])
            if self.on_failure == "stop":
                self.halted = True
        self._advance()

    def _cancel(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
            self.halted = True
            self._advance()

    def _finish(self) -> None:
        run, steps = self.run, self.run["steps"]
        if self.stop_reason is not None:
            state = (
                RunState.INTERRUPTED if self.stop_reason == "interrupted" else RunState.CANCELLED
            )
        elif all(step["state"] == RunState.SUCCEEDED for step in steps):
            state = RunState.SUCCEEDED
        else:
            state = RunState.FAILED
        failed = next((s for s in steps if s["state"] in BLOCKING - {"skipped"}), None)
        error = None if state == RunState.SUCCEEDED else _error(state, failed)
        run = finish({**run, "steps": [dict(s) for s in steps]}, state, error, now())
        steps = run["steps"]
        final = self.snapshots.get(steps[-1]["id"])
        run["exit_code"] = final["exit_code"] if final else None
        run["truncated"] = bool(final and final["truncated"])
        content = final["content"] if final else ""
        context = None
        if state in (RunState.SUCCEEDED, RunState.FAILED):
            context = pipeline_context(ids.context_id(run["owner_id"]), run, self.snapshots, final)
        output = {"stdout": content, "stderr": "", "truncated": run["truncated"]}
        self.run = run
        level = self.log.info if state == RunState.SUCCEEDED else self.log.warning
        level("pipeline run finished", state=str(state), error=error)
        # The Supervisor writes the final state: the one place runs end.
        self.supervisor.tell(m.PipelineFinished(run, output, context))
        self.stop()


def _error(state: RunState, failed: dict | None) -> str:
    if state == RunState.CANCELLED:
        return "The pipeline run was cancelled."
    if state == RunState.INTERRUPTED:
        return "The server shut down while the pipeline run was going."
    if failed is None:
        return "Some steps did not run."
    reason = f": {failed['error']}" if failed.get("error") else "."
    return f"Step '{failed['id']}' ended {failed['state']}{reason}"
