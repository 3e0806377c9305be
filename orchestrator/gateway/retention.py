"""REST resource: retention, what is in force (`GET /system/retention`) and applying it now
(`POST /system/purge`, with `dry_run=true` to see what would go)."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.errors import OrchestratorError
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import query_bool, reply, services
from orchestrator.gateway.routing import ADMIN, READER, Api
from orchestrator.models.fields import now

api = Api("system")
routes = api.routes


@api.get("/system/retention", role=READER, op="getRetention", summary="Retention in force")
async def retention_in_force(request: web.Request) -> web.Response:
    """The retention settings, when the next purge comes and what it would remove now."""
    return reply(await ask(services(request).storage, m.RetentionInForce(now())))


@api.post(
    "/system/purge",
    role=ADMIN,
    action="system.purge",
    op="purge",
    summary="Apply retention now",
    errors=(400,),
)
async def purge_now(request: web.Request) -> web.Response:
    """Apply retention now with the configured settings; answers the counts purged. With
    `dry_run=true` nothing is removed and the answer counts what would be."""
    storage = services(request).storage
    if query_bool(request, "dry_run"):
        found = await ask(storage, m.RetentionInForce(now()))
        return reply({**found["would_purge"], "dry_run": True})
    counts = await ask(storage, m.Purge(now()))
    if "error" in counts:
        raise OrchestratorError(f"Retention failed: {counts['error']}")
    return reply({**counts, "dry_run": False})
