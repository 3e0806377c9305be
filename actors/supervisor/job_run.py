"""A JobRun: one execution of one job, with its attempts, retry delays and cancel.

Not an actor: the Supervisor owns each live JobRun and calls it on its own thread. The process
runs on the executor's thread, whose end (`AttemptDone`) and the Timekeeper's retry wake-ups
(`RetryDue`) are told to the Supervisor with the run's ID, so a cancel always gets through
while a process runs. A run passes one thread fewer than with an actor of its own (the issue's
"half the cost per run"). The JobRun ends by calling `ended(run, output, context)`; the
Supervisor writes that final state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from actors import messages as m
from orchestrator import ids
from orchestrator.errors import InvalidReference
from orchestrator.execution.live import LiveOutputs, RunOutput
from orchestrator.execution.model import AttemptSpec
from orchestrator.execution.substitution import find_references, substitute
from orchestrator.log import get_logger
from orchestrator.models.context import context_from_run
from orchestrator.models.fields import iso, now
from orchestrator.models.run import RunState, attempt_record
from orchestrator.runs.states import check_run, finish
from orchestrator.timekeeper import Timekeeper

_log = get_logger("orchestrator.run")
EMPTY_OUTPUT = {"stdout": "", "stderr": "", "truncated": False}
_OUTCOME_STATE = {
    "timed_out": RunState.TIMED_OUT,
    "cancelled": RunState.CANCELLED,
    "error": RunState.FAILED,
}


@dataclass(frozen=True)
class RunSettings:
    """What every run needs from the configuration and the system around it."""

    storage: Any
    timekeeper: Timekeeper
    executor: Any
    max_output_bytes: int
    kill_grace: float
    notifier: Any = None  # told about critical errors (webhook `system.error`)
    live: LiveOutputs | None = None  # where followers find the output of running attempts


Ended = Callable[[dict, dict, "dict | None"], None]


class JobRun:
    def __init__(
        self, run: dict, job: dict, supervisor: Any, settings: RunSettings, ended: Ended
    ) -> None:
        """`supervisor`: the ref told AttemptDone and RetryDue; `ended`: called once, on the
        Supervisor's thread, with the final run, its output and the job's new context."""
        self.run = dict(run)
        self.job = job
        self.supervisor = supervisor
        self.settings = settings
        self.ended = ended
        self.spec: AttemptSpec | None = None
        self.execution: Any = None
        self.retry_token: int | None = None
        self.stop_reason: str | None = None
        self.last_result: Any = None
        self.output: RunOutput | None = None

    def _ids(self) -> dict[str, str]:
        """The fields of every line about this run (a logger bound per run cost more)."""
        return {"run_id": self.run["id"], "job_id": self.job["id"]}

    def retry_due(self) -> None:
        if self.stop_reason is None:
            self._begin_attempt()

    def abandon(self) -> None:
        """The Supervisor gave up on this run (it failed): stop its process, if any."""
        if self.execution is not None:
            self.execution.cancel()
        self._end_output()

    def start(self) -> None:
        job = self.job
        command, context_env = job["command"], {}
        names = find_references(command)
        if names:
            try:
                contents = self.settings.storage.ask(m.ResolveContexts(tuple(names)))
            except InvalidReference as err:
                self._finish(RunState.FAILED, err.message)
                return
            command, context_env = substitute(command, contents.__getitem__)
        env = {**job["env"], **job["secret_env"], **self.run.get("env", {})}
        env.update(self.run.get("secret_env") or {}, **context_env)
        env.update(ORCH_RUN_ID=self.run["id"], ORCH_JOB_ID=job["id"], ORCH_JOB_NAME=job["name"])
        env["ORCH_CONTEXT_ID"] = ids.context_id(job["id"])
        secrets = (*job["secret_env"].values(), *(self.run.get("secret_env") or {}).values())
        self.spec = AttemptSpec(
            command=command,
            workdir=job["workdir"],
            env=env,
            timeout=job["timeout"],
            max_output_bytes=job.get("max_output_bytes") or self.settings.max_output_bytes,
            kill_grace=self.settings.kill_grace,
            secrets=secrets,
            resources=job.get("resources") or {},
        )
        # One output for the whole run (a retry appends to it), readable while it is written.
        self.output = RunOutput(self.spec.max_output_bytes, secrets)
        if self.settings.live is not None:
            self.settings.live.add(self.run["id"], self.output)
        self._begin_attempt()

    def _begin_attempt(self) -> None:
        number = len(self.run["attempts"]) + 1
        check_run(self.run["state"], RunState.RUNNING)
        self.run.update(state=RunState.RUNNING, error=None)
        self.run["started_at"] = self.run["started_at"] or iso(now())
        run_id, supervisor = self.run["id"], self.supervisor
        self.execution = self.settings.executor.start(
            replace(self.spec),
            lambda result: supervisor.tell(m.AttemptDone(result, run_id)),
            on_started=lambda process: supervisor.tell(m.AttemptStarted(run_id, number, process)),
            output=self.output,
        )
        _log.debug("attempt starting", **self._ids(), attempt=number)

    def attempt_started(self, number: int, process: dict | None) -> None:
        """The attempt's process runs (told before its end, from the same thread, or not at all
        for a short attempt): save the run with what finds its process tree after a crash."""
        if number != len(self.run["attempts"]) + 1 or self.run["state"] != RunState.RUNNING:
            return
        self.run["process"] = process
        self.settings.storage.tell(m.SaveRun(dict(self.run)))
        _log.debug("attempt started", **self._ids(), attempt=number, process=process)

    def attempt_done(self, result: Any) -> None:
        self.execution = None
        self.last_result = result
        number = len(self.run["attempts"]) + 1
        self.run["attempts"] = [*self.run["attempts"], attempt_record(number, result)]
        self.run["exit_code"] = result.exit_code
        if result.outcome == "exited" and result.exit_code == 0:
            self._finish(RunState.SUCCEEDED, None)
            return
        state = _OUTCOME_STATE.get(result.outcome, RunState.FAILED)
        error = result.error or f"The command exited with code {result.exit_code}."
        if self.stop_reason is not None:
            self._finish(self._stopped_state(), self._stopped_error())
        elif number >= self.job["max_attempts"]:
            self._finish(state, error)
        else:
            _log.info("attempt failed, will retry", **self._ids(), attempt=number, error=error)
            check_run(self.run["state"], RunState.RETRYING)
            self.run.update(state=RunState.RETRYING, error=error)
            self.settings.storage.tell(m.SaveRun(dict(self.run)))
            delay = self.job["retry_delay"]
            if delay > 0:
                self.retry_token = self.settings.timekeeper.wake_in(
                    delay, self.supervisor, m.RetryDue(self.run["id"])
                )
            else:
                self.supervisor.tell(m.RetryDue(self.run["id"]))

    def cancel(self, reason: str = "cancelled") -> None:
        if self.stop_reason is not None:
            return
        self.stop_reason = reason
        if self.execution is not None:
            self.execution.cancel()  # the attempt ends and reports; attempt_done finishes
            return
        if self.retry_token is not None:
            self.settings.timekeeper.cancel(self.retry_token)
        self._finish(self._stopped_state(), self._stopped_error())

    def _stopped_state(self) -> RunState:
        return RunState.INTERRUPTED if self.stop_reason == "interrupted" else RunState.CANCELLED

    def _stopped_error(self) -> str:
        if self.stop_reason == "interrupted":
            return "The server shut down while the run was going."
        return "The run was cancelled."

    def _finish(self, state: RunState, error: str | None) -> None:
        result = self.last_result
        run = finish(self.run, state, error, now())
        if run.get("duration") is None:
            run["duration"] = 0.0  # it never started
        output = self.output.final() if self.output is not None else dict(EMPTY_OUTPUT)
        run["truncated"] = output["truncated"]
        # The context and the pipeline see the last attempt's stdout; the output keeps them all.
        stdout = result.stdout if result else ""
        context = None
        if result is not None and state in (
            RunState.SUCCEEDED,
            RunState.FAILED,
            RunState.TIMED_OUT,
        ):
            context = context_from_run(ids.context_id(run["owner_id"]), run, stdout)
        self.run = run
        level = _log.info if state == RunState.SUCCEEDED else _log.warning
        level(
            "run finished",
            **self._ids(),
            state=str(state),
            attempts=len(run["attempts"]),
            error=error,
        )
        self.ended(run, output, context)  # the Supervisor writes it: the one place runs end
        self._end_output()  # after the save is told: a follower who misses it here finds it stored

    def _end_output(self) -> None:
        if self.output is not None:
            self.output.close()
        if self.settings.live is not None:
            self.settings.live.discard(self.run["id"])
