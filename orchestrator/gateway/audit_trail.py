"""REST resource: the audit trail (`GET /audit`, admins only), newest first."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import check_limit, query_time, reply, services
from orchestrator.gateway.routing import ADMIN, Api

api = Api("audit")
routes = api.routes


@api.get("/audit", role=ADMIN, op="listAudit", summary="Query the audit trail", errors=(400,))
async def list_audit(request: web.Request) -> web.Response:
    q = request.query
    message = m.ListAudit(
        user=q.get("user"),
        action=q.get("action"),
        target=q.get("target"),
        since=query_time(request, "since"),
        until=query_time(request, "until"),
        limit=check_limit(q.get("limit")),
        cursor=q.get("cursor"),
    )
    return reply(await ask(services(request).storage, message))
