"""The route table of `authorization.py` against the app's own routes (an app built in process on a
real runtime, no server process): it covers every route, so the walk over a real server in
tests/integration/security/test_security_routes.py misses nothing, and only the documented routes
are open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp import web

from orchestrator.config import load_config
from orchestrator.gateway.app import create_app
from orchestrator.gateway.authorization import OPEN, RULES
from orchestrator.gateway.keys import Services
from orchestrator.log import setup_logging
from orchestrator.startup.runtime import Runtime


@pytest.fixture(scope="module")
def app_routes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[set[tuple[str, str]]]:
    """(method, path) of every route the server's own aiohttp app serves, HEAD left out."""
    data_dir = tmp_path_factory.mktemp("app") / "data"
    config = load_config(env={}, overrides={"server.data_dir": str(data_dir)})
    logs = setup_logging(config.log_dir, console=False)
    runtime = Runtime(config)
    try:
        services = Services(config, runtime.supervisor, runtime.storage, runtime.waiters, logs)
        app: web.Application = create_app(services)
        yield {
            (route.method, route.resource.canonical)
            for route in app.router.routes()
            if route.method != "HEAD" and route.resource is not None
        }
    finally:
        runtime.stop()
        logs.close()


class TestRouteTable:
    def test_table_covers_every_route(self, app_routes: set[tuple[str, str]]) -> None:
        """The route table and the app's routes are the same set: the walk misses nothing."""
        assert app_routes == set(RULES)

    def test_open_routes_are_the_documented_ones(self) -> None:
        """Only API.md's open routes (health, version, docs, login, the home page) are open."""
        open_routes = {route for route, (needed, _) in RULES.items() if needed == OPEN}
        assert open_routes == {
            ("GET", "/"),
            ("GET", "/health"),
            ("GET", "/version"),
            ("GET", "/openapi.json"),
            ("GET", "/docs"),
            ("GET", "/docs/"),
            ("GET", "/docs/{asset}"),
            ("GET", "/ui"),
            ("GET", "/ui/"),
            ("GET", "/ui/{path}"),
            ("POST", "/auth/login"),
        }
