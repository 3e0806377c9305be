"""The Storage actor's handling of webhook subscribers and delivery records.

Split from `storage.py` by responsibility, like the principals: the Notifier asks who wants an
event and tells how each delivery went; both run on the Storage actor's thread.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.definitions import webhooks
from orchestrator.store.deliveries import record_delivery

HANDLED = (m.Subscribers, m.SaveDelivery)


def handle(storage: Any, message: Any) -> Any:
    match message:
        case m.Subscribers(event):
            return webhooks.subscribers(storage.store, event)
        case m.SaveDelivery(webhook_id, delivery):
            record_delivery(storage.store, webhook_id, delivery)
            return None
    raise TypeError(f"Storage cannot handle {type(message).__name__}")


# Every message of this module goes to `handle`.
HANDLERS = dict.fromkeys(HANDLED, handle)
