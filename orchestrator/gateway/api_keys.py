"""REST resource: API keys (`/keys`). Everyone manages their own keys; admins manage all.
A key's secret is returned once, at creation; only its SHA-256 hash is stored."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import read_json, reply, services
from orchestrator.gateway.routing import READER, Api
from orchestrator.models.user import validate_key_request

api = Api("keys")
routes = api.routes


@api.get("/keys", role=READER, op="listKeys", summary="List API keys", errors=(404,))
async def list_keys(request: web.Request) -> web.Response:
    message = m.ListKeys(request["principal"], request.query.get("user"))
    return reply(await ask(services(request).storage, message))


@api.post(
    "/keys",
    role=READER,
    action="key.create",
    op="createKey",
    summary="Create an API key",
    errors=(400, 403, 404, 413),
)
async def create_key(request: web.Request) -> web.Response:
    fields = validate_key_request(await read_json(request, optional=True))
    key = await ask(services(request).storage, m.CreateKey(request["principal"], fields))
    return reply(key, status=201)


@api.delete(
    "/keys/{id}",
    role=READER,
    action="key.revoke",
    op="revokeKey",
    summary="Revoke an API key",
    errors=(404,),
)
async def revoke_key(request: web.Request) -> web.Response:
    message = m.RevokeKey(request["principal"], request.match_info["id"])
    await ask(services(request).storage, message)
    return web.Response(status=204)
