"""A webhook's deliveries in a real store: the latest kept newest first, an update in its
place, those a crash left pending closed at the next start, all gone with the webhook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.definitions.webhooks import (
    close_pending_deliveries,
    create_webhook,
    delete_webhook,
    show_webhook,
)
from orchestrator.security.crypto import KeySource
from orchestrator.store.deliveries import KEEP_DELIVERIES, deliveries_of, record_delivery
from orchestrator.store.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "store.db", KeySource(None, tmp_path / "key"))
    yield opened
    opened.close()


def hook(store: Store) -> str:
    body = {"name": "hook", "url": "http://127.0.0.1:9/hook", "events": ["job.failed"]}
    return create_webhook(store, body, "alice")["id"]


def delivery(number: int, state: str = "succeeded") -> dict:
    return {"id": f"D{number}", "state": state, "attempts": []}


class TestKeptDeliveries:
    """The store keeps a webhook's latest deliveries, newest first, and no more."""

    def test_newest_first_and_an_update_stays_in_its_place(self, store: Store) -> None:
        webhook_id = hook(store)
        record_delivery(store, webhook_id, delivery(1, "pending"))
        record_delivery(store, webhook_id, delivery(2))
        record_delivery(store, webhook_id, delivery(1))
        assert [(d["id"], d["state"]) for d in deliveries_of(store, webhook_id)] == [
            ("D2", "succeeded"),
            ("D1", "succeeded"),
        ]

    def test_only_the_latest_are_kept(self, store: Store) -> None:
        webhook_id = hook(store)
        for number in range(KEEP_DELIVERIES + 5):
            record_delivery(store, webhook_id, delivery(number))
        kept = deliveries_of(store, webhook_id)
        assert len(kept) == KEEP_DELIVERIES
        assert kept[0]["id"] == f"D{KEEP_DELIVERIES + 4}"

    def test_a_delivery_of_an_unknown_webhook_is_not_kept(self, store: Store) -> None:
        record_delivery(store, "W404", delivery(1))
        assert deliveries_of(store, "W404") == []


class TestPendingDeliveriesAtStart:
    """Deliveries a crash left pending become failed, with an attempt that says why."""

    def test_pending_ones_are_closed_and_the_others_kept(self, store: Store) -> None:
        webhook_id = hook(store)
        record_delivery(store, webhook_id, delivery(1))
        record_delivery(store, webhook_id, delivery(2, "pending"))
        assert close_pending_deliveries(store) == 1
        first, second = deliveries_of(store, webhook_id)
        assert (first["id"], first["state"]) == ("D2", "failed")
        assert first["attempts"][-1]["error"] == "The server stopped before the delivery ended."
        assert second == delivery(1)
        assert close_pending_deliveries(store) == 0


class TestDeletedWebhook:
    """Deleting a webhook forgets its deliveries too."""

    def test_its_deliveries_go_with_it(self, store: Store) -> None:
        webhook_id = hook(store)
        record_delivery(store, webhook_id, delivery(1))
        assert [d["id"] for d in show_webhook(store, store.webhooks[webhook_id])["deliveries"]]
        delete_webhook(store, webhook_id)
        assert deliveries_of(store, webhook_id) == []
