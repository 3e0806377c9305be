"""The Supervisor's answers to requests from outside its queue: a run asked for (by the
gateway), a planned run coming due, a cancel, and the recovery at start. Kept apart from
admission and run ends."""

from __future__ import annotations

from typing import Any

import pykka

from actors import messages as m
from actors.base import DEFERRED, ask_later
from actors.supervisor.job_run import JobRun
from orchestrator.errors import Conflict, NotFound
from orchestrator.execution.leftovers import stop_leftovers
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now
from orchestrator.models.run import TERMINAL, RunState
from orchestrator.runs.states import move

log = get_logger("orchestrator.supervisor")


def request(supervisor: Any, create: m.CreateRun, reserved: bool) -> Any:
    """Have Storage record the run; its commit answers the asker (from the Storage thread,
    without the Supervisor waiting) and tells the Supervisor to admit the run."""
    reply_to, me = supervisor.reply_to, supervisor.actor_ref

    def created(value: Any, error: BaseException | None) -> None:
        if error is not None:
            if reply_to is not None:
                reply_to.set_exception((type(error), error, error.__traceback__))
            return
        owner, run = value
        if reply_to is not None:
            reply_to.set(run)
        try:
            me.tell(m.Admit(run, owner, reserved))
        except pykka.ActorDeadError:  # stopping: the next start's recovery interrupts the run
            log.warning("run recorded while the Supervisor stopped", run_id=run["id"])

    ask_later(supervisor.storage, create, created)
    return DEFERRED


def start_planned(supervisor: Any, run_id: str) -> None:
    """A run planned for a time is due: queue it, unless it is no longer planned."""
    supervisor.planned.pop(run_id, None)
    run = supervisor.storage.ask(m.GetRun(run_id))
    if run["state"] != RunState.SCHEDULED or not supervisor.accepting:
        return
    try:
        owner = supervisor.storage.ask(m.GetDefinition(run["owner_id"], run["kind"]))
    except NotFound:
        supervisor.save_final(run, RunState.FAILED, f"The {run['kind']} was deleted first.")
        return
    run = move(run, RunState.QUEUED, queued_at=iso(now()))
    supervisor.storage.tell(m.SaveRun(run))
    supervisor.begin(run, owner)


def cancel(supervisor: Any, run: dict) -> dict:
    """Cancel a run: planned, queued, running, or a pipeline run with its steps."""
    run_id, state = run["id"], run["state"]
    if state in TERMINAL:
        raise Conflict(f"Run {run_id} already finished ({state}).")
    log.info("run cancel requested", run_id=run_id)
    if run_id in supervisor.planned:
        supervisor.settings.timekeeper.cancel(supervisor.planned.pop(run_id))
    if run_id in supervisor.pipelines:
        supervisor.pipelines[run_id].cancel()
        for child, (parent, _) in list(supervisor.parents.items()):
            if parent == run_id:
                _cancel_job_run(supervisor, child)
        return run
    return _cancel_job_run(supervisor, run_id) or run


def _cancel_job_run(supervisor: Any, run_id: str) -> dict | None:
    """Kill a running job run, or take a queued one out of the queue as cancelled."""
    if run_id in supervisor.job_runs:
        supervisor.drive(run_id, JobRun.cancel)
        return None
    queued = supervisor.admission.withdraw(run_id)
    if queued is not None and run_id not in supervisor.parents:
        supervisor.queued_runs -= 1
    if queued is None and run_id in supervisor.parents:
        return None
    run = queued or supervisor.storage.ask(m.GetRun(run_id))
    final = supervisor.save_final(run, RunState.CANCELLED, "The run was cancelled.")
    if run_id in supervisor.parents:
        supervisor.ended(final, "")
    return final


def recover(supervisor: Any) -> list[str]:
    """Stop the processes the last stop left, mark their runs interrupted (processes first: a
    crash during this leaves them marked running, to be stopped again next time), and arm the
    planned runs again. Returns the IDs of the job runs cut."""
    storage = supervisor.storage
    stop_leftovers(storage.ask(m.FindCut()), supervisor.settings.kill_grace)
    found = storage.ask(m.Recover())
    for run in found["planned"]:
        supervisor.arm(run)
    log.info("planned runs armed again", count=len(found["planned"]))
    return found["cut"]
