"""Paths of webhooks (admins only): create, list, read, replace, patch, delete and copy them,
and send a test delivery; each webhook shows its latest deliveries."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import body, operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.webhook_events import DELIVERY_TEXT
from orchestrator.gateway.openapi.webhook_schemas import WEBHOOK_EXAMPLE, WEBHOOK_OUTPUT_EXAMPLE

TAG = {
    "name": "webhooks",
    "description": f"""A webhook sends an HTTP `POST` to a URL when a job or pipeline run ends
and when the server meets a critical error, signed with the webhook's secret if it has one.
Webhook IDs are `W` plus 8 Crockford base32 characters; delivery IDs `D` plus 12. Every
webhook shows its latest 50 deliveries (`deliveries`, most recent activity first), each with
its state and every attempt: the place to see whether a receiver gets its events. The
top-level `webhooks` of this document describe the requests a receiver gets.

{DELIVERY_TEXT}""",
}
WEBHOOK_ID = path_id("Webhook ID or name", "W5R7T9V1X")
WRITE_ERRORS = (400, 404, 409, 413)


def _webhook(description: str, example: dict | None = None) -> dict[str, Any]:
    return reply(description, ref("Webhook"), example or WEBHOOK_OUTPUT_EXAMPLE)


def _op(op_id: str, summary: str, description: str, responses: dict, **kw: Any) -> dict:
    return operation(op_id, "webhooks", summary, description, responses, **kw)


def paths() -> dict[str, Any]:
    fresh = {**WEBHOOK_OUTPUT_EXAMPLE, "deliveries": []}
    listed = {"items": [WEBHOOK_OUTPUT_EXAMPLE], "total": 1, "next_cursor": None}
    return {
        "/webhooks": {
            "post": _op(
                "createWebhook",
                "Create a webhook",
                "Create a webhook; it receives the events it lists from now on (unless "
                "`enabled` is false). A bad URL, an unknown event or an unknown field is a 400 "
                "`validation_error` naming the field; a name already in use a 409.",
                {"201": _webhook("The new webhook.", fresh)},
                errors=(400, 409, 413),
                request=body(ref("WebhookCreate"), WEBHOOK_EXAMPLE),
            ),
            "get": _op(
                "listWebhooks",
                "List webhooks",
                "Webhooks, each with its latest deliveries, one page at a time.",
                {"200": reply("A page of webhooks.", ref("WebhookList"), listed)},
                errors=(400,),
                parameters=[
                    param("q", "query", {"type": "string"}, "Substring of the name (any case)."),
                    shared("Limit"),
                    shared("Cursor"),
                ],
            ),
        },
        "/webhooks/{id}": {
            "parameters": [WEBHOOK_ID],
            "get": _op(
                "getWebhook",
                "Get a webhook",
                "One webhook, with its latest deliveries.",
                {"200": _webhook("The webhook.")},
                errors=(404,),
            ),
            "put": _op(
                "replaceWebhook",
                "Replace a webhook",
                "Full replacement: `name`, `url` and `events` are required, optional fields "
                "left out go back to their defaults (a `secret` left out removes it; `***` "
                "keeps it). The ID, the creation stamps and the deliveries stay.",
                {"200": _webhook("The webhook as replaced.")},
                errors=WRITE_ERRORS,
                request=body(ref("WebhookCreate"), {**WEBHOOK_EXAMPLE, "secret": "***"}),
            ),
            "patch": _op(
                "patchWebhook",
                "Change some fields of a webhook",
                "Only the fields sent change; the result is validated as a whole.",
                {"200": _webhook("The webhook as changed.")},
                errors=WRITE_ERRORS,
                request=body(ref("WebhookPatch"), {"events": ["*"], "enabled": True}),
            ),
            "delete": _op(
                "deleteWebhook",
                "Delete a webhook",
                "Delete the webhook and the record of its deliveries; attempts already under "
                "way still end.",
                {"204": reply("Deleted.")},
                errors=(404,),
            ),
        },
        "/webhooks/{id}/copy": {
            "parameters": [WEBHOOK_ID],
            "post": _op(
                "copyWebhook",
                "Copy a webhook",
                "A new webhook with the same URL, events, secret and settings (`enabled` "
                "included), a new ID and no deliveries yet.",
                {"201": _webhook("The copy.", fresh)},
                errors=(400, 404, 409, 413),
                request=body(ref("WebhookCopy"), {"name": "ops-alerts-eu"}, required=False),
            ),
        },
        "/webhooks/{id}/test": {
            "parameters": [WEBHOOK_ID],
            "post": _op(
                "testWebhook",
                "Send a test delivery",
                "Send a `test` event to the webhook now, whatever events it lists, with the "
                "usual headers, signature and retries. The answer comes at once, before the "
                "receiver is reached: 202 with the delivery's ID, whose progress shows in the "
                "webhook's `deliveries`. A disabled webhook is a 409; 1000 deliveries already "
                "pending a 503. No body.",
                {
                    "202": reply(
                        "The delivery, under way.",
                        ref("TestDelivery"),
                        {"delivery_id": "DWNHG4SFQP9H4"},
                    )
                },
                errors=(404, 409, 503),
            ),
        },
    }
