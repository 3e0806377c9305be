"""Each route is declared once, on its handler: method, path, minimum role, audited action and
how the OpenAPI document names it (operation ID, tag, summary, the error statuses it answers).

`Api` wraps a resource module's `RouteTableDef`: `@api.post("/jobs", role=WRITER, ...)` adds
the handler to the module's table and its declaration to `DECLARED`. The authorization table
(`authorization.RULES`, which the middleware enforces) and the paths, roles and errors of the
OpenAPI document are built from `DECLARED`, so a route cannot be served, guarded and documented
from three lists that drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

OPEN = "open"
READER, WRITER, ADMIN = "reader", "writer", "admin"
LOCKED = "auth.locked"  # audited by the sign-in handler itself when failures lock a username
EVENTS = (LOCKED,)  # audited actions that are no route's own
Handler = Callable[[web.Request], Any]


@dataclass(frozen=True)
class Route:
    """One route's declaration; `op` is None for routes outside the API (the UI's files)."""

    method: str
    path: str
    role: str
    action: str | None = None
    op: str | None = None
    tag: str | None = None
    summary: str = ""
    errors: tuple[int, ...] = ()


DECLARED: dict[tuple[str, str], Route] = {}


def declare(route: Route) -> None:
    """Record a declaration; the same route declared twice differently is a programming error."""
    key = (route.method, route.path)
    if DECLARED.get(key, route) != route:
        raise ValueError(f"{route.method} {route.path} is declared twice, differently")
    DECLARED[key] = route


class Api:
    """The route table of one resource module, with every route declared as it is added."""

    def __init__(self, tag: str | None = None) -> None:
        self.tag = tag
        self.routes = web.RouteTableDef()

    def route(
        self,
        method: str,
        path: str,
        *,
        role: str,
        action: str | None = None,
        op: str | None = None,
        summary: str = "",
        errors: tuple[int, ...] = (),
    ) -> Callable[[Handler], Handler]:
        tag = self.tag if op else None
        # Keyed as OpenAPI and the middleware write the path: `{path:.+}` is `{path}`.
        plain = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)
        declare(Route(method, plain, role, action, op, tag, summary, tuple(sorted(errors))))

        def register(handler: Handler) -> Handler:
            self.routes.route(method, path)(handler)
            return handler

        return register

    def get(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **declared)

    def post(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **declared)

    def put(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **declared)

    def patch(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **declared)

    def delete(self, path: str, **declared: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **declared)
