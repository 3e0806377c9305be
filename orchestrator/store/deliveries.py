"""How a webhook's deliveries are kept: its latest ones, newest first, in one record per webhook.

The Notifier tells each delivery as it goes (`record_delivery`); the webhook's API view shows
them. Only the latest `KEEP_DELIVERIES` are kept.
"""

from __future__ import annotations

from orchestrator.store.store import Store

KEEP_DELIVERIES = 50


def deliveries_of(store: Store, webhook_id: str) -> list[dict]:
    """The kept deliveries of a webhook, newest first."""
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


def replace_deliveries(store: Store, webhook_id: str, deliveries: list[dict]) -> None:
    """Write a webhook's deliveries as given (the same ones, changed in place)."""
    store.tables["deliveries"].put(webhook_id, deliveries)


def drop_deliveries(store: Store, webhook_id: str) -> None:
    """Forget a deleted webhook's deliveries."""
    store.tables["deliveries"].delete(webhook_id)
