"""Unit tests of the webhook wire format (`orchestrator.notify.delivery`): signatures, headers,
event names, bodies, delivery IDs and the retry policy."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime

import pytest

from orchestrator.models.run import RunState
from orchestrator.notify import delivery as d

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
RUN = {"id": "R0123456789AB", "kind": "job", "state": "succeeded", "env": {"TOKEN": "x"}}


class TestSignature:
    def test_hmac_sha256_of_timestamp_dot_payload(self):
        """The signature is `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<payload>`."""
        expected = hmac.new(b"Jefe", b"7.what do ya want", hashlib.sha256).hexdigest()
        assert d.signature("Jefe", b"what do ya want", 7) == f"sha256={expected}"

    def test_signs_the_timestamp_and_the_exact_payload(self):
        """The header signs the timestamp sent beside it and the bytes sent; any change to
        either breaks it."""
        payload = d.encode(d.test_body("D1", {"id": "W1", "name": "w"}, AT))
        found = d.headers("test", "D1", payload, "s3cret", 1796215335)
        assert found["X-Orchestrator-Timestamp"] == "1796215335"
        mac = hmac.new(b"s3cret", b"1796215335." + payload, hashlib.sha256).hexdigest()
        assert found["X-Orchestrator-Signature"] == f"sha256={mac}"
        assert d.signature("s3cret", payload + b" ", 1796215335) != f"sha256={mac}"
        assert d.signature("s3cret", payload, 1796215336) != f"sha256={mac}"

    def test_headers_without_secret(self):
        """Without a secret there is no signature header; the other headers are all there."""
        found = d.headers("job.failed", "D1", b"{}", "", 5)
        assert "X-Orchestrator-Signature" not in found
        assert found["Content-Type"] == "application/json"
        assert found["X-Orchestrator-Event"] == "job.failed"
        assert found["X-Orchestrator-Delivery"] == "D1"
        assert found["X-Orchestrator-Timestamp"] == "5"
        assert found["User-Agent"] == "orchestrator/0.3.0a0"


class TestEvents:
    @pytest.mark.parametrize(
        ("kind", "state", "event"),
        [
            ("job", "succeeded", "job.succeeded"),
            ("job", "failed", "job.failed"),
            ("job", "timed_out", "job.failed"),
            ("job", "cancelled", "job.failed"),
            ("job", "interrupted", "job.failed"),
            ("pipeline", "succeeded", "pipeline.succeeded"),
            ("pipeline", "failed", "pipeline.failed"),
            ("pipeline", "cancelled", "pipeline.failed"),
        ],
    )
    def test_finished_runs(self, kind: str, state: str, event: str):
        """Every final state but `succeeded` is announced as failed."""
        assert d.run_event({"kind": kind, "state": state}) == event

    @pytest.mark.parametrize("state", ["scheduled", "queued", "running", "retrying"])
    def test_unfinished_runs_have_no_event(self, state: str):
        """A run still going is not announced."""
        assert d.run_event({"kind": "job", "state": RunState(state)}) is None


class TestBodies:
    def test_run_body_hides_the_request_env(self):
        """The run in a body is its API view: the env values of the request are left out."""
        body = d.run_body("D1", "job.succeeded", RUN, AT)
        assert body == {
            "id": "D1",
            "event": "job.succeeded",
            "time": "2026-11-27T10:00:00.000+00:00",
            "run": {
                **{k: v for k, v in RUN.items() if k != "env"},
                "secret_env": {},
                "retried_by": None,
            },
        }

    def test_error_and_test_bodies(self):
        """system.error carries the message and details; test names the webhook."""
        error = d.error_body("D2", "disk full", {"error": "OSError"}, AT)
        assert error["event"] == "system.error"
        assert error["error"] == {"message": "disk full", "details": {"error": "OSError"}}
        test = d.test_body("D3", {"id": "W1", "name": "w", "secret": "s"}, AT)
        assert test["event"] == "test" and test["webhook"] == {"id": "W1", "name": "w"}
        assert "secret" not in json.dumps(test)

    def test_encoding_is_compact_utf8(self):
        """The payload is compact JSON in UTF-8, not ASCII escapes."""
        assert d.encode({"a": "é", "b": [1]}) == '{"a":"é","b":[1]}'.encode()

    def test_delivery_ids(self):
        """Delivery IDs are D plus 12 Crockford base32 characters, each drawn fresh."""
        ids = {d.new_delivery_id() for _ in range(50)}
        assert len(ids) == 50
        assert all(re.fullmatch(r"D[0-9A-HJKMNP-TV-Z]{12}", i) for i in ids)


class TestRetryPolicy:
    def test_backoff_doubles_up_to_a_ceiling(self):
        """Waits are retry_base * 2**n, never above an hour."""
        assert [d.backoff(0.5, n) for n in range(4)] == [0.5, 1.0, 2.0, 4.0]
        assert d.backoff(1.0, 40) == d.MAX_DELAY

    @pytest.mark.parametrize(("status", "again"), [(None, True), (500, True), (503, True),
                                                   (429, True), (408, True), (400, False),
                                                   (404, False), (301, False)])  # fmt: skip
    def test_retriable(self, status: int | None, again: bool):
        """No answer, 5xx, 408 and 429 are worth another try; other answers are final."""
        assert d.retriable(status) is again
