"""Undo in memory what a request changed when its writes could not be committed.

The Storage actor applies a change to its in-memory indexes first and commits after; when the
commit fails, the request's pending writes are discarded and every record they touched is read
back from disk here, so memory says again exactly what the file says. Only the failing path pays
for this; the normal path keeps no snapshot.
"""

from __future__ import annotations

from typing import Any

from orchestrator.security.principals import Principals
from orchestrator.store.definitions import Definitions
from orchestrator.store.history import ACTIVE, RunHistory
from orchestrator.store.store import Store


def undo(store: Store, principals: Principals, dropped: dict[str, dict[str, Any]]) -> None:
    """Reload from disk every record whose write was dropped ({table: {key: value}})."""
    definitions = {
        "jobs": store.jobs,
        "pipelines": store.pipelines,
        "schedules": store.schedules,
        "webhooks": store.webhooks,
    }
    plain = {
        "schedule_marks": store.marks,
        "contexts": store.contexts,
        "users": principals.users,
        "sessions": principals.sessions,
    }
    for name, writes in dropped.items():
        table = store.tables[name]
        for key in writes:
            stored = table.db.get(key)
            if name in definitions:
                _restore_definition(definitions[name], key, stored)
            elif name == "runs":
                _restore_run(store.runs, key, stored)
            elif name in plain:
                _restore_plain(plain[name], key, stored)
            elif name == "api_keys":
                for digest in [h for h, k in principals.keys.items() if k["id"] == key]:
                    del principals.keys[digest]
                if stored is not None:
                    principals.keys[stored["hash"]] = stored
            elif name == "audit":
                _restore_audit(store, key, stored)


def _restore_plain(records: dict, key: str, stored: Any) -> None:
    if stored is None:
        records.pop(key, None)
    else:
        records[key] = stored


def _restore_definition(defs: Definitions, key: str, stored: dict | None) -> None:
    current = defs.records.pop(key, None)
    if current is not None and defs.names.get(current["name"]) == key:
        del defs.names[current["name"]]
    if stored is not None:
        record = defs._convert(stored, defs.box.open)
        defs.records[key] = record
        defs.names[record["name"]] = key
        # Keep the creation order listings rely on.
        ordered = sorted(defs.records.values(), key=lambda r: r.get("created_at") or "")
        defs.records = {r["id"]: r for r in ordered}


def _restore_run(runs: RunHistory, key: str, stored: dict | None) -> None:
    current = runs.records.pop(key, None)
    if current is not None:
        owner = current["owner_id"]
        runs.active[owner] -= current["state"] in ACTIVE
        runs.planned.get(owner, set()).discard(key)
        ids = [r for r in runs.by_owner.get(owner, []) if r != key]
        if ids:
            runs.by_owner[owner] = ids
        else:
            runs.by_owner.pop(owner, None)
    if stored is not None:
        runs._index(stored)
        owner = stored["owner_id"]
        runs.by_owner[owner].sort(key=lambda r: runs.records[r].get("created_at") or "")
        if current is None:  # it came back from a discarded delete: keep creation order
            ordered = sorted(runs.records.values(), key=lambda r: r.get("created_at") or "")
            runs.records = {r["id"]: r for r in ordered}


def _restore_audit(store: Store, key: str, stored: dict | None) -> None:
    """Nothing to undo in memory: the trail lives in its table (the dropped write is gone)."""
