"""REST resource: sign-in with a password for a session token, sign-out, and who am I.

Passwords are checked on a worker thread (scrypt is slow on purpose) and failed attempts are
throttled per username and per client address. The answer never says which of the two was wrong.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from actors import messages as m
from orchestrator.errors import OrchestratorError, Unauthorized, ValidationError
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import read_json, reply, services
from orchestrator.gateway.keys import THROTTLE
from orchestrator.log import get_logger
from orchestrator.models.fields import Checker
from orchestrator.security.secrets import dummy_hash, verify_password

routes = web.RouteTableDef()
log = get_logger("orchestrator.security")


class TooManyAttempts(OrchestratorError):
    status = 429
    code = "too_many_requests"


@routes.post("/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request)
    check = Checker(body, {"username", "password"})
    for name in ("username", "password"):
        if isinstance(body, dict) and name not in body:
            check.fail(name, "is required")
    username = check.string("username", min_len=1, max_len=100)
    password = check.string("password", min_len=1, max_len=1000)
    check.done()
    request["audit_user"] = username
    svc, throttle = services(request), request.app[THROTTLE]
    keys = [f"user:{username}", f"client:{request.remote}"]
    wait = throttle.retry_after(keys)
    if wait:
        log.warning("sign-in throttled", username=username, client=request.remote)
        error = TooManyAttempts(
            f"Too many failed sign-ins; try again in {wait} s.", {"retry_after": wait}
        )
        raise _with_retry_after(error, wait)
    record = await ask(svc.storage, m.LoginRecord(username))
    stored = record["password_hash"] if record else dummy_hash()  # same cost either way
    loop = asyncio.get_running_loop()
    good = await loop.run_in_executor(None, verify_password, password, stored)
    if not (good and record and record["enabled"]):
        throttle.failed(keys)
        log.warning("sign-in failed", username=username, client=request.remote)
        raise Unauthorized("Wrong username or password.")
    throttle.succeeded(keys[:1])
    session = await ask(svc.storage, m.StartSession(record["id"], svc.config.security.session_ttl))
    log.info("signed in", username=username, client=request.remote)
    return reply(session)


def _with_retry_after(error: OrchestratorError, seconds: int) -> OrchestratorError:
    error.headers = {"Retry-After": str(seconds)}
    return error


@routes.post("/auth/logout")
async def logout(request: web.Request) -> web.Response:
    """End the caller's session. An API key is no session: saying 204 would suggest it no
    longer works, so the caller is told how keys are revoked instead."""
    principal = request["principal"]
    if principal.get("via") == "key":
        key_id = principal.get("token_id")
        raise ValidationError(
            {"token": f"is an API key; revoke it with DELETE /keys/{key_id}"},
            f"Logout ends sessions only; revoke an API key with DELETE /keys/{key_id}.",
        )
    await ask(services(request).storage, m.Logout(request["token"]))
    return web.Response(status=204)


@routes.get("/me")
async def me(request: web.Request) -> web.Response:
    return reply(request["principal"])
