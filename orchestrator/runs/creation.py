"""How a run comes to be: its first record, for a request, a retry or a schedule's fire.

The rules (a disabled owner is refused, `at` in the future plans the run, a retry points the
retried run at its retry, a schedule skips targets at their `max_concurrent`) live here; the
Storage actor calls these on its thread and commits what they wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orchestrator.errors import Conflict
from orchestrator.models.fields import iso, now
from orchestrator.models.pipeline import run_steps
from orchestrator.models.run import new_run
from orchestrator.store.store import Store


def create_run(
    store: Store,
    owner: dict,
    trigger: dict,
    at: datetime | None,
    env: dict,
    secret_env: dict | None = None,
    due: str | None = None,
    save: bool = True,
) -> dict[str, Any]:
    """Record a run of a job or pipeline: `scheduled` when `at` is in the future, else `queued`.
    `due`: the time a schedule's fire was due, kept as the queued run's `scheduled_for`.
    `save=False`: the caller completes the record and saves it (once, not twice)."""
    stamp = now()
    planned = iso(at.astimezone(UTC)) if at is not None and at > stamp else None
    if planned and trigger["type"] == "api":
        trigger = {**trigger, "type": "at"}
    kind = "job" if owner["id"].startswith("J") else "pipeline"
    run = new_run(store.fresh_id("R"), kind, owner, trigger, iso(stamp), planned)
    run["env"] = env
    run["secret_env"] = dict(secret_env or {})  # sealed on disk by the run history
    if due is not None:
        run["scheduled_for"] = due
    if save:
        store.runs.save(run)
    return run


def new_run_request(
    store: Store,
    kind: str,
    ref: str,
    trigger: dict,
    at: datetime | None,
    env: dict,
    retry_of: str | None = None,
    pipeline_run_id: str | None = None,
    secret_env: dict | None = None,
) -> tuple[dict, dict]:
    """Record a run of a job or pipeline given by ID or name; returns (owner, run)."""
    owner = store.definitions(kind).require(ref)
    if not owner.get("enabled", True):
        raise Conflict(f"The {kind} '{owner['name']}' is disabled; enable it to run it.")
    run = create_run(store, owner, trigger, at, env, secret_env, save=False)
    run["pipeline_run_id"] = pipeline_run_id
    if kind == "pipeline":
        run["steps"] = run_steps(owner, store.runs.require(retry_of) if retry_of else None)
    store.runs.save(run)
    if trigger.get("type") == "retry":
        _mark_retried(store, trigger["by"], run["id"])
    return owner, run


def _mark_retried(store: Store, old_id: str, new_id: str) -> None:
    """Let the retried run point at its newest retry, so nobody retries it twice unknowingly."""
    old = store.runs.records.get(old_id)
    if old is not None:
        store.runs.save({**old, "retried_by": new_id})


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
            run = create_run(store, owner, trigger, None, {}, due=due, save=False)
            if target.startswith("P"):
                run["steps"] = run_steps(owner)
            store.runs.save(run)
            started.append((owner, run))
            continue
        skipped.append({"target": target, "reason": reason})
    return started, skipped
