"""A schedule fires: the runs of all its targets are created together, under one commit."""

from __future__ import annotations

from orchestrator.models.pipeline import run_steps
from orchestrator.store.operations import create_run
from orchestrator.store.store import Store


def fire_targets(store: Store, schedule_id: str) -> tuple[list[tuple[dict, dict]], list[dict]]:
    """Create a run for every target of a schedule that may start now, in one go.

    A target is skipped when it is gone, disabled, or already has `max_concurrent` runs
    scheduled, queued or running. Returns `([(owner, run)], [{"target", "reason"}])`.
    """
    schedule = store.schedules.require(schedule_id)
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
            if target.startswith("P"):
                run["steps"] = run_steps(owner)
                store.runs.save(run)
            started.append((owner, run))
            continue
        skipped.append({"target": target, "reason": reason})
    return started, skipped
