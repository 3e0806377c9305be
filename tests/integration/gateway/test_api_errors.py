"""Integration tests of API.md's error contract: bad bodies, oversized bodies, unknown routes and
methods, all answered in the one envelope and never with a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields, make_job, unique
from tests.support import ServerProcess


class TestBadBodies:
    @pytest.mark.parametrize("raw", [b"{not json", b'{"name": "x",}', b"\xff\xfe\x00", b"", b"   "])
    def test_invalid_json(self, server: ServerProcess, raw: bytes) -> None:
        """A body that is not JSON (or is missing) answers 400 invalid_json."""
        assert_error(server.request("POST", "/jobs", raw=raw), 400, "invalid_json")

    @pytest.mark.parametrize("body", [[1, 2], "a string", 42, None, True])
    def test_body_must_be_an_object(self, server: ServerProcess, body: object) -> None:
        """Valid JSON that is not an object answers 400 validation_error."""
        raw = json.dumps(body).encode()
        assert_fields(server.request("POST", "/jobs", raw=raw), "body")

    def test_invalid_json_elsewhere(self, server: ServerProcess, tmp_path: Path) -> None:
        """PATCH, PUT and run bodies are checked the same way."""
        job = make_job(server, tmp_path)
        for method, path in (("PATCH", f"/jobs/{job['id']}"), ("PUT", f"/jobs/{job['id']}"),
                             ("POST", f"/jobs/{job['id']}/run")):  # fmt: skip
            assert_error(server.request(method, path, raw=b"{oops"), 400, "invalid_json")
        assert server.request("GET", f"/jobs/{job['id']}") == (200, job)

    def test_bad_query_values(self, server: ServerProcess, tmp_path: Path) -> None:
        """Bad query parameters are validation errors naming the parameter."""
        job = make_job(server, tmp_path)
        assert_fields(server.request("GET", "/jobs?limit=abc"), "limit")
        assert_fields(server.request("GET", "/jobs?cursor=J00000000"), "cursor")
        assert_fields(server.request("POST", f"/jobs/{job['id']}/run?wait=maybe"), "wait")
        answer = server.request("POST", f"/jobs/{job['id']}/run?wait=true&timeout=0")
        assert_fields(answer, "timeout")
        assert_fields(server.request("DELETE", f"/jobs/{job['id']}?force=perhaps"), "force")


class TestRoutes:
    @pytest.mark.parametrize("path", ["/nope", "/jobs/x/y/z", "/runs/R1/whatever", "/v2/jobs"])
    def test_unknown_route(self, server: ServerProcess, path: str) -> None:
        """A path the API does not have answers 404 not_found."""
        assert_error(server.request("GET", path), 404, "not_found")

    @pytest.mark.parametrize(
        ("method", "path"),
        [("DELETE", "/jobs"), ("PUT", "/runs"), ("PATCH", "/runs/R000000000000"),
         ("GET", "/runs/R000000000000/cancel"), ("POST", "/health")],
    )  # fmt: skip
    def test_wrong_method(self, server: ServerProcess, method: str, path: str) -> None:
        """A known path with a method it does not take answers 405 with the allowed methods."""
        details = assert_error(server.request(method, path), 405, "method_not_allowed")
        assert method not in details["allowed"] and details["allowed"]

    def test_not_found_resources(self, server: ServerProcess) -> None:
        """Every resource answers 404 not_found for an ID that does not exist."""
        for path in ("/jobs/J00000000", "/runs/R000000000000", f"/contexts/{unique()}"):
            assert_error(server.request("GET", path), 404, "not_found")


@pytest.fixture(scope="class")
def small_bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server that refuses bodies over 1000 bytes, shared by the tests of one class."""
    data = tmp_path_factory.mktemp("small-bodies") / "data"
    proc = ServerProcess(data, "--set", "server.max_body_bytes=1000").start()
    yield proc
    proc.stop()


class TestBodyLimit:
    def test_body_over_the_limit(self, small_bodies: ServerProcess, tmp_path: Path) -> None:
        """A body over `server.max_body_bytes` answers 413 payload_too_large; none is created."""
        body = {"name": unique(), "command": "true", "workdir": str(tmp_path),
                "description": "x" * 1500}  # fmt: skip
        assert_error(small_bodies.request("POST", "/jobs", body), 413, "payload_too_large")
        assert_error(small_bodies.request("GET", f"/jobs/{body['name']}"), 404, "not_found")

    def test_body_under_the_limit(self, small_bodies: ServerProcess, tmp_path: Path) -> None:
        """A body below the limit is accepted as usual."""
        body = {"name": unique(), "command": "true", "workdir": str(tmp_path),
                "description": "x" * 500}  # fmt: skip
        assert small_bodies.request("POST", "/jobs", body)[0] == 201

    def test_limit_applies_to_every_route(self, small_bodies: ServerProcess) -> None:
        """An oversized body on another route is refused the same way."""
        raw = json.dumps({"env": {"A": "x" * 2000}}).encode()
        answer = small_bodies.request("POST", "/jobs/anything/run", raw=raw)
        assert_error(answer, 413, "payload_too_large")
