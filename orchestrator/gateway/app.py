"""The aiohttp application: middlewares and every resource's routes, assembled in one place."""

from __future__ import annotations

import functools

from aiohttp import web

from orchestrator.gateway import system, waiting
from orchestrator.gateway.audit_batch import AuditBatch
from orchestrator.gateway.headers import add_security_headers
from orchestrator.gateway.keys import AUDIT, PRINCIPALS, SERVICES, STREAMS, THROTTLE, Services
from orchestrator.gateway.middlewares import edge
from orchestrator.gateway.principal_cache import PrincipalCache
from orchestrator.gateway.resources import RESOURCES
from orchestrator.security.throttle import LoginThrottle


def create_app(services: Services) -> web.Application:
    app = web.Application(
        middlewares=[edge],
        client_max_size=services.config.server.max_body_bytes,
    )
    app[SERVICES] = services
    app[PRINCIPALS] = PrincipalCache()
    app[STREAMS] = set()
    app[AUDIT] = AuditBatch(services.storage)
    app.on_response_prepare.append(add_security_headers)
    app.on_shutdown.append(system.end_streams)
    app.on_startup.append(functools.partial(waiting.start_waiters, svc=services))
    app.on_cleanup.append(waiting.stop_waiters)
    security = services.config.security
    app[THROTTLE] = LoginThrottle(
        security.login_max_failures,
        security.login_window,
        security.login_max_delay,
        security.login_user_max_failures,
    )
    for module in RESOURCES:
        app.router.add_routes(module.routes)
    return app
