"""A route is declared once, on its handler: the route table, the authorization table and the
OpenAPI operation are all built from that one declaration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator.gateway.authorization import RULES
from orchestrator.gateway.openapi import access
from orchestrator.gateway.openapi.common import operation, reply
from orchestrator.gateway.routing import DECLARED, OPEN, WRITER, Api, Route, declare

PROBE = "/probe-routing-test"


@pytest.fixture
def clean() -> Iterator[None]:
    yield
    for key in [key for key in DECLARED if key[1].startswith(PROBE)]:
        del DECLARED[key]


class TestDeclaring:
    """`Api` adds the handler to its table and the declaration to the registry."""

    def test_the_handler_is_routed_and_declared(self, clean: None) -> None:
        api = Api("probes")

        @api.post(PROBE + "/{name:.+}", role=WRITER, action="probe.make", op="makeProbe")
        async def make(request: object) -> None:
            return None

        [route_def] = list(api.routes)
        assert (route_def.method, route_def.path) == ("POST", PROBE + "/{name:.+}")
        declared = DECLARED[("POST", PROBE + "/{name}")]
        assert declared == Route(
            "POST", PROBE + "/{name}", WRITER, "probe.make", "makeProbe", "probes"
        )

    def test_a_route_declared_again_differently_is_refused(self, clean: None) -> None:
        declare(Route("GET", PROBE, OPEN))
        declare(Route("GET", PROBE, OPEN))  # the same again (the UI table is built per root)
        with pytest.raises(ValueError, match="declared twice"):
            declare(Route("GET", PROBE, WRITER))


class TestBuiltFromDeclarations:
    """The authorization table and the document's operations come from the registry."""

    def test_the_table_is_the_registry(self) -> None:
        assert {key: (r.role, r.action) for key, r in DECLARED.items()} == RULES

    def test_operation_ids_are_unique_and_every_api_route_has_a_summary(self) -> None:
        api_routes = [route for route in DECLARED.values() if route.op]
        ids = [route.op for route in api_routes]
        assert len(ids) == len(set(ids))
        assert all(route.summary and route.tag for route in api_routes)

    def test_an_operation_takes_its_facts_from_the_declaration(self, clean: None) -> None:
        declare(Route("POST", PROBE, WRITER, "probe.poke", "pokeProbe", "probes", "Poke", (409,)))
        paths = {PROBE: {"post": operation("Poke it.", {"204": reply("Poked.")})}}
        with pytest.raises(LookupError, match="declared but not documented"):
            access.apply_routes(dict(paths))  # every other declared route is missing here
        op = paths[PROBE]["post"]
        assert (op["operationId"], op["tags"], op["summary"]) == ("pokeProbe", ["probes"], "Poke")
        assert set(op["responses"]) == {"204", "401", "403", "409", "500"}
        assert op["x-audited-action"] == "probe.poke"

    def test_a_documented_operation_without_a_declaration_is_refused(self) -> None:
        paths = {PROBE + "/nowhere": {"get": operation("Nothing.", {"200": reply("No.")})}}
        with pytest.raises(LookupError, match="declares no operation"):
            access.apply_routes(paths)
