"""REST resource: sign-in with a password for a session token, sign-out, and who am I.

Passwords are checked on a worker thread (scrypt is slow on purpose) and failed attempts are
throttled per username and client (`security/throttle.py`), the client seen through trusted
proxies; each lock is audited as `auth.locked`. The answer never says which of username and
password was wrong.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from actors import messages as m
from orchestrator.errors import OrchestratorError, Unauthorized, ValidationError
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.client_address import client_address
from orchestrator.gateway.http import read_json, reply, services
from orchestrator.gateway.keys import AUDIT, THROTTLE
from orchestrator.gateway.routing import LOCKED, OPEN, READER, Api
from orchestrator.log import get_logger
from orchestrator.models.fields import Checker
from orchestrator.security.secrets import dummy_hash, verify_password
from orchestrator.security.throttle import Lock

api = Api("auth")
routes = api.routes
log = get_logger("orchestrator.security")


class TooManyAttempts(OrchestratorError):
    status = 429
    code = "too_many_requests"


@api.post(
    "/auth/login",
    role=OPEN,
    action="auth.login",
    op="login",
    summary="Sign in",
    errors=(400, 401, 413),
)
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
    client = client_address(request)
    wait = throttle.retry_after(username, client)
    if wait:
        log.warning("sign-in throttled", username=username, client=client, retry_after=wait)
        error = TooManyAttempts(
            f"Too many failed sign-ins; try again in {wait} s.", {"retry_after": wait}
        )
        raise _with_retry_after(error, wait)
    record = await ask(svc.storage, m.LoginRecord(username))
    stored = record["password_hash"] if record else dummy_hash()  # same cost either way
    loop = asyncio.get_running_loop()
    good = await loop.run_in_executor(None, verify_password, password, stored)
    if not (good and record and record["enabled"]):
        for lock in throttle.failed(username, client):
            _audit_lock(request, username, client, lock)
        log.warning("sign-in failed", username=username, client=client)
        raise Unauthorized("Wrong username or password.")
    throttle.succeeded(username, client)
    session = await ask(svc.storage, m.StartSession(record["id"], svc.config.security.session_ttl))
    log.info("signed in", username=username, client=client)
    return reply(session)


def _audit_lock(request: web.Request, username: str, client: str, lock: Lock) -> None:
    """Sign-ins locked by failures are audited: who was locked out, from where, how long."""
    log.warning(
        "sign-in locked", username=username, client=client, scope=lock.scope, seconds=lock.seconds
    )
    entry = {
        "user": username,
        "role": None,
        "action": LOCKED,
        "target": username,
        "outcome": "failure",
        "status": 429,
        "client": client,
        "details": {"scope": lock.scope, "seconds": lock.seconds, "failures": lock.failures},
    }
    request.app[AUDIT].add(entry)


def _with_retry_after(error: OrchestratorError, seconds: int) -> OrchestratorError:
    error.headers = {"Retry-After": str(seconds)}
    return error


@api.post(
    "/auth/logout",
    role=READER,
    action="auth.logout",
    op="logout",
    summary="Sign out",
    errors=(400,),
)
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


@api.get("/me", role=READER, op="me", summary="Who am I?")
async def me(request: web.Request) -> web.Response:
    return reply(request["principal"])
