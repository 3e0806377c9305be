"""REST resource: contexts (`/contexts`), the latest output of each job with its details."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import check_limit, query_choice, reply, services
from orchestrator.gateway.routing import READER, WRITER, Api

api = Api("contexts")
routes = api.routes


@api.get("/contexts", role=READER, op="listContexts", summary="List contexts", errors=(400,))
async def list_contexts(request: web.Request) -> web.Response:
    kind = query_choice(request, "kind", {"job", "pipeline"})
    limit = check_limit(request.query.get("limit"))
    message = m.ListContexts(kind, limit, request.query.get("cursor"))
    return reply(await ask(services(request).storage, message))


@api.get("/contexts/{id}", role=READER, op="getContext", summary="Get a context", errors=(404, 409))
async def get_context(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.GetContext(request.match_info["id"])))


@api.post(
    "/contexts/{id}/reset",
    role=WRITER,
    action="context.reset",
    op="resetContext",
    summary="Empty the context",
    errors=(404, 409),
)
async def reset_context(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.ResetContext(request.match_info["id"])))


@api.delete(
    "/contexts/{id}",
    role=WRITER,
    action="context.reset",
    op="deleteContext",
    summary="Empty the context",
    errors=(404, 409),
)
async def delete_context(request: web.Request) -> web.Response:
    """The same as a reset: a context always exists, it can only be emptied."""
    return await reset_context(request)
