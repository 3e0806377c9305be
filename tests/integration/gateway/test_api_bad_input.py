"""Integration tests of the edge's guard: text that is not UTF-8, too deep or too big numbers, any
JSON type in a choice field, and broken HTTP messages are refused in the envelope, and the server
(its store above all) keeps working afterwards."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields, unique
from tests.support import ServerProcess

SURROGATE = b'"\\ud800"'


def still_serving(server: ServerProcess, tmp_path: Path) -> None:
    """The store still writes: a job can be created and read back."""
    body = {"name": unique(), "command": "true", "workdir": str(tmp_path)}
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    assert server.request("GET", f"/jobs/{job['id']}")[0] == 200


def raw_request(server: ServerProcess, head: bytes) -> tuple[int, bytes, bytes]:
    """Send `head` (request line and headers, no final blank line) on a raw socket; return the
    status, the response headers and the body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head_part, _, body = data.partition(b"\r\n\r\n")
    return int(head_part.split(b" ", 2)[1]), head_part, body


class TestLoneSurrogates:
    def test_login_with_a_surrogate_username(self, server: ServerProcess, tmp_path: Path):
        """A sign-in naming a lone surrogate answers 400 and the store keeps working."""
        raw = b'{"username": ' + SURROGATE + b', "password": "x"}'
        assert_error(server.request("POST", "/auth/login", raw=raw, key=None), 400, "invalid_json")
        still_serving(server, tmp_path)

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"name": ' + SURROGATE + b', "command": "true", "workdir": "/tmp"}',
            b'{"name": "a", "command": "true", "workdir": "/tmp", "env": {'
            + SURROGATE
            + b': "1"}}',
            b'{"name": "a", "command": "true", "workdir": "/tmp", "tags": [[['
            + SURROGATE
            + b"]]]}",
        ],
        ids=["value", "key", "deep"],
    )
    def test_job_bodies(self, server: ServerProcess, tmp_path: Path, raw: bytes) -> None:
        """A lone surrogate anywhere in a body, key or value, is a 400 invalid_json."""
        assert_error(server.request("POST", "/jobs", raw=raw), 400, "invalid_json")
        still_serving(server, tmp_path)

    def test_a_valid_pair_is_fine(self, server: ServerProcess, tmp_path: Path) -> None:
        """An escaped surrogate pair is a real character and is accepted."""
        raw = b'{"name": "x\\ud83d\\ude00' + unique().encode() + b'", "command": "true", '
        raw += b'"workdir": "' + str(tmp_path).encode() + b'"}'
        status, job = server.request("POST", "/jobs", raw=raw)
        assert status == 201 and job["name"].startswith("x\U0001f600"), job

    @pytest.mark.parametrize(
        "target",
        [b"/jobs?q=%ED%A0%80", b"/jobs/%ED%A0%80", b"/auth/login?x=%FF", b"/health?%C0=1"],
    )
    def test_query_and_path(self, server: ServerProcess, tmp_path: Path, target: bytes) -> None:
        """A path or query that is not UTF-8 once percent-decoded is refused, with or
        without a key and on open routes too."""
        key = f"Authorization: Bearer {server.api_key}\r\n".encode()
        method = b"POST" if target.startswith(b"/auth") else b"GET"
        status, head, body = raw_request(server, method + b" " + target + b" HTTP/1.1\r\n" + key)
        assert status == 400 and b'"invalid_json"' in body, body
        still_serving(server, tmp_path)

    def test_header_values(self, server: ServerProcess, tmp_path: Path) -> None:
        """A header value that is not UTF-8 is refused before anything records it."""
        key = f"Authorization: Bearer {server.api_key}\r\n".encode()
        status, _, body = raw_request(
            server, b"GET /me HTTP/1.1\r\nX-Client: \xed\xa0\x80\r\n" + key
        )
        assert status == 400 and b'"invalid_json"' in body, body
        still_serving(server, tmp_path)

    def test_import_document(self, server: ServerProcess, tmp_path: Path) -> None:
        """The import route reads its body through the same guard, in JSON and YAML."""
        raw = b'{"jobs": [{"name": ' + SURROGATE + b"}]}"
        assert_error(server.request("POST", "/config/import", raw=raw), 400, "invalid_json")
        yaml = b'jobs:\n  - name: "\\ud800"\n'
        answer = server.request(
            "POST", "/config/import", raw=yaml, headers={"Content-Type": "application/yaml"}
        )
        assert_error(answer, 400, "invalid_json")
        still_serving(server, tmp_path)


