"""What a webhook receiver gets: the JSON body of each event, the headers that come with it, how
to check the signature, and when a delivery is tried again.

Receivers are written against this, so the bodies are components (`WebhookEvent` and its three
forms) and each event is also an entry of the document's top-level `webhooks` (OpenAPI 3.1).
"""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import Examples, Schema, body, obj, param, ref
from orchestrator.gateway.openapi.run_schemas import RUN_EXAMPLE
from orchestrator.gateway.openapi.webhook_schemas import DELIVERY_ID, EVENTS

DELIVERY_TEXT = """**What a receiver gets.** Each delivery is a `POST` of a JSON body
(`WebhookEvent`: `id`, `event`, `time`, and `run`, `error`, or `webhook` and `message`) with
the headers `Content-Type: application/json`, `User-Agent: orchestrator/<version>`,
`X-Orchestrator-Event: <event>`, `X-Orchestrator-Delivery: <delivery ID>`,
`X-Orchestrator-Timestamp: <unix seconds when this attempt was sent>` and, when the webhook has
a secret, `X-Orchestrator-Signature: sha256=<hex>`: the HMAC-SHA256, keyed with the secret, of
the timestamp, a `.`, and the exact body bytes (compact UTF-8 JSON). Check it on the raw bytes,
before parsing, with a constant-time comparison, and refuse a timestamp more than 5 minutes
old (a replay): in Python, `hmac.compare_digest("sha256=" + hmac.new(secret.encode(),
timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest(), signature_header)`.

**Events.** `job.succeeded` / `job.failed` and `pipeline.succeeded` / `pipeline.failed` when a
run ends (every final state other than `succeeded` counts as failed: `failed`, `timed_out`,
`cancelled`, `interrupted`); the job runs of pipeline steps are announced too (their
`run.pipeline_run_id` is set). Each run is announced once. `system.error` for a critical
error of the server: the store could not write to disk, a run's actor crashed, or runs were
cut by an unclean stop (sent when the server starts again, listing them; those runs are not
announced one by one). The same error repeated within 60 seconds is sent once. `test` only
from `POST /webhooks/{id}/test`.

**Retries.** Any 2xx answer is a success. No answer (connection error, or none within
`webhooks.timeout` seconds, default 10), a 5xx, a 408 or a 429 is tried again after
`webhooks.retry_base * 2**n` seconds (default 1, 2, 4, ...; at most an hour) until
`webhooks.max_attempts` attempts (default 5) have been made; any other answer, a redirect
included (redirects are not followed), fails the delivery at once. Every attempt of a delivery
sends the same body and the same `X-Orchestrator-Delivery` (use it to drop duplicates), with
its own timestamp and signature. Deliveries do not wait for each other: at most 16 requests are
under way at once, and at most 1000 deliveries pending; past that new ones are dropped (and
logged). When the server stops, attempts under way get a second to end and retries still
waiting are given up (the delivery ends `failed`, its last attempt says why); deliveries are
not resumed after a restart."""

FAILED_RUN = {
    **RUN_EXAMPLE,
    "state": "failed",
    "exit_code": 3,
    "error": "The command exited with code 3.",
    "attempts": [{**RUN_EXAMPLE["attempts"][0], "exit_code": 3}],
}
RUN_EVENT_EXAMPLE = {
    "id": "D4QW8ZK2M6N1P",
    "event": "job.failed",
    "time": "2026-11-27T10:00:02.520+00:00",
    "run": FAILED_RUN,
}
ERROR_EVENT_EXAMPLE = {
    "id": "D7NY282V22SAD",
    "event": "system.error",
    "time": "2026-11-27T10:00:05.000+00:00",
    "error": {
        "message": "Runs were cut by the last stop of the server and are now interrupted.",
        "details": {"runs": ["R0F3K8Z1M2N4Q"]},
    },
}
TEST_EVENT_EXAMPLE = {
    "id": "DWNHG4SFQP9H4",
    "event": "test",
    "time": "2026-11-27T10:00:00.000+00:00",
    "webhook": {"id": "W5R7T9V1X", "name": "ops-alerts"},
    "message": "This is a test delivery from Orchestrator.",
}


