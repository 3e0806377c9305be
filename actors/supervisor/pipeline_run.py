"""A PipelineRun: one run of a pipeline, walking its step DAG.

Not an actor: the Supervisor owns each live PipelineRun and calls it on its own thread, as it
does a JobRun, so a step's end reaches the DAG and the next step's creation leaves for Storage
without a hand-over between threads. Each step runs as a job run of its own, created by Storage
(`launch_steps`) and admitted by the Supervisor like any job run, so admission limits hold. A
step starts once every step it depends on succeeded; with `on_failure: stop` the first step
that fails for good skips everything not yet started, with `continue` only the steps that depend
on it are skipped. A failed step is tried again up to the pipeline's `max_attempts`. The record
of the pipeline run is saved with the creation of its next steps, else on its own (grouped).

A step's dict is never changed in place: a change replaces it in the step list (`_set`), so the
record handed to Storage at each step copies the list, not a hundred steps, and what Storage
keeps is never changed under it. The steps not yet ended are counted, so a step's end costs the
same in a long pipeline as in a short one.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator import ids
from orchestrator.errors import NotFound
from orchestrator.log import get_logger
from orchestrator.models.context import context_from_run, pipeline_context
from orchestrator.models.fields import iso, now
from orchestrator.models.run import RunState
from orchestrator.runs.states import finish

ACTIVE = {"queued", "running", "retrying"}
BLOCKING = {"failed", "timed_out", "cancelled", "interrupted", "skipped"}


class PipelineRun:
    def __init__(self, run: dict, pipeline: dict, supervisor: Any, storage: Any) -> None:
        """`supervisor`: called on its own thread, `launch_steps(self, record, steps)` and
        `pipeline_finished(run, output, context)`; `storage`: told the record's saves."""
        self.run = {**run, "steps": [dict(step) for step in run["steps"]]}
        self.index = {step["id"]: n for n, step in enumerate(self.run["steps"])}
        self.deps = {step["id"]: step["depends_on"] for step in pipeline["steps"]}
        self.dependents: dict[str, list[str]] = {step_id: [] for step_id in self.index}
        for step_id, deps in self.deps.items():
            for dep in deps:
                if dep in self.dependents and step_id in self.index:
                    self.dependents[dep].append(step_id)
        self.open = sum(_is_open(step) for step in self.run["steps"])  # pending or active
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

    @property
    def id(self) -> str:
        return self.run["id"]

    def step(self, step_id: str) -> dict:
        """The step's current dict (read only: changes go through `_set`)."""
        return self.run["steps"][self.index[step_id]]

    def _set(self, step_id: str, **changes: Any) -> dict:
        """Replace the step's dict by a changed copy; keeps the count of open steps."""
        steps, n = self.run["steps"], self.index[step_id]
        new = {**steps[n], **changes}
        self.open += _is_open(new) - _is_open(steps[n])
        steps[n] = new
        return new

    def start(self) -> None:
        self._keep_snapshots()
        self.run.update(state=RunState.RUNNING, started_at=iso(now()))
        self.run["queued_at"] = self.run["queued_at"] or self.run["started_at"]
        self.log.info("pipeline run started", steps=len(self.index))
        self._advance()

    def step_created(self, step_id: str, run_id: str) -> None:
        """Its job run is recorded (Storage saved the link with it): nothing to save."""
        self._set(step_id, run_id=run_id)

    def step_running(self, step_id: str, run_id: str) -> None:
        """Its job run's process started (again, on a retry of the job: saved once)."""
        step = self.step(step_id)
        if step["state"] != RunState.RUNNING or step["run_id"] != run_id:
            self._set(step_id, run_id=run_id, state=RunState.RUNNING)
            self._save()

    def step_finished(self, step_id: str, run: dict, stdout: str) -> None:
        self._step_done(step_id, run, stdout)

    def cancel(self, reason: str = "cancelled") -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
            self.halted = True
            self._advance()

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

    def record(self) -> dict:
        """A copy of the run's record as it stands, to be saved: a new step list of the same
        step dicts, which are never changed in place (`_set`)."""
        return {**self.run, "steps": list(self.run["steps"])}

    def _save(self) -> None:
        self.storage.tell(m.SaveRun(self.record()))

    def _advance(self, ended: str | None = None) -> None:
        """Start or skip what may now be decided: the pending steps that depend on `ended` (the
        step that just ended), or every pending step (at the start, and once halted), so a
        step's end costs the same in a long pipeline as in a short one."""
        if ended is None or self.halted:
            todo = [step["id"] for step in self.run["steps"] if step["state"] == "pending"]
        else:
            todo = list(self.dependents[ended])
        launched: list[dict] = []
        for step_id in todo:  # grows while it is read: the dependents of a skipped step follow
            if self.step(step_id)["state"] != "pending":
                continue
            states = [self.step(dep)["state"] for dep in self.deps.get(step_id, [])]
            if self.halted or any(state in BLOCKING for state in states):
                self._set(step_id, state=RunState.SKIPPED)
                todo.extend(self.dependents[step_id])
            elif all(state == RunState.SUCCEEDED for state in states):
                launched.append(self._queue(step_id))
        self._launch_or_save(launched)
        if self.open == 0:
            self._finish()

    def _queue(self, step_id: str) -> dict:
        return self._set(step_id, state="queued", attempts=self.step(step_id)["attempts"] + 1)

    def _launch_or_save(self, launched: list[dict]) -> None:
        """The record goes to Storage with the steps to create, or alone when there are none."""
        if launched:
            self.supervisor.launch_steps(self, self.record(), launched)
        else:
            self._save()

    def _step_done(self, step_id: str, run: dict, stdout: str) -> None:
        changes = {"state": run["state"], "run_id": run["id"] or self.step(step_id)["run_id"]}
        if run.get("error"):
            changes["error"] = run["error"]
        step = self._set(step_id, **changes)
        if run["id"] is not None and run["state"] in ("succeeded", "failed", "timed_out"):
            ctx_id = ids.context_id(step["job_id"])
            self.snapshots[step["id"]] = context_from_run(ctx_id, run, stdout)
        if run["state"] != RunState.SUCCEEDED and self.stop_reason is None:
            retriable = run["state"] in (RunState.FAILED, RunState.TIMED_OUT)
            if retriable and step["attempts"] < self.max_attempts:
                self.log.info("step failed, will retry", step=step["id"], attempt=step["attempts"])
                self._launch_or_save([self._queue(step_id)])
                return
            self.log.warning("step failed", step=step["id"], state=run["state"], error=run["error"])
            if self.on_failure == "stop":
                self.halted = True
        self._advance(step_id)

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
        self.supervisor.pipeline_finished(run, output, context)


def _is_open(step: dict) -> bool:
    return step["state"] == "pending" or step["state"] in ACTIVE


def _error(state: RunState, failed: dict | None) -> str:
    if state == RunState.CANCELLED:
        return "The pipeline run was cancelled."
    if state == RunState.INTERRUPTED:
        return "The server shut down while the pipeline run was going."
    if failed is None:
        return "Some steps did not run."
    reason = f": {failed['error']}" if failed.get("error") else "."
    return f"Step '{failed['id']}' ended {failed['state']}{reason}"
