"""Every state list the server, the document, the CLI and the UI show, built from the enums.

`RunState` (models/run.py) is the state of a run; `StepState` that of a pipeline step, which is
`pending` until its dependencies are met and `skipped` when it will not run. A job or pipeline
shows the state of its latest run, or `never_run`. The OpenAPI schemas use these lists, and
`docs/gen/states.py` writes them into `cli/states.py` and `web/src/states.js` (the CLI never
imports the server; a test fails when those files are stale).
"""

from __future__ import annotations

from enum import StrEnum

from orchestrator.models.run import RunState

NEVER_RUN = "never_run"


class StepState(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    SKIPPED = "skipped"


# A run is `scheduled` until it is due and then `queued`; only pipeline steps end `skipped`
# (a run record of its own never does), so the lists people see leave it out.
_ACTIVE = (RunState.SCHEDULED, RunState.QUEUED, RunState.RUNNING, RunState.RETRYING)
ACTIVE_STATES: tuple[str, ...] = tuple(state.value for state in _ACTIVE)
FINISHED_STATES: tuple[str, ...] = tuple(
    state.value for state in RunState if state not in _ACTIVE and state != RunState.SKIPPED
)
RUN_STATES = (*ACTIVE_STATES, *FINISHED_STATES)
# What a job or pipeline shows: the state of its latest run, or `never_run`.
OWNER_STATES = (NEVER_RUN, *RUN_STATES)
STEP_STATES: tuple[str, ...] = tuple(state.value for state in StepState)
