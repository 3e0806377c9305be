"""A schedule fires: the runs of all its targets and the fire's checkpoint are written together,
under one commit, so a crash keeps the whole fire or none of it."""

from __future__ import annotations

from orchestrator.models.pipeline import run_steps
from orchestrator.store.operations import create_run
from orchestrator.store.store import Store


def fire_targets(
    store: Store, schedule_id: str, due: str | None = None, marks: dict | None = None
) -> tuple[list[tuple[dict, dict]], list[dict]]:
    """Create a run for every target of a schedule that may start now, in one go, and store the
    fire's `marks` with them. Each run records `due` (when the fire was due) as `scheduled_for`.

    A target is skipped when it is gone, disabled, or already has `max_concurrent` runs
    scheduled, queued or running. Returns `([(owner, run)], [{"target", "reason"}])`.
    Nothing is flushed here: the caller commits marks and runs at once.
    """
    schedule = store.schedules.require(schedule_id)
    if marks:
        store.save_marks(schedule_id, marks)
    trigger = {"type": "schedule", "by": schedule["id"]}
    started, skipped = [], []
    for target in schedule["targets"]:
        owner = store.definitions(target).get(target)
        limit = (owner or {}).get("max_concurrent", 1)
        if owner is None:
            reason = "it no longer exists"
        elif not owner["enabled"]:
            reason = "it is disabled"
        elif store.runs.active[target] >= limit:
            reason = (
                f"it still has {store.runs.active[target]} run(s) going (max_concurrent {limit})"
            )
        else:
            run = create_run(store, owner, trigger, None, {})
            run["scheduled_for"] = due
            if target.startswith("P"):
                run["steps"] = run_steps(owner)
            store.runs.save(run)
            started.append((owner, run))
            continue
        skipped.append({"target": target, "reason": reason})
    return started, skipped
