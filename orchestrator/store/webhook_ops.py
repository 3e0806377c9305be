"""What the Storage actor does with webhook requests, as plain functions over the Store."""

from __future__ import annotations

from typing import Any

from orchestrator.errors import ValidationError
from orchestrator.models.fields import iso, now
from orchestrator.models.webhook import public_webhook, validate_webhook, wants
from orchestrator.store.store import Store

KEEP_DELIVERIES = 50


def show_webhook(store: Store, webhook: dict) -> dict:
    return public_webhook(webhook, deliveries_of(store, webhook["id"]))


def create_webhook(store: Store, body: Any, user: str) -> dict:
    fields = validate_webhook(body)
    if body.get("secret") == "***":
        message = "'***' only stands for a stored secret; send the secret itself"
        raise ValidationError({"secret": message})
    store.webhooks.check_name_free(fields["name"])
    stamp = iso(now())
    webhook = {"id": store.fresh_id("W"), **fields, "created_at": stamp}
    webhook.update(updated_at=stamp, created_by=user)
    return show_webhook(store, store.webhooks.save(webhook))


def update_webhook(store: Store, ref: str, body: Any, partial: bool) -> dict:
    old = store.webhooks.require(ref)
    fields = validate_webhook(body, base=old if partial else None)
    if not partial and body.get("secret") == "***":
        fields["secret"] = old["secret"]
    webhook = {"id": old["id"], **fields, "created_at": old["created_at"]}
    webhook.update(updated_at=iso(now()), created_by=old["created_by"])
    return show_webhook(store, store.webhooks.save(webhook))


def copy_webhook(store: Store, ref: str, name: str | None, user: str) -> dict:
    old = store.webhooks.require(ref)
    name = name or f"{old['name']}-copy"
    store.webhooks.check_name_free(name)
    stamp = iso(now())
    webhook = {**old, "id": store.fresh_id("W"), "name": name, "created_at": stamp}
    webhook.update(updated_at=stamp, created_by=user)
    return show_webhook(store, store.webhooks.save(webhook))


def delete_webhook(store: Store, ref: str) -> dict:
    webhook = store.webhooks.require(ref)
    store.tables["deliveries"].delete(webhook["id"])
    return store.webhooks.remove(webhook["id"])


def subscribers(store: Store, event: str) -> list[dict]:
    """The enabled webhooks that want `event`, with their secrets (for the Notifier only)."""
    return [dict(w) for w in store.webhooks.values() if wants(w, event)]


def deliveries_of(store: Store, webhook_id: str) -> list[dict]:
    return store.tables["deliveries"].get(webhook_id) or []


def record_delivery(store: Store, webhook_id: str, delivery: dict) -> None:
    """Keep the latest deliveries of a webhook, newest first; an update stays in its place."""
    if webhook_id not in store.webhooks:
        return
    known = deliveries_of(store, webhook_id)
    if any(d["id"] == delivery["id"] for d in known):
        kept = [delivery if d["id"] == delivery["id"] else d for d in known]
    else:
        kept = [delivery, *known]
    store.tables["deliveries"].put(webhook_id, kept[:KEEP_DELIVERIES])


def close_pending_deliveries(store: Store) -> int:
    """After a crash: deliveries left pending were cut and will not resume; say so."""
    closed = 0
    for webhook_id in list(store.webhooks):
        known = deliveries_of(store, webhook_id)
        if not any(d.get("state") == "pending" for d in known):
            continue
        stamp = iso(now())
        cut = {
            "at": stamp,
            "status": None,
            "error": "The server stopped before the delivery ended.",
            "duration": None,
        }
        changed = []
        for d in known:
            if d.get("state") == "pending":
                d = {**d, "state": "failed", "attempts": [*d.get("attempts", []), cut]}
                closed += 1
            changed.append(d)
        store.tables["deliveries"].put(webhook_id, changed)
    return closed
