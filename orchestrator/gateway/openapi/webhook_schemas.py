"""Schemas of webhooks as an admin manages them: what a client sends to create, replace, patch
and copy one, and the webhook the server answers with, with the record of its latest deliveries
and their attempts. What a receiver gets is in webhook_events.py."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import B32, Schema, obj, ref
from orchestrator.gateway.openapi.definitions import definition_schemas, name_field
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, maybe_time, seconds, timestamp

EVENTS = ["job.succeeded", "job.failed", "pipeline.succeeded", "pipeline.failed", "system.error"]
DELIVERY_ID = {"type": "string", "pattern": f"^D{B32}{{12}}$", "examples": ["D4QW8ZK2M6N1P"]}

WEBHOOK_EXAMPLE = {
    "name": "ops-alerts",
    "url": "https://hooks.example.com/orchestrator",
    "events": ["job.failed", "pipeline.failed", "system.error"],
    "secret": "whsec-7c1f0e9a",
    "enabled": True,
    "description": "Failures to the on-call channel.",
}
DELIVERY_EXAMPLE = {
    "id": "D4QW8ZK2M6N1P",
    "event": "job.failed",
    "created_at": "2026-11-27T10:00:02.520+00:00",
    "state": "delivered",
    "attempts": [
        {
            "at": "2026-11-27T10:00:02.521+00:00",
            "status": 503,
            "error": "HTTP 503 Service Unavailable",
            "duration": 0.031,
        },
        {"at": "2026-11-27T10:00:03.553+00:00", "status": 200, "error": None, "duration": 0.027},
    ],
    "delivered_at": "2026-11-27T10:00:03.553+00:00",
}
WEBHOOK_OUTPUT_EXAMPLE = {
    **WEBHOOK_EXAMPLE,
    "secret": "***",
    "id": "W5R7T9V1X",
    "created_at": TIME_EXAMPLE,
    "updated_at": TIME_EXAMPLE,
    "created_by": "admin",
    "deliveries": [DELIVERY_EXAMPLE],
}

SECRET_TEXT = """Key of the HMAC-SHA256 signature of every delivery (header
`X-Orchestrator-Signature`); encrypted at rest and shown as `***` (or `""` when there is none).
Empty, null or left out: deliveries are not signed. `***` keeps the stored secret (on create,
where none is stored, it makes a webhook without one), so a client may send back what it read."""


def webhook_fields() -> dict[str, Schema]:
    """The fields a client sets, on create, replace and patch alike."""
    return {
        "name": name_field("Unique among webhooks; usable wherever a webhook ID is."),
        "url": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
            "description": "Absolute `http://` or `https://` URL that receives a `POST` per "
            "delivery. Redirects are not followed. The logs name only its host, never the "
            "whole URL, so a token in its path stays out of them.",
        },
        "events": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": [*EVENTS, "*"]},
            "description": "The events to deliver; `*` means all of them, including events "
            "added later. Duplicates are dropped.",
        },
        "secret": {"type": ["string", "null"], "description": SECRET_TEXT},
        "enabled": {
            "type": "boolean",
            "default": True,
            "description": "False: no deliveries at all, and `POST /webhooks/{id}/test` is a 409.",
        },
        "description": {"type": "string", "maxLength": 2000, "default": ""},
    }


def schemas() -> dict[str, Schema]:
    attempt = obj(
        {
            "at": timestamp("When the attempt was sent."),
            "status": {
                "type": ["integer", "null"],
                "description": "The receiver's HTTP status; null when no answer came "
                "(connection refused, timeout, ...).",
            },
            "error": {
                "type": ["string", "null"],
                "description": "Why the attempt did not count as delivered (`HTTP 503 Service "
                "Unavailable`, `No answer within 10 seconds.`, ...); null for a 2xx.",
            },
            "duration": seconds("How long the attempt took."),
        },
        ["at", "status", "error", "duration"],
        closed=False,
    )
    delivery = obj(
        {
            "id": {**DELIVERY_ID, "description": "Also sent as `X-Orchestrator-Delivery`."},
            "event": {"type": "string", "enum": [*EVENTS, "test"]},
            "created_at": timestamp("When the event happened and the delivery was created."),
            "state": {
                "type": "string",
                "enum": ["pending", "delivered", "failed"],
                "description": "`pending` while attempts go on, `delivered` after a 2xx, "
                "`failed` once attempts ran out, on an answer not worth retrying, or when the "
                "server stopped first.",
            },
            "attempts": {"type": "array", "items": ref("DeliveryAttempt")},
            "delivered_at": maybe_time("When the attempt that got a 2xx was sent."),
        },
        ["id", "event", "created_at", "state", "attempts", "delivered_at"],
        closed=False,
        description="One delivery of one event to this webhook, with every attempt so far.",
    )
    output = {
        **webhook_fields(),
        "id": {"type": "string", "pattern": f"^W{B32}{{8}}$", "examples": ["W5R7T9V1X"]},
        "secret": {
            "type": "string",
            "enum": ["***", ""],
            "description": '`***` when the webhook has a secret, `""` when it has none.',
        },
        "created_at": timestamp("When the webhook was created."),
        "updated_at": timestamp("When the webhook was last changed."),
        "created_by": {"type": "string", "description": "Username of the creator."},
        "deliveries": {
            "type": "array",
            "items": ref("Delivery"),
            "maxItems": 50,
            "description": "The 50 deliveries with the latest activity, the most recent "
            "first: a delivery moves to the top after each attempt.",
        },
    }
    return {
        **definition_schemas(
            "Webhook",
            webhook_fields(),
            ["name", "url", "events"],
            "A new webhook, or the full replacement of one (`PUT`): optional fields left out "
            "take their defaults (`secret` left out removes the secret).",
            "Only the fields sent change.",
            output,
        ),
        "Delivery": delivery,
        "DeliveryAttempt": attempt,
        "TestDelivery": obj(
            {"delivery_id": DELIVERY_ID},
            ["delivery_id"],
            closed=False,
            description="The delivery under way; it shows in the webhook's `deliveries`.",
        ),
    }
