"""The Supervisor's answers to the triggers that begin runs from outside its queue: a run asked
for (by the gateway), a planned run coming due, and the recovery at start. Kept apart from
admission and run ends."""

from __future__ import annotations

from typing import Any

from actors import messages as m
from actors.base import DEFERRED, ask_later
from orchestrator.errors import NotFound
from orchestrator.execution.leftovers import stop_leftovers
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now
from orchestrator.models.run import RunState
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
        me.tell(m.Admit(run, owner, reserved))

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
