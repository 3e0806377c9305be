"""The aiohttp application: middlewares and every resource's routes, assembled in one place."""

from __future__ import annotations

import functools

from aiohttp import web

from orchestrator.gateway import (
    api_keys,
    audit_trail,
    auth,
    backup,
    contexts,
    docs,
    jobs,
    metrics,
    output_stream,
    pipelines,
    retention,
    run_output,
    runs,
    schedules,
    system,
    transfer,
    users,
    waiting,
    webhooks,
    webui,
)
from orchestrator.gateway.headers import add_security_headers
from orchestrator.gateway.input_guard import clean_text
from orchestrator.gateway.keys import PRINCIPALS, SERVICES, STREAMS, THROTTLE, Services
from orchestrator.gateway.middlewares import audit, authenticate, errors
from orchestrator.gateway.principal_cache import PrincipalCache
from orchestrator.security.throttle import LoginThrottle

RESOURCES = (
    system,
    backup,
    auth,
    users,
    api_keys,
    audit_trail,
    jobs,
    pipelines,
    schedules,
    runs,
    run_output,
    output_stream,
    contexts,
    webhooks,
    metrics,
    transfer,
    retention,
    docs,
    webui,
)


def create_app(services: Services) -> web.Application:
    app = web.Application(
        middlewares=[clean_text, audit, errors, authenticate],
        client_max_size=services.config.server.max_body_bytes,
    )
    app[SERVICES] = services
    app[PRINCIPALS] = PrincipalCache()
    app[STREAMS] = set()
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
