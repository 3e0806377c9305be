"""The OpenAPI document: a valid 3.1 document whose operations all follow the same rules (closed
bodies, the error envelope, examples that fit). The real server hands it out without
authentication: tests/integration/gateway/openapi/test_openapi_served.py. Which routes it covers,
and with which roles: test_openapi_routes.py."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from orchestrator import __version__
from orchestrator.gateway.openapi import build_document
from tests.openapi_helpers import operations, resolve


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(__version__)


class TestDocument:
    def test_validates_as_openapi_3_1(self, document: dict[str, Any]) -> None:
        """The document passes the OpenAPI 3.1 validator."""
        assert document["openapi"].startswith("3.1")
        validate(document)

    def test_info_and_servers(self) -> None:
        """`info.version` comes from the argument; servers point at the root."""
        doc = build_document("9.9.9")
        assert doc["info"]["version"] == "9.9.9"
        assert doc["servers"] == [{"url": "/"}]
        assert "$$(name)" in doc["info"]["description"]

    def test_request_bodies_reject_unknown_fields(self, document: dict[str, Any]) -> None:
        """Every JSON request body is a closed object, since unknown fields are a 400."""
        bodies = [
            (m, p, op["requestBody"]) for m, p, op in operations(document) if "requestBody" in op
        ]
        assert len(bodies) >= 6
        for method, path, request in bodies:
            schema = resolve(document, request["content"]["application/json"]["schema"])
            assert schema.get("additionalProperties") is False, (method, path)

    def test_security_marks_open_and_closed_routes(self, document: dict[str, Any]) -> None:
        """Open routes say `security: []`; the others answer 401 and use the global schemes."""
        open_routes = {
            ("GET", "/health"),
            ("GET", "/version"),
            ("GET", "/openapi.json"),
            ("GET", "/docs"),
            ("POST", "/auth/login"),
        }
        assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyHeader"}
        for method, path, op in operations(document):
            if (method, path) in open_routes:
                assert op["security"] == [], (method, path)
            else:
                assert "security" not in op and "401" in op["responses"], (method, path)
            assert "500" in op["responses"]

    def test_errors_use_the_envelope(self, document: dict[str, Any]) -> None:
        """Every error response of every operation is the shared Error envelope."""
        for method, path, op in operations(document):
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    content = resolve(document, response)["content"]["application/json"]
                    assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (
                        method,
                        path,
                        status,
                    )

    def test_examples_match_their_schemas(self, document: dict[str, Any]) -> None:
        """Each example in a request or response validates against its own schema."""
        checked = 0
        media_types = []
        for _, _, op in operations(document):
            media_types += op.get("requestBody", {}).get("content", {}).values()
            for response in op["responses"].values():
                media_types += resolve(document, response).get("content", {}).values()
        for media in media_types:
            # Text media (HTML, the event stream) carry no JSON to check.
            if media["schema"].get("type") == "string":
                continue
            examples = [e["value"] for e in media.get("examples", {}).values()]
            examples += [media["example"]] if "example" in media else []
            validator = Draft202012Validator(
                {**media["schema"], "components": document["components"]}
            )
            for example in examples:
                errors = list(validator.iter_errors(example))
                assert errors == [], [e.message for e in errors]
                checked += 1
        assert checked >= 30

    def test_run_states_are_documented(self, document: dict[str, Any]) -> None:
        """The run states of ARCHITECTURE.md are the RunState enum, each explained."""
        state = document["components"]["schemas"]["RunState"]
        expected = "scheduled queued running retrying succeeded failed timed_out cancelled "
        assert state["enum"] == (expected + "interrupted").split()
        for name in state["enum"]:
            assert f"`{name}`" in state["description"]
