"""Integration tests of API.md's Authentication section: keys, open routes, sessions from a
password, and the first admin's credentials when none are given."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields, when
from tests.support import ADMIN_KEY, ADMIN_PASSWORD, ServerProcess


def login(server: ServerProcess, password: str = ADMIN_PASSWORD) -> tuple[int, dict]:
    return server.request("POST", "/auth/login", {"username": "admin", "password": password},
                          key=None)  # fmt: skip


class TestApiKeys:
    def test_no_key(self, server: ServerProcess) -> None:
        """A protected route without credentials answers 401 unauthorized."""
        for method, path in (("GET", "/jobs"), ("POST", "/jobs"), ("GET", "/me"),
                             ("GET", "/runs"), ("GET", "/contexts")):  # fmt: skip
            assert_error(server.request(method, path, key=None), 401, "unauthorized")

    @pytest.mark.parametrize("key", ["ork_wrong", ADMIN_KEY + "x", "not-a-key", "sess_nothing"])
    def test_wrong_key(self, server: ServerProcess, key: str) -> None:
        """An unknown bearer token answers 401 unauthorized."""
        assert_error(server.request("GET", "/jobs", key=key), 401, "unauthorized")

    def test_x_api_key_header(self, server: ServerProcess) -> None:
        """`X-API-Key` is accepted instead of `Authorization`; a wrong one is a 401."""
        status, page = server.request("GET", "/jobs", key=None, headers={"X-API-Key": ADMIN_KEY})
        assert status == 200 and "items" in page
        answer = server.request("GET", "/jobs", key=None, headers={"X-API-Key": "ork_bad"})
        assert_error(answer, 401, "unauthorized")

    def test_bearer_key_and_me(self, server: ServerProcess) -> None:
        """`GET /me` with the admin key names user admin with role admin."""
        status, me = server.request("GET", "/me")
        assert status == 200
        assert (me["username"], me["role"]) == ("admin", "admin")
        assert "password_hash" not in me


class TestOpenRoutes:
    def test_open_without_credentials(self, server: ServerProcess) -> None:
        """Health, version and the OpenAPI document need no key."""
        assert server.request("GET", "/health", key=None) == (200, {"status": "ok"})
        version = {"version": "0.3.0a0", "display": "0.3.0 Alpha"}
        assert server.request("GET", "/version", key=None) == (200, version)
        status, document = server.request("GET", "/openapi.json", key=None)
        assert status == 200 and document["openapi"].startswith("3.")

    def test_open_with_a_wrong_key(self, server: ServerProcess) -> None:
        """A wrong key on an open route does not turn it into a 401."""
        assert server.request("GET", "/health", key="ork_wrong")[0] == 200


class TestSessions:
    def test_login_gives_a_usable_token(self, server: ServerProcess) -> None:
        """The admin password gives a token, an expiry ahead and the user; the token works."""
        status, answer = login(server)
        assert status == 200, answer
        assert set(answer) == {"token", "expires_at", "user"}
        assert when(answer["expires_at"]) > datetime.now(UTC)
        assert (answer["user"]["username"], answer["user"]["role"]) == ("admin", "admin")
        assert "password_hash" not in answer["user"] and ADMIN_PASSWORD not in str(answer)
        status, me = server.request("GET", "/me", key=answer["token"])
        assert status == 200 and me["username"] == "admin"
        assert server.request("GET", "/jobs", key=answer["token"])[0] == 200

    def test_wrong_password(self, server: ServerProcess) -> None:
        """A wrong password or an unknown user answers 401 unauthorized."""
        assert_error(login(server, "not-the-password"), 401, "unauthorized")
        body = {"username": "nobody", "password": ADMIN_PASSWORD}
        assert_error(server.request("POST", "/auth/login", body, key=None), 401, "unauthorized")

    def test_login_body_is_checked(self, server: ServerProcess) -> None:
        """A login body without a password, or with extra fields, is a 400 naming them."""
        answer = server.request("POST", "/auth/login", {"username": "admin", "x": 1}, key=None)
        assert_fields(answer, "password", "x")

    def test_logout_revokes_the_token(self, server: ServerProcess) -> None:
        """After logout the session token answers 401; the API key still works."""
        token = login(server)[1]["token"]
        assert server.request("POST", "/auth/logout", key=token) == (204, None)
        assert_error(server.request("GET", "/me", key=token), 401, "unauthorized")
        assert server.request("GET", "/me")[0] == 200

    def test_sessions_are_independent(self, server: ServerProcess) -> None:
        """Logging out one session leaves another one valid."""
        first, second = login(server)[1]["token"], login(server)[1]["token"]
        assert first != second
        server.request("POST", "/auth/logout", key=first)
        assert server.request("GET", "/me", key=second)[0] == 200


def credentials(path: Path) -> dict[str, str]:
    """The password and API key written in initial-admin.txt."""
    text = path.read_text(encoding="utf-8")
    password = re.search(r"password:\s*(\S+)", text)
    api_key = re.search(r"api key:\s*(\S+)", text)
    assert password and api_key, text
    return {"password": password.group(1), "api_key": api_key.group(1)}


def check_first_admin(proc: ServerProcess) -> None:
    """initial-admin.txt exists with mode 0600 and holds a key and a password that work."""
    path = proc.data_dir / "initial-admin.txt"
    assert path.is_file()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    found = credentials(path)
    assert found["api_key"].startswith("ork_")
    status, me = proc.request("GET", "/me", key=found["api_key"])
    assert status == 200 and (me["username"], me["role"]) == ("admin", "admin")
    assert login(proc, found["password"])[0] == 200
    assert_error(proc.request("GET", "/me", key=ADMIN_KEY), 401, "unauthorized")


class TestFirstAdmin:
    def test_generated_when_no_admin_variables(self, tmp_path: Path) -> None:
        """Without ORCH_ADMIN_* the first start writes working credentials to a 0600 file."""
        proc = ServerProcess(tmp_path / "data")
        del proc.env["ORCH_ADMIN_API_KEY"], proc.env["ORCH_ADMIN_PASSWORD"]
        proc.start()
        try:
            check_first_admin(proc)
            shown = proc.output()
            key = credentials(proc.data_dir / "initial-admin.txt")["api_key"]
            assert f"web UI:   {proc.url}/ui/" in shown
            assert f"\n  export ORCH_API_KEY={key}\n" in shown
            assert "export" not in (proc.data_dir / "initial-admin.txt").read_text()
        finally:
            proc.stop()

    def test_empty_variables_count_as_unset(self, tmp_path: Path) -> None:
        """ORCH_ADMIN_* set to empty strings behave as if they were not set."""
        env = {"ORCH_ADMIN_API_KEY": "", "ORCH_ADMIN_PASSWORD": ""}
        proc = ServerProcess(tmp_path / "data", env=env).start()
        try:
            check_first_admin(proc)
        finally:
            proc.stop()

    def test_given_variables_are_used(self, fresh_server: ServerProcess) -> None:
        """With ORCH_ADMIN_* given, that key and that password are the admin's."""
        assert fresh_server.request("GET", "/me")[1]["username"] == "admin"
        assert login(fresh_server)[0] == 200
