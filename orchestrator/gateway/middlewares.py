"""Middlewares: the one place errors become API.md's envelope, and where callers are identified.

Authorization is a small table of minimum roles: reading needs `reader`, changing needs
`writer`, and the few admin routes are listed. A principal's role is checked here, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from actors import messages as m
from orchestrator.errors import (
    Forbidden,
    MethodNotAllowed,
    NotFound,
    OrchestratorError,
    PayloadTooLarge,
    Unauthorized,
)
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import reply, services
from orchestrator.gateway.keys import PRINCIPALS
from orchestrator.log import get_logger

log = get_logger("orchestrator.gateway")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

OPEN_PATHS = {"/health", "/version", "/openapi.json", "/docs", "/auth/login", "/"}
OPEN_PREFIXES = ("/docs/", "/ui")
RANK = {"reader": 0, "writer": 1, "admin": 2}
PRINCIPAL_PATHS = ("/users", "/keys", "/auth/")
ADMIN_ROUTES = {("PUT", "/system/log-level")}


def envelope(error: OrchestratorError) -> web.Response:
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    return reply(body, status=error.status)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except OrchestratorError as err:
        return envelope(err)
    except web.HTTPRequestEntityTooLarge:
        limit = services(request).config.server.max_body_bytes
        return envelope(
            PayloadTooLarge(f"The body is larger than {limit} bytes.", {"limit": limit})
        )
    except web.HTTPMethodNotAllowed as err:
        allowed = sorted(err.allowed_methods)
        message = f"{request.method} is not allowed here; use {', '.join(allowed)}."
        return envelope(MethodNotAllowed(message, {"allowed": allowed}))
    except web.HTTPNotFound:
        return envelope(NotFound(f"There is no route {request.path}."))
    except web.HTTPException as err:
        if err.status < 400:
            raise
        return envelope(_http_error(err))
    except Exception:
        log.exception("request failed", method=request.method, path=request.path)
        return envelope(OrchestratorError("The server failed to handle the request."))


def _http_error(err: web.HTTPException) -> OrchestratorError:
    error = OrchestratorError(err.reason or "The request failed.")
    error.status, error.code = err.status, err.reason.lower().replace(" ", "_")
    return error


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in OPEN_PATHS or request.path.startswith(OPEN_PREFIXES):
        return await handler(request)
    token = _token(request)
    if not token:
        raise Unauthorized("This route needs an API key: send 'Authorization: Bearer <key>'.")
    cache = request.app[PRINCIPALS]
    principal = cache.get(token)
    if principal is None:
        principal = await ask(services(request).storage, m.Authenticate(token))
        cache.put(token, principal)
    request["principal"] = principal
    request["token"] = token
    needed = _needed_role(request)
    if RANK[principal["role"]] < RANK[needed]:
        raise Forbidden(f"This action needs the {needed} role; you are {principal['role']}.")
    if request.method != "GET" and request.path.startswith(PRINCIPAL_PATHS):
        cache.clear()  # users, keys or sessions may change: no stale principal survives
    return await handler(request)


def _token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("X-API-Key") or None


def _needed_role(request: web.Request) -> str:
    route = request.match_info.route.resource
    path = route.canonical if route is not None else request.path
    if (request.method, path) in ADMIN_ROUTES:
        return "admin"
    if request.method in ("GET", "HEAD") or path in ("/auth/logout", "/me"):
        return "reader"
    return "writer"
