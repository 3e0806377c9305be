"""REST resource: users (`/users`, admins only). Passwords are hashed here, on a worker thread,
before anything reaches the store."""

from __future__ import annotations

import asyncio

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import read_json, reply, services, user_of
from orchestrator.gateway.routing import ADMIN, Api
from orchestrator.models.user import validate_user
from orchestrator.security.secrets import hash_password

api = Api("users")
routes = api.routes


async def _with_hash(request: web.Request, creating: bool) -> dict:
    minimum = services(request).config.security.min_password_length
    fields = validate_user(await read_json(request), minimum, creating)
    if "password" in fields:
        loop = asyncio.get_running_loop()
        fields["password_hash"] = await loop.run_in_executor(
            None, hash_password, fields.pop("password")
        )
    return fields


@api.get("/users", role=ADMIN, op="listUsers", summary="List users")
async def list_users(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.ListUsers()))


@api.post(
    "/users",
    role=ADMIN,
    action="user.create",
    op="createUser",
    summary="Create a user",
    errors=(400, 409, 413),
)
async def create_user(request: web.Request) -> web.Response:
    fields = await _with_hash(request, creating=True)
    user = await ask(services(request).storage, m.CreateUser(fields, user_of(request)))
    return reply(user, status=201)


@api.get("/users/{id}", role=ADMIN, op="getUser", summary="Get a user", errors=(404,))
async def get_user(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.GetUser(request.match_info["id"])))


@api.patch(
    "/users/{id}",
    role=ADMIN,
    action="user.update",
    op="patchUser",
    summary="Change a user",
    errors=(400, 404, 409, 413),
)
async def update_user(request: web.Request) -> web.Response:
    fields = await _with_hash(request, creating=False)
    message = m.UpdateUser(request.match_info["id"], fields)
    return reply(await ask(services(request).storage, message))


@api.delete(
    "/users/{id}",
    role=ADMIN,
    action="user.delete",
    op="deleteUser",
    summary="Delete a user",
    errors=(404, 409),
)
async def delete_user(request: web.Request) -> web.Response:
    await ask(services(request).storage, m.DeleteUser(request.match_info["id"]))
    return web.Response(status=204)
