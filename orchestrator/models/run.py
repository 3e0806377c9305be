"""Runs: the states a run goes through and the record kept for each execution.

A run record is a JSON-ready dict written to the store at every state transition, so a restart
always finds the truth.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from orchestrator.models.fields import Checker, iso, now
from orchestrator.models.job import SECRET_MASK

if TYPE_CHECKING:  # records.py imports this module
    from orchestrator.models.records import Attempt, Run


class RunState(StrEnum):
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    SKIPPED = "skipped"


TERMINAL = frozenset(
    {
        RunState.SUCCEEDED,
        RunState.FAILED,
        RunState.TIMED_OUT,
        RunState.CANCELLED,
        RunState.INTERRUPTED,
        RunState.SKIPPED,
    }
)
# States a server restart cannot resume: the process (or the wait for a slot) is gone.
CUT_BY_RESTART = frozenset({RunState.QUEUED, RunState.RUNNING, RunState.RETRYING})


class TriggerType(StrEnum):
    API = "api"
    SCHEDULE = "schedule"
    PIPELINE = "pipeline"
    AT = "at"
    RETRY = "retry"


# A time that went by while the request travelled still means "now"; anything older is a
# mistake (a typo in the year) that must not run the job on the spot.
PAST_GRACE = 60


def validate_run_request(body: Any) -> dict[str, Any]:
    """Check the optional body of `POST /jobs/{id}/run`: `at`, `env` and `secret_env`.

    `env` is stored as given; `secret_env` is sealed in the store and masked in every answer."""
    if body is None:
        return {"at": None, "env": {}, "secret_env": {}}
    check = Checker(body, {"at", "env", "secret_env"})
    at = check.time("at") if body.get("at") is not None else None
    if at is not None and at < now() - timedelta(seconds=PAST_GRACE):
        understood = iso(at.astimezone(UTC))
        check.fail("at", f"is in the past: understood as {understood}; leave it out to run now")
    env = check.string_map("env") if "env" in body else {}
    secret_env = check.string_map("secret_env") if "secret_env" in body else {}
    check.done()
    return {"at": at, "env": env or {}, "secret_env": secret_env or {}}


def new_run(
    run_id: str,
    kind: str,
    owner: dict[str, Any],
    trigger: dict[str, str],
    queued_at: str,
    scheduled_for: str | None = None,
) -> Run:
    """A fresh run record, `scheduled` when planned for later, otherwise `queued`."""
    return {
        "id": run_id,
        "kind": kind,
        "owner_id": owner["id"],
        "owner_name": owner["name"],
        "state": RunState.SCHEDULED if scheduled_for else RunState.QUEUED,
        "trigger": trigger,
        "scheduled_for": scheduled_for,
        "queued_at": None if scheduled_for else queued_at,
        "created_at": queued_at,
        "started_at": None,
        "finished_at": None,
        "duration": None,
        "exit_code": None,
        "error": None,
        "attempts": [],
        "truncated": False,
        "env": {},
        "secret_env": {},
        "pipeline_run_id": None,
        "waiting": None,
    }


def attempt_record(number: int, result: Any) -> Attempt:
    """The history entry of one attempt, from an execution AttemptResult."""
    return {
        "number": number,
        "started_at": iso(result.started_at),
        "finished_at": iso(result.finished_at),
        "duration": round(result.duration, 6),
        "exit_code": result.exit_code,
        "outcome": result.outcome,
        "error": result.error,
        "worker": getattr(result, "worker", None),
    }


HIDDEN = frozenset({"env", "process"})


def public_run(run: Run) -> dict[str, Any]:
    """The API view of a run: the extra env values of the request are not shown back, nor the
    process mark kept for recovery; run-time secrets show their names only."""
    shown = {k: v for k, v in run.items() if k not in HIDDEN}
    shown["secret_env"] = {name: SECRET_MASK for name in run.get("secret_env") or {}}
    shown.setdefault("retried_by", None)  # only runs that were retried store it
    return shown
