"""The documentation of sign-in, users, API keys and the audit trail against the real server:
its answers have exactly the documented fields, and the rules the document states hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orchestrator import __version__
from orchestrator.gateway.openapi import build_document
from orchestrator.gateway.openapi.access import audited_actions
from tests.openapi_helpers import schema_errors
from tests.security_helpers import add_account, login, new_key, send, unique_name
from tests.support import ServerProcess


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(__version__)


def answer(server: ServerProcess, method: str, path: str, body: Any = None, **kw: Any) -> Any:
    status, value = server.request(method, path, body, **kw)
    assert status < 300, (method, path, value)
    return value


class TestUsers:
    def test_answers_have_the_documented_fields(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """Creating, listing, reading and changing users answer the User schemas exactly."""
        body = {"username": unique_name("u"), "password": "p" * 10, "role": "reader"}
        created = answer(server, "POST", "/users", body)
        changed = answer(server, "PATCH", f"/users/{created['id'].lower()}", {"role": "writer"})
        for name, value in (
            ("User", created),
            ("User", changed),
            ("User", answer(server, "GET", f"/users/{created['username']}")),
            ("UserList", answer(server, "GET", "/users")),
        ):
            assert schema_errors(document, name, value) == [], name

    def test_short_password_and_last_admin_are_refused(self, server: ServerProcess) -> None:
        """A password under the default minimum of 10 is a 400; the only admin stays one."""
        body = {"username": unique_name("u"), "password": "p" * 9, "role": "reader"}
        status, error = server.request("POST", "/users", body)
        assert status == 400 and "password" in error["error"]["details"]["fields"]
        for method, change in (("PATCH", {"role": "writer"}), ("DELETE", None)):
            status, error = server.request(method, "/users/admin", change)
            assert (status, error["error"]["code"]) == (409, "conflict")


class TestKeys:
    def test_answers_have_the_documented_fields(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """A new key carries its `ork_` secret once; lists never show it."""
        created = new_key(server, expires_at="2030-01-01T00:00:00Z")
        listed = answer(server, "GET", "/keys")
        assert created["secret"].startswith("ork_")
        assert schema_errors(document, "ApiKeyCreated", created) == []
        assert schema_errors(document, "KeyList", listed) == []
        assert all("secret" not in key for key in listed["items"])

    def test_others_keys_are_out_of_reach_for_non_admins(self, server: ServerProcess) -> None:
        """A non-admin sees only their own keys (`user` ignored), and another's key is a 404."""
        writer, other = add_account(server, "writer"), add_account(server, "reader")
        mine = answer(server, "GET", f"/keys?user={other.username}", key=writer.key)
        assert [k["id"] for k in mine["items"]] == [writer.key_id]
        status, _ = server.request("DELETE", f"/keys/{other.key_id}", key=writer.key)
        assert status == 404
        status, _ = server.request("POST", "/keys", {"user": other.username}, key=writer.key)
        assert status == 403


class TestSignIn:
    def test_session_and_me_have_the_documented_fields(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """Sign-in gives an `ors_` token for a day; `GET /me` describes key and session."""
        account = add_account(server, "reader")
        signed = login(server, account.username, account.password)
        assert signed.status == 200 and signed.body["token"].startswith("ors_")
        assert schema_errors(document, "LoginResponse", signed.body) == []
        expires = datetime.fromisoformat(signed.body["expires_at"])
        assert abs(expires - datetime.now(UTC) - timedelta(days=1)) < timedelta(minutes=1)
        for token, via in ((signed.body["token"], "session"), (account.key, "key")):
            me = answer(server, "GET", "/me", key=token)
            assert me["via"] == via and schema_errors(document, "Principal", me) == []

    def test_throttled_sign_in_is_a_429_with_retry_after(
        self, fresh_server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """After 5 failures the right password too gets 429 with `Retry-After`, as documented."""
        account = add_account(fresh_server, "reader")
        for _ in range(5):
            assert login(fresh_server, account.username, "wrong-password").status == 401
        refused = login(fresh_server, account.username, account.password)
        assert refused.status == 429 and refused.body["error"]["code"] == "too_many_requests"
        seconds = int(refused.headers["retry-after"])
        assert 0 < seconds <= 300 and refused.body["error"]["details"]["retry_after"] == seconds
        documented = document["paths"]["/auth/login"]["post"]["responses"]["429"]
        assert "Retry-After" in documented["headers"]


class TestAudit:
    def test_records_have_the_documented_fields_and_actions(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """Audit answers match AuditList; every action recorded is one the document lists."""
        account = add_account(server, "reader")
        assert send(server, "POST", "/users", {}, key=account.key).status == 403
        page = answer(server, "GET", "/audit?limit=1000")
        assert schema_errors(document, "AuditList", page) == []
        assert {r["action"] for r in page["items"]} <= set(audited_actions())
        mine = answer(server, "GET", f"/audit?user={account.username}&action=user.")
        assert [(r["action"], r["status"], r["outcome"]) for r in mine["items"]] == [
            ("user.create", 403, "failure")
        ]
