"""What may be done to a pipeline: create, replace or patch, copy, delete, and how one is shown.

Its steps must name jobs that exist (`orchestrator.models.pipeline` checks them against the
store's jobs); its name is unique; a pipeline a schedule targets or with runs going is deleted
only with `force`.
"""

from __future__ import annotations

from typing import Any

from orchestrator.definitions.owners import check_unused
from orchestrator.models.fields import iso, now
from orchestrator.models.pipeline import public_pipeline, validate_pipeline
from orchestrator.store.store import Store


def show_pipeline(store: Store, pipeline: dict) -> dict:
    """The API view of a pipeline: its steps with their jobs' names, and what its runs say."""
    names = {s["job"]: (store.jobs.get(s["job"]) or {}).get("name") for s in pipeline["steps"]}
    return public_pipeline(pipeline, names, store.owner_extra(pipeline))


def create_pipeline(store: Store, body: Any, user: str) -> dict:
    """Check `body` (its steps' jobs included) and record a new pipeline created by `user`."""
    fields = validate_pipeline(body, store.jobs.find)
    store.pipelines.check_name_free(fields["name"])
    stamp = iso(now())
    pipeline = {"id": store.fresh_id("P"), **fields, "created_at": stamp}
    pipeline.update(updated_at=stamp, created_by=user)
    return show_pipeline(store, store.pipelines.save(pipeline))


def update_pipeline(store: Store, ref: str, body: Any, partial: bool) -> dict:
    """Replace a pipeline's fields (`partial`: only those sent), keeping its ID and creation."""
    old = store.pipelines.require(ref)
    fields = validate_pipeline(body, store.jobs.find, base=old if partial else None)
    pipeline = {"id": old["id"], **fields, "created_at": old["created_at"]}
    pipeline.update(updated_at=iso(now()), created_by=old["created_by"])
    return show_pipeline(store, store.pipelines.save(pipeline))


def copy_pipeline(store: Store, ref: str, name: str | None, user: str) -> dict:
    """A new pipeline with another's steps, named `name` or `<name>-copy`."""
    old = store.pipelines.require(ref)
    name = name or f"{old['name']}-copy"
    store.pipelines.check_name_free(name)
    stamp = iso(now())
    pipeline = {**old, "id": store.fresh_id("P"), "name": name, "created_at": stamp}
    pipeline.update(updated_at=stamp, created_by=user)
    return show_pipeline(store, store.pipelines.save(pipeline))


def delete_pipeline(store: Store, ref: str, force: bool) -> dict:
    """Remove a pipeline and its context; refused while targeted or running, unless forced."""
    pipeline = store.pipelines.require(ref)
    check_unused(store, pipeline, force)
    store.drop_context(pipeline["id"])
    return store.pipelines.remove(pipeline["id"])
