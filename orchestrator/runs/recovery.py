"""What a start decides about the runs the last stop left: which are cut, which are planned.

A restart cannot resume a run that was queued, running or retrying (its process or its wait
for a slot is gone): it becomes `interrupted`, through the state machine's `finish`. Runs
planned for later are armed again by the Supervisor.
"""

from __future__ import annotations

from typing import Any

from orchestrator.models.fields import now
from orchestrator.models.run import CUT_BY_RESTART, RunState
from orchestrator.runs.states import finish
from orchestrator.store.store import Store


def cut_job_runs(store: Store) -> list[dict]:
    """The job runs a crash left going, whose processes may still be alive (read only)."""
    return [
        dict(run)
        for run in store.runs.records.values()
        if run["kind"] == "job" and run["state"] in CUT_BY_RESTART
    ]


def recover(store: Store) -> dict[str, list]:
    """After a restart: runs cut by it become `interrupted` (written, not committed).

    Returns the runs planned for later (`planned`) and the IDs of the runs that were executing
    (`cut`), whose processes may still be alive.
    """
    planned: list[dict[str, Any]] = []
    cut: list[str] = []
    stamp = now()
    for run in list(store.runs.records.values()):
        if run["state"] in CUT_BY_RESTART:
            error = f"The server stopped while the run was {run['state']}."
            final = finish(run, RunState.INTERRUPTED, error, stamp, cut=True)
            final.pop("duration", None)  # how long it ran is not known: it stopped unseen
            store.runs.save(final)
            if run["kind"] == "job":  # even `queued`: its start may not have been written yet
                cut.append(run["id"])
        elif run["state"] == RunState.SCHEDULED:
            planned.append(run)
    return {"planned": planned, "cut": cut}
