"""REST resource: users (`/users`, admins only). Passwords are hashed here, on a worker thread,
before anything reaches the store."""

from __future__ import annotations

import asyncio

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import read_json, reply, services, user_of
from orchestrator.models.user import validate_user
from orchestrator.security.secrets import hash_password

routes = web.RouteTableDef()


async def _with_hash(request: web.Request, creating: bool) -> dict:
    minimum = services(request).config.security.min_password_length
    fields = validate_user(await read_json(request), minimum, creating)
    if "password" in fields:
        loop = asyncio.get_running_loop()
        fields["password_hash"] = await loop.run_in_executor(
            None, hash_password, fields.pop("password")
        )
    return fields


@routes.get("/users")
async def list_users(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.ListUsers()))


@routes.post("/users")
async def create_user(request: web.Request) -> web.Response:
    fields = await _with_hash(request, creating=True)
    user = await ask(services(request).storage, m.CreateUser(fields, user_of(request)))
    return reply(user, status=201)


@routes.get("/users/{id}")
async def get_user(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.GetUser(request.match_info["id"])))


@routes.patch("/users/{id}")
async def update_user(request: web.Request) -> web.Response:
    fields = await _with_hash(request, creating=False)
    message = m.UpdateUser(request.match_info["id"], fields)
    return reply(await ask(services(request).storage, message))


@routes.delete("/users/{id}")
async def delete_user(request: web.Request) -> web.Response:
    await ask(services(request).storage, m.DeleteUser(request.match_info["id"]))
    return web.Response(status=204)
