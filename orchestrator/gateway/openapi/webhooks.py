"""Paths of webhooks (admins only): create, list, read, replace, patch, delete and copy them,
and send a test delivery; each webhook shows its latest deliveries."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import operation, ref, reply
from orchestrator.gateway.openapi.definitions import Kind, definition_paths, filters
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
WEBHOOK = Kind("webhook", "W5R7T9V1X", WEBHOOK_OUTPUT_EXAMPLE)


def paths() -> dict[str, Any]:
    return {
        **definition_paths(
            WEBHOOK,
            create=(
                "Create a webhook; it receives the events it lists from now on (unless "
                "`enabled` is false). A bad URL, an unknown event or an unknown field is a 400 "
                "`validation_error` naming the field; a name already in use a 409.",
                WEBHOOK_EXAMPLE,
            ),
            listing=(
                "Webhooks, each with its latest deliveries, one page at a time.",
                filters(WEBHOOK, tag=False),
            ),
            get="One webhook, with its latest deliveries.",
            replace=(
                "Full replacement: `name`, `url` and `events` are required, optional fields "
                "left out go back to their defaults (a `secret` left out removes it; `***` "
                "keeps it). The ID, the creation stamps and the deliveries stay.",
                {**WEBHOOK_EXAMPLE, "secret": "***"},
            ),
            patch=(
                "Only the fields sent change; the result is validated as a whole.",
                {"events": ["*"], "enabled": True},
            ),
            delete=(
                "Delete the webhook and the record of its deliveries; attempts already under "
                "way still end.",
                None,
            ),
            copy=(
                "A new webhook with the same URL, events, secret and settings (`enabled` "
                "included), a new ID and no deliveries yet.",
                "ops-alerts-eu",
            ),
            fresh={**WEBHOOK_OUTPUT_EXAMPLE, "deliveries": []},
            listed={"items": [WEBHOOK_OUTPUT_EXAMPLE], "total": 1, "next_cursor": None},
        ),
        "/webhooks/{id}/test": {
            "parameters": [WEBHOOK.id_param],
            "post": operation(
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
            ),
        },
    }
