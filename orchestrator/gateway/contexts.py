"""REST resource: contexts (`/contexts`), the latest output of each job with its details."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import check_limit, query_choice, reply, services

routes = web.RouteTableDef()


@routes.get("/contexts")
async def list_contexts(request: web.Request) -> web.Response:
    kind = query_choice(request, "kind", {"job", "pipeline"})
    limit = check_limit(request.query.get("limit"))
    message = m.ListContexts(kind, limit, request.query.get("cursor"))
    return reply(await ask(services(request).storage, message))


@routes.get("/contexts/{id}")
async def get_context(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.GetContext(request.match_info["id"])))


@routes.post("/contexts/{id}/reset")
async def reset_context(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.ResetContext(request.match_info["id"])))


@routes.delete("/contexts/{id}")
async def delete_context(request: web.Request) -> web.Response:
    """The same as a reset: a context always exists, it can only be emptied."""
    return await reset_context(request)
