"""REST resource: webhooks (`/webhooks`, admins only): where to announce finished runs and
critical errors, each shown with its latest deliveries, and a test delivery on demand."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.errors import Unavailable
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.definitions import definition_routes
from orchestrator.gateway.http import reply, services
from orchestrator.gateway.routing import ADMIN

api = definition_routes(
    "webhook", "/webhooks", runnable=False, reader=ADMIN, writer=ADMIN, force=False
)
routes = api.routes


@api.post(
    "/webhooks/{id}/test",
    role=ADMIN,
    action="webhook.test",
    op="testWebhook",
    summary="Send a test delivery",
    errors=(404, 409, 503),
)
async def send_test(request: web.Request) -> web.Response:
    """Send a `test` event to the webhook now (whatever it subscribes to); 409 if disabled.
    The answer names the delivery, whose progress shows in the webhook's `deliveries`."""
    notifier = services(request).notifier
    if notifier is None:
        raise Unavailable("Webhook deliveries are not running on this server.")
    delivery_id = await ask(notifier, m.TestWebhook(request.match_info["id"]))
    return reply({"delivery_id": delivery_id}, status=202)
