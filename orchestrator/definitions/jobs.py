"""What may be done to a job: create, replace or patch, copy, delete, and how one is shown.

A job's fields are checked by `orchestrator.models.job`; here are the rules that need the other
records: its name is unique, a copy is named `<name>-copy` unless told, masked secrets sent back
keep the stored ones, and a job a pipeline uses, a schedule targets or with runs going is
deleted only with `force`.
"""

from __future__ import annotations

from typing import Any

from orchestrator.definitions.owners import check_unused
from orchestrator.errors import Conflict
from orchestrator.models.fields import iso, now
from orchestrator.models.job import JOB_FIELD_ORDER, JobDefaults, public_job, validate_job
from orchestrator.store.store import Store


def show_job(store: Store, job: dict) -> dict:
    """The API view of a job: its fields, secrets masked, and what its runs say."""
    return public_job(job, store.owner_extra(job))


def _ordered(fields: dict) -> dict:
    """Job fields in the order people read them: name and command first."""
    return {name: fields[name] for name in JOB_FIELD_ORDER if name in fields}


def create_job(store: Store, body: Any, user: str, defaults: JobDefaults) -> dict:
    """Check `body` and record a new job created by `user`."""
    fields = validate_job(body, defaults)
    stamp = iso(now())
    job = {"id": store.fresh_id("J"), **_ordered(fields), "created_at": stamp}
    job.update(updated_at=stamp, created_by=user)
    return show_job(store, store.jobs.save(job))


def update_job(store: Store, ref: str, body: Any, partial: bool, defaults: JobDefaults) -> dict:
    """Replace a job's fields (`partial`: only those sent), keeping its ID and creation."""
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
    """A new job with another's fields, named `name` or `<name>-copy`."""
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


def _uses(pipeline: dict, job_id: str) -> bool:
    return any(step["job"] == job_id for step in pipeline["steps"])
