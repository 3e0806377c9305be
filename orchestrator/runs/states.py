"""The run and step state machines, as data, and the one function that ends a run.

Every change of a run's state goes through `move` (or `finish`, for the final state), which
refuses a transition the table does not list: a final state is never overwritten, a run that
never ran cannot have timed out, and so on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orchestrator.models.fields import iso, parse_time
from orchestrator.models.run import TERMINAL, RunState

S = RunState
# A run's life: planned for later, queued for a slot, running (with retries), then final.
# `failed` from `scheduled`/`queued`: its job was deleted before it started, a context it
# names is missing, or its actor crashed; `interrupted`: cut by a shutdown or a restart.
RUN_TRANSITIONS: dict[RunState, frozenset[RunState]] = {
    S.SCHEDULED: frozenset({S.QUEUED, S.CANCELLED, S.INTERRUPTED, S.FAILED}),
    S.QUEUED: frozenset({S.RUNNING, S.CANCELLED, S.INTERRUPTED, S.FAILED}),
    S.RUNNING: frozenset(
        {S.RUNNING, S.RETRYING, S.SUCCEEDED, S.FAILED, S.TIMED_OUT, S.CANCELLED, S.INTERRUPTED}
    ),
    S.RETRYING: frozenset({S.RUNNING, S.FAILED, S.CANCELLED, S.INTERRUPTED}),
    **{state: frozenset() for state in TERMINAL},
}

# A pipeline step: pending until its dependencies end, then its job run's state; a step that
# failed (or timed out) is queued again while it has attempts left.
PENDING = "pending"
ENDED_STEP = frozenset({S.SUCCEEDED, S.FAILED, S.TIMED_OUT, S.CANCELLED, S.INTERRUPTED})
STEP_TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({S.QUEUED, S.SKIPPED, S.INTERRUPTED}),
    S.QUEUED: frozenset({S.QUEUED, S.RUNNING, *ENDED_STEP}),
    S.RUNNING: frozenset({S.RUNNING, S.RETRYING, *ENDED_STEP}),
    S.RETRYING: frozenset({S.RUNNING, *ENDED_STEP}),
    S.FAILED: frozenset({S.QUEUED}),
    S.TIMED_OUT: frozenset({S.QUEUED}),
    S.SUCCEEDED: frozenset(),
    S.CANCELLED: frozenset(),
    S.INTERRUPTED: frozenset(),
    S.SKIPPED: frozenset(),
}
ACTIVE_STEP = frozenset({S.QUEUED, S.RUNNING, S.RETRYING})


class ForbiddenTransition(ValueError):
    """A state change the state machine does not allow."""


def allowed(table: dict[Any, frozenset], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())


def check_run(current: str, target: str) -> None:
    if not allowed(RUN_TRANSITIONS, current, target):
        raise ForbiddenTransition(f"a run cannot go from {current} to {target}")


def check_step(current: str, target: str) -> None:
    if not allowed(STEP_TRANSITIONS, current, target):
        raise ForbiddenTransition(f"a step cannot go from {current} to {target}")


def move(run: dict[str, Any], state: RunState, **fields: Any) -> dict[str, Any]:
    """A copy of `run` in `state` (checked) with `fields` set."""
    check_run(run["state"], state)
    return {**run, **fields, "state": state}


def finish(
    run: dict[str, Any], state: RunState, error: str | None, at: datetime, cut: bool = False
) -> dict[str, Any]:
    """The final record of `run`: state, error, end time and duration (when it started).

    Steps not begun are skipped; with `cut` (a shutdown or restart) the steps that were going
    are interrupted as well, and steps not begun with them."""
    if state not in TERMINAL:
        raise ForbiddenTransition(f"{state} is not a final state")
    final = move(run, state, error=error, finished_at=iso(at))
    started = parse_time(run.get("started_at") or "")
    if started is not None:
        final["duration"] = round((at - started).total_seconds(), 6)
    if "steps" in run:
        final["steps"] = [_end_step(step, cut) for step in run["steps"]]
    return final


def _end_step(step: dict[str, Any], cut: bool) -> dict[str, Any]:
    if cut and (step["state"] in ACTIVE_STEP or step["state"] == PENDING):
        return {**step, "state": S.INTERRUPTED}
    if step["state"] == PENDING:
        return {**step, "state": S.SKIPPED}
    return step
