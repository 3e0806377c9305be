"""Messages to the Storage actor about users, keys, sessions and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actors.messages.channel import Acked

# --- Storage: users, keys, sessions and the audit trail --------------------------------------


@dataclass(frozen=True)
class Authenticate:
    token: str


@dataclass(frozen=True)
class LoginRecord:
    """A user's ID, password hash and state, for the gateway to check a password; or None."""

    username: str


@dataclass(frozen=True)
class StartSession(Acked):
    user_id: str
    ttl: float


@dataclass(frozen=True)
class Logout(Acked):
    token: str


@dataclass(frozen=True)
class BootstrapAdmin(Acked):
    """Create the admin user and key when no user exists; replies True if it did."""

    password_hash: str
    api_key: str


@dataclass(frozen=True)
class ListUsers:
    pass


@dataclass(frozen=True)
class GetUser:
    ref: str


@dataclass(frozen=True)
class CreateUser(Acked):
    fields: dict[str, Any]  # with `password_hash`, never the password
    by: str


@dataclass(frozen=True)
class UpdateUser(Acked):
    ref: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DeleteUser(Acked):
    ref: str


@dataclass(frozen=True)
class CreateKey(Acked):
    principal: dict[str, Any]
    fields: dict[str, Any]


@dataclass(frozen=True)
class ListKeys:
    principal: dict[str, Any]
    user: str | None = None


@dataclass(frozen=True)
class RevokeKey(Acked):
    principal: dict[str, Any]
    ref: str


@dataclass(frozen=True)
class Audit:
    """Tell: append records to the audit trail, in order (the gateway's of one loop turn)."""

    entries: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ListAudit:
    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 100
    cursor: str | None = None
