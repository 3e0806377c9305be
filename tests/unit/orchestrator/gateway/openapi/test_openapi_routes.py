"""The OpenAPI document against the app and its route table: every route the app serves is
documented and in the table, and the role and audited action each operation shows are the ones
the table (which the server enforces) gives it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from orchestrator import __version__
from orchestrator.config import load_config
from orchestrator.gateway.app import create_app
from orchestrator.gateway.authorization import ADMIN, OPEN, READER, RULES, WRITER
from orchestrator.gateway.keys import Services
from orchestrator.gateway.openapi import build_document
from orchestrator.gateway.openapi.access import sentence
from orchestrator.log import setup_logging
from orchestrator.startup.runtime import Runtime
from tests.openapi_helpers import EXPECTED_ROUTES, app_routes, documented, operations

# What a writer may do beyond reading (the document's overview says so in words).
WRITER_PATHS = ("/jobs", "/pipelines", "/schedules", "/runs/", "/contexts/")


def listing(routes: set[tuple[str, str]]) -> str:
    return ", ".join(f"{method} {path}" for method, path in sorted(routes, key=lambda r: r[::-1]))


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(__version__)


@pytest.fixture(scope="module")
def real_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[web.Application]:
    """The server's own aiohttp app, built on a real runtime in a temporary data directory."""
    data_dir = tmp_path_factory.mktemp("app") / "data"
    config = load_config(env={}, overrides={"server.data_dir": str(data_dir)})
    logs = setup_logging(config.log_dir, console=False)
    runtime = Runtime(config)
    try:
        services = Services(config, runtime.supervisor, runtime.storage, runtime.waiters, logs)
        yield create_app(services)
    finally:
        runtime.stop()
        logs.close()


class TestAppRoutes:
    def test_lists_every_route_of_the_release(self, document: dict[str, Any]) -> None:
        """Every route this release has for certain is described."""
        assert EXPECTED_ROUTES - documented(document) == set()

    def test_every_app_route_is_documented(
        self, real_app: web.Application, document: dict[str, Any]
    ) -> None:
        """Each route of the app is in the document: a new route needs its documentation."""
        routes = app_routes(real_app)
        assert routes >= EXPECTED_ROUTES
        missing = routes - documented(document)
        assert not missing, f"routes missing from the OpenAPI document: {listing(missing)}"

    def test_every_documented_route_exists(
        self, real_app: web.Application, document: dict[str, Any]
    ) -> None:
        """The document describes no route that the app lacks."""
        assert documented(document) - app_routes(real_app) == set()


class TestRouteTable:
    def test_every_app_route_is_in_the_table(self, real_app: web.Application) -> None:
        """The table has a rule for each route the app serves (the rest would be admin-only)."""
        missing = app_routes(real_app, api_only=False) - set(RULES)
        assert not missing, f"routes missing from RULES: {listing(missing)}"

    def test_every_table_route_is_in_the_app(self, real_app: web.Application) -> None:
        """The table names no route that the app lacks (a typo there protects nothing)."""
        extra = set(RULES) - app_routes(real_app, api_only=False)
        assert not extra, f"RULES names routes the app lacks: {listing(extra)}"

    def test_documented_roles_are_the_tables(self, document: dict[str, Any]) -> None:
        """Each operation's `x-required-role` and `x-audited-action` are its rule's."""
        for method, path, op in operations(document):
            assert (method, path) in RULES, f"{method} {path} is documented but not in RULES"
            role, action = RULES[(method, path)]
            assert (op["x-required-role"], op["x-audited-action"]) == (role, action), path

    def test_words_say_the_tables_role(self, document: dict[str, Any]) -> None:
        """Each description ends with the role and action in words, and says no other role."""
        for method, path, op in operations(document):
            role, action = RULES[(method, path)]
            text = op["description"]
            assert text.endswith("\n\n" + sentence(role, action)), (method, path)
            assert "Required role" not in text, (method, path)
            assert text.count(" role.") + text.count("No authentication") == 1, (method, path)

    def test_answers_follow_the_role(self, document: dict[str, Any]) -> None:
        """Open operations need no token; others may answer 401, and above reader 403."""
        for method, path, op in operations(document):
            role = RULES[(method, path)][0]
            assert ("security" in op) == (role == OPEN), (method, path)
            assert ("401" in op["responses"]) == (role != OPEN or path == "/auth/login")
            if role in (WRITER, ADMIN):
                assert "403" in op["responses"], (method, path)

    def test_overview_lists_admin_and_open_operations(self, document: dict[str, Any]) -> None:
        """The description's roles paragraph names every admin-only and every open operation."""
        text = document["info"]["description"]
        for method, path, op in operations(document):
            named = f"`{method} {path}`" in text
            assert named == (op["x-required-role"] in (ADMIN, OPEN)), (method, path)

    def test_writer_operations_are_what_the_overview_says(self, document: dict[str, Any]) -> None:
        """Writer-only operations are on jobs, pipelines, schedules, runs and contexts, and
        the others are for readers: the overview's words hold for the table."""
        for method, path, op in operations(document):
            if op["x-required-role"] == WRITER:
                assert path.startswith(WRITER_PATHS) and method != "GET", (method, path)
            if path.startswith(WRITER_PATHS) and method == "GET":
                assert op["x-required-role"] == READER, (method, path)
