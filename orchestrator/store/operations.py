"""What the Storage actor does with each request, as plain functions over the Store.

Keeping these outside the actor makes them testable without threads and keeps the actor a thin
dispatcher.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from orchestrator import ids
from orchestrator.errors import Conflict, InvalidReference, NotFound, ValidationError
from orchestrator.models.fields import iso, now
from orchestrator.models.job import JOB_FIELD_ORDER, JobDefaults, public_job, validate_job
from orchestrator.models.run import CUT_BY_RESTART, RunState, new_run, public_run
from orchestrator.store.store import Store


def page(items: Iterable[dict], limit: int, cursor: str | None, view=lambda x: x) -> dict:
    """One page of a list: the items after the one whose ID is `cursor`, and the total count."""
    chosen: list[dict] = []
    total = 0
    passed = cursor is None
    for item in items:
        total += 1
        if not passed:
            passed = item["id"] == cursor
        elif len(chosen) <= limit:
            chosen.append(item)
    if not passed:
        raise ValidationError({"cursor": "does not match any item; start again without it"})
    more = len(chosen) > limit
    chosen = chosen[:limit]
    return {
        "items": [view(item) for item in chosen],
        "total": total,
        "next_cursor": chosen[-1]["id"] if more else None,
    }


def show_job(store: Store, job: dict) -> dict:
    return public_job(job, store.job_extra(job))


def create_job(store: Store, body: Any, user: str, defaults: JobDefaults) -> dict:
    fields = validate_job(body, defaults)
    stamp = iso(now())
    job = {"id": store.fresh_id("J"), **_ordered(fields), "created_at": stamp}
    job.update(updated_at=stamp, created_by=user)
    return show_job(store, store.save_job(job))


def update_job(store: Store, ref: str, body: Any, partial: bool, defaults: JobDefaults) -> dict:
    old = store.job(ref)
    fields = validate_job(body, defaults, base=old if partial else None)
    if not partial:
        # A full replace keeps stored secrets sent back masked, like a patch does.
        masked = {k for k, v in fields["secret_env"].items() if v == "***"}
        fields["secret_env"].update(
            {k: old["secret_env"][k] for k in masked & set(old["secret_env"])}
        )
    job = {"id": old["id"], **_ordered(fields), "created_at": old["created_at"]}
    job.update(updated_at=iso(now()), created_by=old["created_by"])
    return show_job(store, store.save_job(job))


def _ordered(fields: dict) -> dict:
    """Job fields in the order people read them: name and command first."""
    return {name: fields[name] for name in JOB_FIELD_ORDER if name in fields}


def copy_job(store: Store, ref: str, name: str | None, user: str) -> dict:
    old = store.job(ref)
    name = name or f"{old['name']}-copy"
    if store.find_job(name) is not None:
        raise Conflict(f"A job named '{name}' already exists.")
    stamp = iso(now())
    job = {**old, "id": store.fresh_id("J"), "name": name, "created_at": stamp}
    job.update(updated_at=stamp, created_by=user)
    return show_job(store, store.save_job(job))


def delete_job(store: Store, ref: str, force: bool, active: set[str]) -> None:
    job = store.job(ref)
    if job["id"] in active and not force:
        raise Conflict(f"Job '{job['name']}' has runs in progress; cancel them or use force=true.")
    store.delete_job(job["id"])


def create_run(
    store: Store, ref: str, trigger: dict, at: datetime | None, env: dict
) -> tuple[dict, dict]:
    """Record a run of a job: `scheduled` when `at` is in the future, else `queued`."""
    job = store.job(ref)
    stamp = now()
    planned = iso(at) if at is not None and at > stamp else None
    if planned:
        trigger = {**trigger, "type": "at"}
    run = new_run(store.fresh_id("R"), "job", job, trigger, iso(stamp), planned)
    run["env"] = env
    store.save_run(run)
    return job, run


def show_run(run: dict) -> dict:
    return public_run(run)


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
    return found


def recover(store: Store) -> dict[str, list]:
    """After a restart: runs cut by it become `interrupted`.

    Returns the runs planned for later (`planned`) and the IDs of the runs that were executing
    (`cut`), whose processes may still be alive.
    """
    planned, cut = [], []
    stamp = iso(now())
    for run in list(store.runs.values()):
        if run["state"] in CUT_BY_RESTART:
            was = run["state"]
            run = {**run, "state": RunState.INTERRUPTED, "finished_at": stamp}
            run["error"] = f"The server stopped while the run was {was}."
            store.save_run(run)
            if was != RunState.QUEUED:
                cut.append(run["id"])
        elif run["state"] == RunState.SCHEDULED:
            planned.append(run)
    return {"planned": planned, "cut": cut}


def list_contexts(store: Store, kind: str | None) -> list[dict]:
    if kind not in (None, "job", "pipeline"):
        raise ValidationError({"kind": "must be job or pipeline"})
    if kind == "pipeline":
        return []
    return [store.context(ids.context_id(job_id)) for job_id in store.jobs]
