"""Unit tests of the webhook Sender against a real receiver on 127.0.0.1: attempts, retries
with backoff, timeouts, the pending limit, and closing with and without a grace."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from orchestrator.notify import delivery as d
from orchestrator.notify.sender import STOPPED, Sender
from tests.support import free_port
from tests.webhook_receiver import Receiver

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _send(sender: Sender, url: str, secret: str = "") -> tuple[list[dict], threading.Event]:
    """Send one test delivery; returns the records seen and an event set on the final one."""
    records: list[dict[str, Any]] = []
    done = threading.Event()

    def on_update(record: dict) -> None:
        records.append(record)
        if record["state"] != "pending":
            done.set()

    webhook = {"id": "W1", "name": "w", "url": url, "secret": secret}
    assert sender.send(webhook, "test", d.test_body(d.new_delivery_id(), webhook, AT), on_update)
    return records, done


class TestSender:
    def test_retries_with_backoff_until_delivered(self):
        """500, 503, then 200: three attempts, waits of about 0.1 s then 0.2 s, delivered."""
        sender = Sender(timeout=2, max_attempts=5, retry_base=0.1)
        with Receiver(statuses=(500, 503)) as receiver:
            records, done = _send(sender, receiver.url, "k")
            assert done.wait(5)
            got = receiver.wait(3)
            sender.close()
        assert len(receiver.received) == 3
        assert all(r.signed_with("k") for r in got)
        assert len({r.headers["x-orchestrator-delivery"] for r in got}) == 1
        assert got[1].at - got[0].at >= 0.09 and got[2].at - got[1].at >= 0.18
        assert records[0]["state"] == "pending" and records[0]["attempts"] == []
        final = records[-1]
        assert final["state"] == "delivered" and final["delivered_at"] is not None
        assert [a["status"] for a in final["attempts"]] == [500, 503, 200]
        assert final["attempts"][0]["error"] == "HTTP 500 Internal Server Error"

    def test_gives_up_after_max_attempts(self):
        """A receiver that always fails gets exactly max_attempts tries; the delivery failed."""
        sender = Sender(timeout=2, max_attempts=2, retry_base=0.05)
        with Receiver(statuses=(500,) * 5) as receiver:
            records, done = _send(sender, receiver.url)
            assert done.wait(5)
            time.sleep(0.2)
            sender.close()
        assert len(receiver.received) == 2
        assert records[-1]["state"] == "failed" and records[-1]["delivered_at"] is None

    def test_a_client_error_is_final(self):
        """A 404 is not retried."""
        sender = Sender(timeout=2, max_attempts=5, retry_base=0.05)
        with Receiver(statuses=(404,)) as receiver:
            records, done = _send(sender, receiver.url)
            assert done.wait(5)
            time.sleep(0.2)
            sender.close()
        assert len(receiver.received) == 1
        assert [a["status"] for a in records[-1]["attempts"]] == [404]

    def test_dead_and_silent_receivers_fail_with_a_reason(self):
        """A closed port and a receiver slower than the timeout both end failed, with errors."""
        sender = Sender(timeout=0.3, max_attempts=2, retry_base=0.05)
        with Receiver(delay=2) as slow:
            dead, dead_done = _send(sender, f"http://127.0.0.1:{free_port()}/x")
            silent, silent_done = _send(sender, slow.url)
            assert dead_done.wait(5) and silent_done.wait(5)
            sender.close()
        for records in (dead, silent):
            assert records[-1]["state"] == "failed"
            assert all(a["status"] is None and a["error"] for a in records[-1]["attempts"])
        assert "No answer within 0.3 seconds" in silent[-1]["attempts"][0]["error"]

    def test_close_cancels_deliveries_in_flight(self):
        """Closing does not wait for a hanging receiver; the cut delivery says why it failed."""
        sender = Sender(timeout=10, max_attempts=3, retry_base=0.05)
        with Receiver(delay=5) as slow:
            records, done = _send(sender, slow.url)
            slow.wait(1)
            started = time.monotonic()
            sender.close()
            assert time.monotonic() - started < 2
        assert done.is_set()
        assert records[-1]["state"] == "failed"
        assert records[-1]["attempts"][-1]["error"] == STOPPED
        late = sender.send({"id": "W1", "url": slow.url}, "test", {"id": "D1"}, records.append)
        assert late is False

    def test_close_grace_finishes_requests_but_cuts_retry_waits(self):
        """Within the grace, a request under way ends delivered, while a delivery waiting for
        its retry is cut at once."""
        sender = Sender(timeout=5, max_attempts=3, retry_base=30)
        with Receiver(delay=0.5) as slow, Receiver(statuses=(500,)) as failing:
            waiting, waiting_done = _send(sender, failing.url)
            failing.wait(1)
            time.sleep(0.1)  # its first attempt is recorded; it now waits 30 s to retry
            answering, answering_done = _send(sender, slow.url)
            slow.wait(1)
            started = time.monotonic()
            sender.close(grace=3)
            assert time.monotonic() - started < 2
        assert answering_done.is_set() and answering[-1]["state"] == "delivered"
        assert waiting_done.is_set() and waiting[-1]["state"] == "failed"
        assert [a["status"] for a in waiting[-1]["attempts"]] == [500, None]
        assert waiting[-1]["attempts"][-1]["error"] == STOPPED

    def test_drops_beyond_the_pending_limit(self):
        """With max_pending deliveries in flight, the next one is dropped, not queued."""
        sender = Sender(timeout=10, max_attempts=1, retry_base=0.05, max_pending=1)
        with Receiver(delay=3) as slow:
            _send(sender, slow.url)
            webhook = {"id": "W1", "url": slow.url}
            assert sender.send(webhook, "test", {"id": "D2"}, lambda record: None) is False
            assert sender.pending == 1
            sender.close()
        assert sender.pending == 0
