"""What one webhook delivery carries: its event name, its JSON body, its headers and signature,
and when to try again. Pure functions, so the wire format is testable without a network.

Receivers verify a delivery by computing HMAC-SHA256, with the webhook's secret, of
`"{X-Orchestrator-Timestamp}.{exact body bytes}"` and comparing it with
`X-Orchestrator-Signature: sha256=<hex>`; signing the timestamp lets them refuse a replayed
delivery (one whose timestamp is more than a few minutes old).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from orchestrator import __version__
from orchestrator.ids import ALPHABET
from orchestrator.models.fields import iso
from orchestrator.models.run import TERMINAL, RunState, public_run

USER_AGENT = f"orchestrator/{__version__}"
TEST_EVENT = "test"
SYSTEM_ERROR = "system.error"
# Answers worth another try: the receiver is overloaded, restarting, or asked us to slow down.
RETRY_STATUSES = frozenset({408, 429})
# A ceiling on one wait, so a large `max_attempts` cannot push a retry days away.
MAX_DELAY = 3600.0


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def new_delivery_id() -> str:
    """`D` plus 12 Crockford base32 characters, like a run ID."""
    return "D" + "".join(ALPHABET[byte & 31] for byte in secrets.token_bytes(12))


def run_event(run: dict[str, Any]) -> str | None:
    """`job.succeeded`, `job.failed`, `pipeline.succeeded` or `pipeline.failed` for a finished
    run (every final state but `succeeded` counts as failed); None while it is not finished."""
    if run["state"] not in TERMINAL:
        return None
    outcome = "succeeded" if run["state"] == RunState.SUCCEEDED else "failed"
    return f"{run['kind']}.{outcome}"


def run_body(delivery_id: str, event: str, run: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"id": delivery_id, "event": event, "time": iso(at), "run": public_run(run)}


def error_body(
    delivery_id: str, message: str, details: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "id": delivery_id,
        "event": SYSTEM_ERROR,
        "time": iso(at),
        "error": {"message": message, "details": details},
    }


def test_body(delivery_id: str, webhook: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "id": delivery_id,
        "event": TEST_EVENT,
        "time": iso(at),
        "webhook": {"id": webhook["id"], "name": webhook["name"]},
        "message": "This is a test delivery from Orchestrator.",
    }


def encode(body: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, payload: bytes, timestamp: int) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over `"{timestamp}.{payload}"`."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def headers(
    event: str, delivery_id: str, payload: bytes, secret: str, timestamp: int
) -> dict[str, str]:
    """The headers of one attempt (`timestamp`: unix seconds when it is sent); no signature
    header when the webhook has no secret."""
    found = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Orchestrator-Event": event,
        "X-Orchestrator-Delivery": delivery_id,
        "X-Orchestrator-Timestamp": str(timestamp),
    }
    if secret:
        found["X-Orchestrator-Signature"] = signature(secret, payload, timestamp)
    return found


def retriable(status: int | None) -> bool:
    """True when an attempt that ended this way may succeed later: no answer at all (status
    None: connection error or timeout), a 5xx, 408 or 429."""
    return status is None or status >= 500 or status in RETRY_STATUSES


def backoff(retry_base: float, retries_done: int) -> float:
    """Seconds to wait before the next attempt: retry_base, then doubling each time."""
    return min(retry_base * 2**retries_done, MAX_DELAY)


def new_record(delivery_id: str, event: str, at: datetime) -> dict[str, Any]:
    """The delivery record shown on the webhook, updated after every attempt."""
    return {
        "id": delivery_id,
        "event": event,
        "created_at": iso(at),
        "state": DeliveryState.PENDING,
        "attempts": [],
        "delivered_at": None,
    }