def _envelope(event: Schema, more: dict[str, Schema], description: str) -> Schema:
    fields = {
        "id": {**DELIVERY_ID, "description": "The delivery ID, as in `X-Orchestrator-Delivery`."},
        "event": event,
        "time": {"type": "string", "format": "date-time", "description": "When it happened."},
        **more,
    }
    return obj(fields, list(fields), closed=False, description=description)


def schemas() -> dict[str, Schema]:
    return {
        "WebhookRunEvent": _envelope(
            {"type": "string", "enum": EVENTS[:4]},
            {"run": ref("Run")},
            "A run ended: `run` is the run as `GET /runs/{id}` shows it.",
        ),
        "WebhookErrorEvent": _envelope(
            {"type": "string", "const": "system.error"},
            {
                "error": obj(
                    {
                        "message": {"type": "string", "description": "What went wrong."},
                        "details": {
                            "type": "object",
                            "description": "More facts: `error` (the store failed), `run_id` "
                            "and `error` (a run's actor crashed), `runs` (the run IDs an "
                            "unclean stop cut).",
                        },
                    },
                    ["message", "details"],
                    closed=False,
                )
            },
            "A critical error of the server.",
        ),
        "WebhookTestEvent": _envelope(
            {"type": "string", "const": "test"},
            {
                "webhook": obj(
                    {"id": {"type": "string"}, "name": {"type": "string"}},
                    ["id", "name"],
                    closed=False,
                ),
                "message": {"type": "string"},
            },
            "Sent by `POST /webhooks/{id}/test`.",
        ),
        "WebhookEvent": {
            "oneOf": [ref("WebhookRunEvent"), ref("WebhookErrorEvent"), ref("WebhookTestEvent")],
            "description": "The body of every delivery. Fields may be added in later versions: "
            "ignore those you do not know.",
        },
    }


def _header(name: str, description: str, example: str, required: bool = True) -> dict:
    return param(
        name, "header", {"type": "string"}, description, required=required, example=example
    )


def _delivery(op_id: str, summary: str, schema: str, examples: Examples) -> dict[str, Any]:
    return {
        "post": {
            "operationId": op_id,
            "summary": summary,
            "description": DELIVERY_TEXT,
            "security": [],
            "parameters": [
                _header("X-Orchestrator-Event", "The event.", "job.failed"),
                _header("X-Orchestrator-Delivery", "The delivery ID.", "D4QW8ZK2M6N1P"),
                _header(
                    "X-Orchestrator-Timestamp",
                    "Unix seconds when this attempt was sent; covered by the signature.",
                    "1796215335",
                ),
                _header(
                    "X-Orchestrator-Signature",
                    "`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` keyed with the "
                    "secret; absent when the webhook has no secret.",
                    "sha256=0478393355d5389f7162947f0043f82fc5cd253f15cf87fd574e97dec0b711ae",
                    required=False,
                ),
            ],
            "requestBody": body(ref(schema), examples),
            "responses": {
                "2XX": {"description": "Delivered."},
                "default": {"description": "Retried after a 5xx, 408 or 429; failed otherwise."},
            },
        }
    }


def webhooks() -> dict[str, Any]:
    """The document's top-level `webhooks`: what the server sends to each receiver."""
    return {
        "runFinished": _delivery(
            "deliverRunEvent",
            "A job or pipeline run ended",
            "WebhookRunEvent",
            Examples.of(failed=("A job run failed", RUN_EVENT_EXAMPLE)),
        ),
        "systemError": _delivery(
            "deliverSystemError",
            "A critical error of the server",
            "WebhookErrorEvent",
            Examples.of(cut=("Runs cut by a crash", ERROR_EVENT_EXAMPLE)),
        ),
        "test": _delivery(
            "deliverTest",
            "A test delivery",
            "WebhookTestEvent",
            Examples.of(test=("From POST /webhooks/{id}/test", TEST_EVENT_EXAMPLE)),
        ),
    }
