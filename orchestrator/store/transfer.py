"""Export and import of the whole configuration (jobs, pipelines, schedules, webhooks), for
backup and migration.

An export is one document with every definition, its ID and its creation stamps; secrets are
masked unless asked for. An import is checked as a whole first (`import_check`) and then applied
in one go, so a bad document changes nothing; importing an export into an empty server
reproduces it exactly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from orchestrator.models.fields import iso, now
from orchestrator.models.job import SECRET_MASK, JobDefaults
from orchestrator.store.import_check import (
    FORMAT,
    SECTIONS,
    STAMPS,
    VERSION,
    Checked,
    check_document,
)
from orchestrator.store.store import Store

# A name no person types, held for a moment by a renamed record so that two records can swap
# names; it never reaches the file, whose pending write for the record is replaced at once.
_PARKED = "\x00import:"


@dataclass
class Plan:
    """What an import does: records to save per section, and the IDs by outcome."""

    mode: str
    save: dict[str, list[dict]] = field(default_factory=dict)
    outcome: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def export(store: Store, include_secrets: bool) -> dict[str, Any]:
    """The configuration document; secret values become `***` unless `include_secrets`."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": iso(now())}
    for section, prefix, _, order in SECTIONS:
        doc[section] = [
            _exported(record, order, include_secrets)
            for record in store.definitions(prefix).values()
        ]
    return doc


def _exported(record: dict, order: tuple[str, ...], include_secrets: bool) -> dict[str, Any]:
    # A field an older record lacks is left out, so that an import gives it its default.
    shown = {"id": record["id"], **{name: record[name] for name in order if name in record}}
    shown.update({name: record.get(name) for name in STAMPS})
    shown = copy.deepcopy(shown)  # the answer leaves the Storage thread: share nothing
    if not include_secrets:
        if "secret_env" in shown:
            shown["secret_env"] = {key: SECRET_MASK for key in shown["secret_env"]}
        if shown.get("secret"):
            shown["secret"] = SECRET_MASK
    return shown


def import_document(
    store: Store, doc: Any, mode: str, dry_run: bool, user: str, defaults: JobDefaults
) -> dict[str, Any]:
    """Check `doc` as a whole (ValidationError naming every problem), then apply it unless
    `dry_run`. The answer lists what was created, updated, deleted and left unchanged per
    section, each as `{"id", "name"}` (`{"created": {"jobs": [...], ...}, ...}`). A dry run
    names what it would create with the document's ID, or with `id: null` where the document
    gives none: the ID the import will draw does not exist yet."""
    items = check_document(store, doc, mode, defaults)
    plan = plan_changes(store, items, mode, user)
    names = {item.id: item.record["name"] for item in items}
    for section, *_ in SECTIONS:  # before they go: what is deleted is named too
        names.update((key, _name(store, key)) for key in plan.outcome[section]["deleted"])
    if not dry_run:
        apply(store, plan)
    # A dry run's new items have IDs drawn only for the check; the import draws its own.
    drawn = {item.id for item in items if dry_run and "id" not in item.raw}
    answer: dict[str, Any] = {"dry_run": dry_run, "mode": mode}
    for outcome in ("created", "updated", "deleted", "unchanged"):
        answer[outcome] = {
            section: [
                {"id": None if outcome == "created" and key in drawn else key, "name": names[key]}
                for key in plan.outcome[section][outcome]
            ]
            for section, *_ in SECTIONS
        }
    return answer


def _name(store: Store, record_id: str) -> str:
    record = store.definitions(record_id).get(record_id)
    return record["name"] if record else ""


def plan_changes(store: Store, items: list[Checked], mode: str, user: str) -> Plan:
    """Sort the checked items into created, updated and unchanged; replace also deletes what
    the document leaves out. A new record keeps the document's stamps; a changed one keeps
    its own creation stamps and is updated now; an unchanged one is left alone."""
    plan = Plan(mode)
    stamp = iso(now())
    for section, prefix, _, order in SECTIONS:
        outcome: dict[str, list[str]] = {k: [] for k in ("created", "updated", "unchanged")}
        plan.save[section] = []
        defs = store.definitions(prefix)
        for item in (i for i in items if i.section == section):
            fields = {name: item.record[name] for name in order}
            old = defs.get(item.id)
            if old is None:
                created_at = item.raw.get("created_at") or stamp
                stamps = (created_at, item.raw.get("updated_at") or created_at)
                record = _record(item.id, fields, *stamps, item.raw.get("created_by", user))
                outcome["created"].append(item.id)
            elif all(old.get(name) == value for name, value in fields.items()):
                outcome["unchanged"].append(item.id)
                continue
            else:
                record = _record(item.id, fields, old["created_at"], stamp, old["created_by"])
                outcome["updated"].append(item.id)
            plan.save[section].append(record)
        given = {item.id for item in items if item.section == section}
        outcome["deleted"] = [i for i in defs if i not in given] if mode == "replace" else []
        plan.outcome[section] = outcome
    return plan


def _record(
    record_id: str, fields: dict, created_at: str, updated_at: str, created_by: Any
) -> dict:
    record = {"id": record_id, **fields}
    record.update(created_at=created_at, updated_at=updated_at, created_by=created_by)
    return record


def apply(store: Store, plan: Plan) -> None:
    """Make the planned changes in memory and in the pending writes (the caller flushes)."""
    stamp = iso(now())
    gone = {section: plan.outcome[section]["deleted"] for section, *_ in SECTIONS}
    # Deletions first: the names they free may be taken by the document. References need no
    # care here: the check ran against the result, where nothing points at a deleted record.
    for schedule_id in gone["schedules"]:
        store.marks.pop(schedule_id, None)
        store.tables["schedule_marks"].delete(schedule_id)
        store.schedules.remove(schedule_id)
    for owner_id in gone["pipelines"] + gone["jobs"]:
        store.drop_context(owner_id)
        store.definitions(owner_id).remove(owner_id)
    for webhook_id in gone["webhooks"]:
        store.tables["deliveries"].delete(webhook_id)
        store.webhooks.remove(webhook_id)
    for section, prefix, _, _ in SECTIONS:
        defs = store.definitions(prefix)
        for record in plan.save[section]:
            old = defs.get(record["id"])
            if old is not None and old["name"] != record["name"]:
                defs.save({**old, "name": _PARKED + record["id"]})
        for record in plan.save[section]:
            defs.save(record)
    for schedule_id in plan.outcome["schedules"]["created"]:
        store.save_marks(schedule_id, {"checkpoint": stamp, "next_fire_at": None})
    for schedule_id in plan.outcome["schedules"]["updated"]:
        # Like an edit through the API: a changed schedule does not catch up on earlier fires.
        store.save_marks(schedule_id, {"checkpoint": stamp})
