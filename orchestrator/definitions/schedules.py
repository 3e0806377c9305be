"""What may be done to a schedule: create, change, copy, delete, its targets, pause and resume.

Its cron and time zone are checked by `orchestrator.models.schedule`; here are the rules that
need the other records: its targets are jobs or pipelines that exist (by ID or name, never an
ambiguous name), each once; its name is unique; a copy of a schedule whose cron cannot fire is
refused; and a changed schedule starts afresh from its change (no catching up on earlier fires).
"""

from __future__ import annotations

from typing import Any

from orchestrator.errors import Conflict, NotFound, ValidationError
from orchestrator.models.fields import iso, now
from orchestrator.models.schedule import FIELD_ORDER, next_fire, resolve_targets, validate_schedule
from orchestrator.store.store import Store


def show_schedule(store: Store, schedule: dict) -> dict:
    """The API view of a schedule: its targets' names, its next and last fire."""
    marks = store.marks.get(schedule["id"], {})
    names = {}
    for target in schedule["targets"]:
        owner = store.definitions(target).get(target)
        names[target] = owner["name"] if owner else None
    due, error = next_fire(schedule, now())
    return {
        **schedule,
        "target_names": names,
        "next_fire_at": iso(due) if schedule["enabled"] else None,
        "next_fire_error": error,
        "last_fired_at": marks.get("last_fired_at"),
    }


def create_schedule(store: Store, body: Any, user: str) -> dict:
    """Check `body` (its targets included) and record a new schedule, its checkpoint now."""
    fields = validate_schedule(body, store.find_owner)
    store.schedules.check_name_free(fields["name"])
    stamp = iso(now())
    schedule = {"id": store.fresh_id("S"), **fields, "created_at": stamp}
    schedule.update(updated_at=stamp, created_by=user)
    store.schedules.save(schedule)
    store.save_marks(schedule["id"], {"checkpoint": stamp, "next_fire_at": None})
    return show_schedule(store, schedule)


def update_schedule(store: Store, ref: str, body: Any, partial: bool) -> dict:
    """Replace a schedule's fields (`partial`: only those sent); it starts afresh."""
    old = store.schedules.require(ref)
    fields = validate_schedule(body, store.find_owner, base=old if partial else None)
    return _save(store, old, fields)


def copy_schedule(store: Store, ref: str, name: str | None, user: str) -> dict:
    """A new schedule like another, named `name` or `<name>-copy`; refused if it cannot fire."""
    old = store.schedules.require(ref)
    _, error = next_fire(old, now())
    if error is not None:  # stored before such crons were refused: do not make another
        field = "timezone" if "time zone" in error else "cron"
        raise ValidationError({field: error})
    name = name or f"{old['name']}-copy"
    store.schedules.check_name_free(name)
    stamp = iso(now())
    schedule = {**old, "id": store.fresh_id("S"), "name": name, "created_at": stamp}
    schedule.update(updated_at=stamp, created_by=user)
    store.schedules.save(schedule)
    store.save_marks(schedule["id"], {"checkpoint": stamp, "next_fire_at": None})
    return show_schedule(store, schedule)


def delete_schedule(store: Store, ref: str) -> dict:
    """Remove a schedule and its marks."""
    schedule = store.schedules.require(ref)
    store.drop_marks(schedule["id"])
    return store.schedules.remove(schedule["id"])


def add_target(store: Store, ref: str, target: str) -> dict:
    """Add a job or pipeline to a schedule's targets; Conflict if it is one already."""
    old = store.schedules.require(ref)
    [target_id] = resolve_targets([target], store.find_owner)
    if target_id in old["targets"]:
        raise Conflict(f"'{target}' is already a target of schedule '{old['name']}'.")
    return _save(store, old, {**old, "targets": [*old["targets"], target_id]})


def remove_target(store: Store, ref: str, target: str) -> dict:
    """Take a job or pipeline out of a schedule's targets; NotFound if it is not one."""
    old = store.schedules.require(ref)
    owner = store.find_owner(target)
    target_id = owner["id"] if owner else target.strip().upper()
    if target_id not in old["targets"]:
        raise NotFound(f"'{target}' is not a target of schedule '{old['name']}'.")
    return _save(store, old, {**old, "targets": [t for t in old["targets"] if t != target_id]})


def set_enabled(store: Store, ref: str, enabled: bool) -> dict:
    """Pause (`enabled` False) or resume a schedule."""
    old = store.schedules.require(ref)
    return _save(store, old, {**old, "enabled": enabled})


def _save(store: Store, old: dict, fields: dict) -> dict:
    schedule = {**fields, "id": old["id"], "created_at": old["created_at"]}
    schedule.update(updated_at=iso(now()), created_by=old["created_by"])
    keys = ("id", *FIELD_ORDER, "created_at", "updated_at", "created_by")
    schedule = {k: schedule[k] for k in keys}
    store.schedules.save(schedule)
    # A changed schedule starts afresh: it does not catch up on fires before the change.
    store.save_marks(schedule["id"], {"checkpoint": iso(now())})
    return show_schedule(store, schedule)


def schedules_using(store: Store, owner_id: str) -> list[dict]:
    """The schedules that target a job or pipeline."""
    return [s for s in store.schedules.values() if owner_id in s["targets"]]


def drop_target_everywhere(store: Store, owner_id: str) -> None:
    """Remove a deleted job or pipeline from every schedule that targets it."""
    for schedule in schedules_using(store, owner_id):
        targets = [t for t in schedule["targets"] if t != owner_id]
        _save(store, schedule, {**schedule, "targets": targets})
