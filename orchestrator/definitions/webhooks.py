"""What may be done to a webhook: create, replace or patch, copy, delete, and how one is shown;
who wants an event, and what a restart says of deliveries it cut.

Its fields are checked by `orchestrator.models.webhook`; here its name is unique, `***` stands
only for a secret already stored, and a copy is named `<name>-copy` unless told. Its deliveries
are kept by `orchestrator.store.deliveries`.
"""

from __future__ import annotations

from typing import Any

from orchestrator.errors import ValidationError
from orchestrator.models.fields import iso, now
from orchestrator.models.webhook import public_webhook, validate_webhook, wants
from orchestrator.store.deliveries import deliveries_of, drop_deliveries, replace_deliveries
from orchestrator.store.store import Store


def show_webhook(store: Store, webhook: dict) -> dict:
    """The API view of a webhook: its fields, its secret masked, its latest deliveries."""
    return public_webhook(webhook, deliveries_of(store, webhook["id"]))


def create_webhook(store: Store, body: Any, user: str) -> dict:
    """Check `body` and record a new webhook created by `user`."""
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
    """Replace a webhook's fields (`partial`: only those sent); `***` keeps the secret."""
    old = store.webhooks.require(ref)
    fields = validate_webhook(body, base=old if partial else None)
    if not partial and body.get("secret") == "***":
        fields["secret"] = old["secret"]
    webhook = {"id": old["id"], **fields, "created_at": old["created_at"]}
    webhook.update(updated_at=iso(now()), created_by=old["created_by"])
    return show_webhook(store, store.webhooks.save(webhook))


def copy_webhook(store: Store, ref: str, name: str | None, user: str) -> dict:
    """A new webhook like another (its secret included), named `name` or `<name>-copy`."""
    old = store.webhooks.require(ref)
    name = name or f"{old['name']}-copy"
    store.webhooks.check_name_free(name)
    stamp = iso(now())
    webhook = {**old, "id": store.fresh_id("W"), "name": name, "created_at": stamp}
    webhook.update(updated_at=stamp, created_by=user)
    return show_webhook(store, store.webhooks.save(webhook))


def delete_webhook(store: Store, ref: str) -> dict:
    """Remove a webhook and its deliveries."""
    webhook = store.webhooks.require(ref)
    drop_deliveries(store, webhook["id"])
    return store.webhooks.remove(webhook["id"])


def subscribers(store: Store, event: str) -> list[dict]:
    """The enabled webhooks that want `event`, with their secrets (for the Notifier only)."""
    return [dict(w) for w in store.webhooks.values() if wants(w, event)]


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
        replace_deliveries(store, webhook_id, changed)
    return closed
