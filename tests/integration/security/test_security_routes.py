"""Acceptance: every route of the app, called with every kind of caller, answers as the route table
in `authorization.py` says (open, 401 without valid credentials, 403 below the minimum role).

The walk sends dummy IDs and empty bodies, so an allowed call may still be a 400 or a 404: what
matters is that it is neither 401 nor 403 (nor a 5xx). The walk is complete because the table is
the app's routes: tests/unit/orchestrator/gateway/test_authorization.py.
"""

from __future__ import annotations

import secrets

import pytest

from orchestrator.gateway.authorization import ADMIN, OPEN, READER, RULES, WRITER
from tests.security_helpers import add_account, in_seconds, new_key, send, sleep_until
from tests.support import ADMIN_KEY, ServerProcess

RANK = {READER: 0, WRITER: 1, ADMIN: 2}
# Path parameters of the walk: IDs that exist nowhere, and one real Swagger UI file name.
DUMMIES = {"{id}": "ZZ00000000", "{target}": "J00000000", "{asset}": "swagger-ui.css"}
BAD = ("none", "wrong", "expired", "revoked")


@pytest.fixture(scope="module")
def callers(server: ServerProcess) -> dict[str, str | None]:
    """A token for each kind of caller: the three roles, nothing, and three dead keys."""
    expires_text, expires = in_seconds(1.0)
    expiring = new_key(server, expires_at=expires_text)["secret"]
    # Used once while valid, so a principal cached then must not outlive the key.
    assert server.request("GET", "/me", key=expiring)[0] == 200
    writer, reader = add_account(server, "writer"), add_account(server, "reader")
    revoked = new_key(server, writer.key)
    assert server.request("GET", "/me", key=revoked["secret"])[0] == 200
    assert server.request("DELETE", f"/keys/{revoked['id']}", key=writer.key)[0] == 204
    sleep_until(expires)
    return {
        ADMIN: ADMIN_KEY,
        WRITER: writer.key,
        READER: reader.key,
        "none": None,
        "wrong": "ork_" + secrets.token_urlsafe(32),
        "expired": expiring,
        "revoked": revoked["secret"],
    }


def concrete(path: str) -> str:
    for name, value in DUMMIES.items():
        path = path.replace(name, value)
    return path


def expected(needed: str, caller: str) -> str:
    """What the route table promises this caller: `open`, `401`, `403` or `allowed`."""
    if needed == OPEN:
        return "open"
    if caller in BAD:
        return "401"
    return "403" if RANK[caller] < RANK[needed] else "allowed"


def check(
    server: ServerProcess, method: str, path: str, caller: str, token: str | None, needed: str
) -> str | None:
    """Call the route as `caller`; a description of the mismatch, or None when it is right."""
    body = {} if method in ("POST", "PUT", "PATCH") else None
    reply = send(server, method, concrete(path), body, key=token)
    want = expected(needed, caller)
    code = reply.body.get("error", {}).get("code") if isinstance(reply.body, dict) else None
    if method == "HEAD":  # no body to read the code from
        code = {401: "unauthorized", 403: "forbidden"}.get(reply.status)
    if want == "401" and (reply.status, code) == (401, "unauthorized"):
        return None
    if want == "403" and (reply.status, code) == (403, "forbidden"):
        return None
    # Dummy IDs and bodies may be refused (400, 404...), but never crash the server.
    if want in ("open", "allowed") and reply.status not in (401, 403) and reply.status < 500:
        return None
    return f"{method} {path} as {caller}: expected {want}, got {reply.status} {reply.body!r:.200}"


class TestRouteWalk:
    @pytest.mark.parametrize("route", sorted(RULES), ids=lambda r: f"{r[0]} {r[1]}")
    def test_each_caller_gets_what_the_table_says(
        self, server: ServerProcess, callers: dict[str, str | None], route: tuple[str, str]
    ) -> None:
        """Open routes answer everyone; others 401 dead credentials and 403 lower roles."""
        method, path = route
        needed = RULES[route][0]
        problems = [check(server, method, path, *caller, needed) for caller in callers.items()]
        assert [p for p in problems if p] == []

    @pytest.mark.parametrize(
        "route", sorted(r for r in RULES if r[0] == "GET"), ids=lambda r: f"HEAD {r[1]}"
    )
    def test_head_follows_get(
        self, server: ServerProcess, callers: dict[str, str | None], route: tuple[str, str]
    ) -> None:
        """HEAD needs exactly what GET needs: no credentials and a reader are judged the same."""
        needed = RULES[route][0]
        problems = [
            check(server, "HEAD", route[1], who, callers[who], needed) for who in ("none", READER)
        ]
        assert [p for p in problems if p] == []
