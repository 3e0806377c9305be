"""What the Storage actor does with job, run and context requests, as plain functions.

Keeping these outside the actor makes them testable without threads and keeps the actor a thin
dispatcher. Pipelines have their own module, `pipeline_ops`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from orchestrator import ids
from orchestrator.errors import Conflict, InvalidReference, NotFound, ValidationError
from orchestrator.models.fields import iso, now
from orchestrator.models.job import JOB_FIELD_ORDER, JobDefaults, public_job, validate_job
from orchestrator.models.pipeline import run_steps
from orchestrator.models.run import CUT_BY_RESTART, RunState, new_run
from orchestrator.store.schedule_ops import drop_target_everywhere, schedules_using
from orchestrator.store.store import Store


def show_job(store: Store, job: dict) -> dict:
    return public_job(job, store.owner_extra(job))


def _ordered(fields: dict) -> dict:
    """Job fields in the order people read them: name and command first."""
    return {name: fields[name] for name in JOB_FIELD_ORDER if name in fields}


def create_job(store: Store, body: Any, user: str, defaults: JobDefaults) -> dict:
    fields = validate_job(body, defaults)
    stamp = iso(now())
    job = {"id": store.fresh_id("J"), **_ordered(fields), "created_at": stamp}
    job.update(updated_at=stamp, created_by=user)
    return show_job(store, store.jobs.save(job))


def update_job(store: Store, ref: str, body: Any, partial: bool, defaults: JobDefaults) -> dict:
    old = store.jobs.require(ref)
    fields = validate_job(body, defaults, base=old if partial else None)
    if not partial:
        # A full replace keeps stored secrets sent back masked, like a patch does.
        kept = {k: old["secret_env"][k] for k, v in fields["secret_env"].items() if v == "***"}
        fields["secret_env"].update({k: v for k, v in kept.items() if k in old["secret_env"]})
    job = {"id": old["id"], **_ordered(fields), "created_at": old["created_at"]}
    job.update(updated_at=iso(now()), created_by=old["created_by"])
    return show_job(store, store.jobs.save(job))


def copy_job(store: Store, ref: str, name: str | None, user: str) -> dict:
    old = store.jobs.require(ref)
    name = name or f"{old['name']}-copy"
    store.jobs.check_name_free(name)
    stamp = iso(now())
    job = {**old, "id": store.fresh_id("J"), "name": name, "created_at": stamp}
    job.update(updated_at=stamp, created_by=user)
    return show_job(store, store.jobs.save(job))


def delete_job(store: Store, ref: str, force: bool) -> dict:
    """Remove a job; refused while a pipeline uses it or it has runs going, unless forced."""
    job = store.jobs.require(ref)
    users = [p["name"] for p in store.pipelines.values() if _uses(p, job["id"])]
    if users and not force:
        raise Conflict(
            f"Job '{job['name']}' is used by pipeline(s) {', '.join(users)}; use force=true.",
            {"pipelines": users},
        )
    check_unused(store, job, force)
    store.drop_context(job["id"])
    store.runs.drop_outputs(job["id"])  # output may hold what only the job should have seen
    return store.jobs.remove(job["id"])


def check_unused(store: Store, owner: dict, force: bool) -> None:
    """Refuse to delete what schedules target or what has runs going, unless forced; forcing
    takes it out of its schedules."""
    label = "Job" if owner["id"].startswith("J") else "Pipeline"
    schedules = [s["name"] for s in schedules_using(store, owner["id"])]
    if schedules and not force:
        raise Conflict(
            f"{label} '{owner['name']}' is a target of schedule(s) {', '.join(schedules)}; "
            "use force=true.",
            {"schedules": schedules},
        )
    if owner["id"] in store.runs.active_owners() and not force:
        raise Conflict(
            f"{label} '{owner['name']}' has runs in progress; cancel them or use force=true."
        )
    drop_target_everywhere(store, owner["id"])


def _uses(pipeline: dict, job_id: str) -> bool:
    return any(step["job"] == job_id for step in pipeline["steps"])


def create_run(
    store: Store,
    owner: dict,
    trigger: dict,
    at: datetime | None,
    env: dict,
    secret_env: dict | None = None,
) -> dict[str, Any]:
    """Record a run of a job or pipeline: `scheduled` when `at` is in the future, else `queued`."""
    stamp = now()
    planned = iso(at.astimezone(UTC)) if at is not None and at > stamp else None
    if planned and trigger["type"] == "api":
        trigger = {**trigger, "type": "at"}
    kind = "job" if owner["id"].startswith("J") else "pipeline"
    run = new_run(store.fresh_id("R"), kind, owner, trigger, iso(stamp), planned)
    run["env"] = env
    run["secret_env"] = dict(secret_env or {})  # sealed on disk by the run history
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
    run = create_run(store, owner, trigger, at, env, secret_env)
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


def list_runs(store: Store, owner: str | None, **filters: Any) -> Iterator[dict]:
    return store.runs.select(store.owner_id(owner), **filters)


def resolve_contexts(store: Store, names: Iterable[str]) -> dict[str, str]:
    """Contents of the contexts a command names: by context ID, owner ID or owner name."""
    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = store.context(name)["content"]
        except NotFound:
            raise InvalidReference(
                f"The reference $$({name}) matches no context, job or pipeline.",
                {"reference": name},
            ) from None
        except Conflict as err:
            raise InvalidReference(
                f"The reference $$({name}) is ambiguous: {err.message}", {"reference": name}
            ) from None
    return found


def cut_job_runs(store: Store) -> list[dict]:
    """The job runs a crash left going, whose processes may still be alive (read only)."""
    return [
        dict(run)
        for run in store.runs.records.values()
        if run["kind"] == "job" and run["state"] in CUT_BY_RESTART
    ]


def recover(store: Store) -> dict[str, list]:
    """After a restart: runs cut by it become `interrupted`.

    Returns the runs planned for later (`planned`) and the IDs of the runs that were executing
    (`cut`), whose processes may still be alive.
    """
    planned, cut = [], []
    stamp = iso(now())
    for run in list(store.runs.records.values()):
        if run["state"] in CUT_BY_RESTART:
            was = run["state"]
            run = {**run, "state": RunState.INTERRUPTED, "finished_at": stamp}
            run["error"] = f"The server stopped while the run was {was}."
            if "steps" in run:
                run["steps"] = [_cut_step(step) for step in run["steps"]]
            store.runs.save(run)
            if run["kind"] == "job":  # even `queued`: its start may not have been written yet
                cut.append(run["id"])
        elif run["state"] == RunState.SCHEDULED:
            planned.append(run)
    return {"planned": planned, "cut": cut}


def _cut_step(step: dict) -> dict:
    if step["state"] in ("pending", "queued", "running", "retrying"):
        return {**step, "state": RunState.INTERRUPTED}
    return step


def list_contexts(store: Store, kind: str | None) -> list[dict]:
    if kind not in (None, "job", "pipeline"):
        raise ValidationError({"kind": "must be job or pipeline"})
    owners = [*store.jobs] if kind != "pipeline" else []
    owners += [*store.pipelines] if kind != "job" else []
    return [store.context(ids.context_id(owner_id)) for owner_id in owners]
