"""The aiohttp application: middlewares and every resource's routes, assembled in one place."""

from __future__ import annotations

from aiohttp import web

from orchestrator.gateway import auth, contexts, docs, jobs, pipelines, runs, schedules, system
from orchestrator.gateway.keys import PRINCIPALS, SERVICES, Services
from orchestrator.gateway.middlewares import authenticate, errors
from orchestrator.gateway.principal_cache import PrincipalCache

RESOURCES = (system, auth, jobs, pipelines, schedules, runs, contexts, docs)


def create_app(services: Services) -> web.Application:
    app = web.Application(
        middlewares=[errors, authenticate],
        client_max_size=services.config.server.max_body_bytes,
    )
    app[SERVICES] = services
    app[PRINCIPALS] = PrincipalCache()
    for module in RESOURCES:
        app.router.add_routes(module.routes)
    app.router.add_get("/", _home)
    return app


async def _home(request: web.Request) -> web.Response:
    """Browsers land on the API documentation until the web UI exists."""
    raise web.HTTPFound("/docs")
