"""REST resource: sign-in with a password for a session token, sign-out, and who am I."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import read_json, reply, services
from orchestrator.models.fields import Checker

routes = web.RouteTableDef()


@routes.post("/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request)
    check = Checker(body, {"username", "password"})
    username = check.string("username", min_len=1, max_len=100)
    password = check.string("password", min_len=1, max_len=1000)
    check.done()
    svc = services(request)
    message = m.Login(username, password, svc.config.security.session_ttl)
    return reply(await ask(svc.storage, message))


@routes.post("/auth/logout")
async def logout(request: web.Request) -> web.Response:
    await ask(services(request).storage, m.Logout(request["token"]))
    return web.Response(status=204)


@routes.get("/me")
async def me(request: web.Request) -> web.Response:
    return reply(request["principal"])