class TestShapeLimits:
    def test_deep_nesting(self, server: ServerProcess) -> None:
        """Nesting deeper than 64 levels, or deep enough to exhaust the parser, is a 400."""
        for depth in (65, 100_000):
            raw = b'{"name": "a", "tags": ' + b"[" * depth + b"]" * depth + b"}"
            details = assert_error(server.request("POST", "/jobs", raw=raw), 400, "invalid_json")
            assert depth == 100_000 or details == {"max_depth": 64}

    @pytest.mark.parametrize(
        "number", [b"18446744073709551616", b"-9223372036854775809", b"9" * 5000, b"NaN"]
    )
    def test_numbers(self, server: ServerProcess, number: bytes) -> None:
        """Integers beyond 64 bits (even past Python's digit limit) and NaN are a 400."""
        raw = (
            b'{"name": "a", "command": "true", "workdir": "/tmp", "max_attempts": ' + number + b"}"
        )
        assert_error(server.request("POST", "/jobs", raw=raw), 400, "invalid_json")


class TestAnyTypeInChoices:
    @pytest.mark.parametrize("value", [{}, [], 1, None, True, "boss"])
    def test_role(self, server: ServerProcess, value: object) -> None:
        """Any JSON value that is not a role is a validation error, on create and update."""
        body = {"username": unique("u"), "password": "long-enough-pw", "role": value}
        assert_fields(server.request("POST", "/users", body), "role")
        assert_fields(server.request("PATCH", "/users/admin", {"role": value}), "role")

    @pytest.mark.parametrize("value", [{}, [], 2, None])
    def test_misfire_and_on_failure(self, server: ServerProcess, value: object) -> None:
        """Schedules' misfire and pipelines' on_failure refuse any other JSON type too."""
        body = {"name": unique("s"), "cron": "0 * * * *", "misfire": value}
        assert_fields(server.request("POST", "/schedules", body), "misfire")
        body = {"name": unique("p"), "steps": [], "on_failure": value}
        assert "on_failure" in assert_fields(server.request("POST", "/pipelines", body), *[
            "on_failure", "steps"])  # fmt: skip


class TestWireErrors:
    def test_request_line_too_long(self, server: ServerProcess) -> None:
        """A request line over 8 KB is a 414 in the JSON envelope."""
        status, head, body = raw_request(server, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n")
        assert status == 414 and b"application/json" in head, head
        assert b'"uri_too_long"' in body

    def test_header_too_long(self, server: ServerProcess) -> None:
        """A header over 8 KB is a 431 in the JSON envelope."""
        status, head, body = raw_request(
            server, b"GET /health HTTP/1.1\r\nX-A: " + b"a" * 9000 + b"\r\n"
        )
        assert status == 431 and b"application/json" in head, head
        assert b'"headers_too_large"' in body

    def test_nul_in_an_asset_name(self, server: ServerProcess) -> None:
        """A NUL byte in a UI file name is a 404, not a server error."""
        assert_error(server.request("GET", "/ui/assets/%00.js", key=None), 404, "not_found")


class TestLogout:
    def test_logout_with_an_api_key(self, server: ServerProcess) -> None:
        """Logout with an API key is refused with a pointer to DELETE /keys, and the key works."""
        fields = assert_fields(server.request("POST", "/auth/logout"), "token")
        assert "DELETE /keys/" in fields["token"]
        assert server.request("GET", "/me")[0] == 200
