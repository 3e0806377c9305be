"""Middlewares: the one place errors become API.md's envelope, and where callers are identified.

Authorization follows the route table in `authorization.py`: the caller's role is checked here,
once, and the actions it lists are written to the audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from actors import messages as m
from orchestrator.errors import (
    Forbidden,
    InvalidJson,
    MethodNotAllowed,
    NotFound,
    OrchestratorError,
    PayloadTooLarge,
    Unauthorized,
)
from orchestrator.gateway.authorization import OPEN, rule_for
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.client_address import client_address
from orchestrator.gateway.http import REPLIED, reply, services
from orchestrator.gateway.input_guard import check_request_text
from orchestrator.gateway.keys import AUDIT, PRINCIPALS
from orchestrator.log import get_logger

log = get_logger("orchestrator.gateway")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

RANK = {"reader": 0, "writer": 1, "admin": 2}
PRINCIPAL_PATHS = ("/users", "/keys", "/auth/")


def envelope(error: OrchestratorError) -> web.Response:
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    response = reply(body, status=error.status)
    response.headers.update(getattr(error, "headers", {}))
    return response


@web.middleware
async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one middleware, in this order: text that is not UTF-8 is refused before anything
    stores it; the caller is identified and its role checked; errors become the envelope;
    audited actions are recorded with their outcome. One layer rather than one per concern:
    each layer costs the event loop a coroutine per request."""
    try:
        check_request_text(request)
    except InvalidJson as err:
        log.info("request refused: text is not UTF-8", method=request.method, where=err.details)
        return envelope(err)
    needed, action = _rule(request)
    try:
        if needed != OPEN:
            await _authenticate(request, needed)
        response = await handler(request)
    except Exception as err:
        response = _error_response(request, err)
    if action is not None:
        _audit(request, response, action)
    return response


def _error_response(request: web.Request, error: Exception) -> web.StreamResponse:
    """The envelope answering `error`; re-raises what is not an error (an HTTP redirect)."""
    try:
        raise error
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


async def _authenticate(request: web.Request, needed: str) -> None:
    """Identify the caller (API key or session token) and check the route's minimum role."""
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
    if RANK[principal["role"]] < RANK[needed]:
        raise Forbidden(f"This action needs the {needed} role; you are {principal['role']}.")
    if request.method != "GET" and request.path.startswith(PRINCIPAL_PATHS):
        cache.clear()  # users, keys or sessions may change: no stale principal survives


def _audit(request: web.Request, response: web.StreamResponse, action: str) -> None:
    """Record an audited action with its caller and outcome, once the answer is known."""
    principal = request.get("principal")
    if principal is None and action != "auth.login":
        return
    result = _result_of(response)
    target = _target(action, request.match_info.get("id"), result)
    details = {k: v for k, v in (("result", result.get("id")),) if v and v != target}
    if request.query:
        details["query"] = dict(request.query)
    if response.status >= 400:
        details["error"] = result.get("error", {}).get("code")
    entry = {
        "user": principal["username"] if principal else request.get("audit_user"),
        "role": principal["role"] if principal else result.get("user", {}).get("role"),
        "action": action,
        "target": target,
        "outcome": "success" if response.status < 400 else "failure",
        "status": response.status,
        "client": client_address(request),
        "details": details,
    }
    request.app[AUDIT].add(entry)


def _target(action: str, given: str | None, result: dict) -> str | None:
    """What an action was done to, by ID where the answer tells it (a name may be typed)."""
    if action.startswith("run."):
        return given.upper() if given else None
    if action.endswith(".run"):
        return result.get("owner_id") or given
    return result.get("id") or given


def _rule(request: web.Request) -> tuple[str, str | None]:
    resource = request.match_info.route.resource
    if resource is None:  # no such route: let the router answer 404 without a key
        return OPEN, None
    return rule_for(request.method, resource.canonical)


def _result_of(response: web.StreamResponse) -> dict:
    replied = response.get(REPLIED)
    if replied is not None:
        return replied if isinstance(replied, dict) else {}
    body = getattr(response, "body", None)
    if not isinstance(body, bytes) or not body.startswith(b"{"):
        return {}
    try:
        return json.loads(body)
    except ValueError:
        return {}


def _token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("X-API-Key") or None
