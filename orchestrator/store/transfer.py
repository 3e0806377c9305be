"""Export and import of the whole configuration (jobs, pipelines, schedules, webhooks), for
backup and migration.

An export is one document with every definition, its ID and its creation stamps; secrets are
masked unless asked for. An import is checked as a whole first (`import_check`) and then applied
in one go, so a bad document changes nothing; importing an export into an empty server
reproduces it exactly.
"""

from __future__ import annotations

import copy
from typing import Any

from orchestrator.models.fields import iso, now
from orchestrator.models.job import SECRET_MASK, JobDefaults
from orchestrator.store.import_check import FORMAT, SECTIONS, STAMPS, VERSION, Plan, plan_import
from orchestrator.store.store import Store

# A name no person types, held for a moment by a renamed record so that two records can swap
# names; it never reaches the file, whose pending write for the record is replaced at once.
_PARKED = "\x00import:"


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
    shown = {"id": record["id"], **{name: record.get(name) for name in order}}
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
    `dry_run`. The answer lists the IDs created, updated, deleted and left unchanged per
    section (`{"created": {"jobs": [...], ...}, ...}`)."""
    plan = plan_import(store, doc, mode, defaults, user)
    if not dry_run:
        apply(store, plan)
    answer: dict[str, Any] = {"dry_run": dry_run, "mode": mode}
    for outcome in ("created", "updated", "deleted", "unchanged"):
        answer[outcome] = {section: plan.outcome[section][outcome] for section, *_ in SECTIONS}
    return answer


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
