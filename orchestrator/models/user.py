"""Users and API keys as the API accepts them: usernames, roles, passwords, key requests."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from orchestrator.models.fields import Checker, now

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class Role(StrEnum):
    READER = "reader"
    WRITER = "writer"
    ADMIN = "admin"


RANK = {Role.READER: 0, Role.WRITER: 1, Role.ADMIN: 2}


def validate_user(body: Any, min_password: int, creating: bool) -> dict[str, Any]:
    """Check a create body (username, password, role, enabled) or a patch (no username)."""
    allowed = (
        {"username", "password", "role", "enabled"} if creating else {"password", "role", "enabled"}
    )
    check = Checker(body, allowed)
    fields: dict[str, Any] = {}
    if creating:
        check.require("username", "password", "role")
    if check.has("username"):
        username = check.string("username", min_len=1, max_len=64)
        if username is not None and not USERNAME.match(username):
            check.fail("username", "must be 1-64 letters, digits, '_', '.', '@' or '-'")
        fields["username"] = check.not_an_id("username", username)
    if check.has("password"):
        fields["password"] = check.string("password", min_len=min_password, max_len=1000)
    if check.has("role"):
        fields["role"] = check.choice("role", Role)
    if check.has("enabled"):
        fields["enabled"] = check.boolean("enabled")
    check.done()
    return fields


def validate_key_request(body: Any) -> dict[str, Any]:
    """Check `POST /keys`: an optional name, owner (admins only) and expiry."""
    body = {} if body is None else body
    check = Checker(body, {"name", "user", "expires_at"})
    fields: dict[str, Any] = {"name": "", "user": None, "expires_at": None}
    if check.has("name"):
        fields["name"] = check.string("name", max_len=100)
    if check.has("user") and body["user"] is not None:
        fields["user"] = check.string("user", min_len=1, max_len=64)
    if check.has("expires_at") and body["expires_at"] is not None:
        fields["expires_at"] = check.time("expires_at")
        if fields["expires_at"] is not None and fields["expires_at"] <= now():
            check.fail("expires_at", "must be in the future")
    check.done()
    return fields
