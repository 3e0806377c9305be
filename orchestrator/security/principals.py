"""Users, API keys and sessions as the store keeps them, and how a token becomes a principal.

Roles and user management arrive in their own change; the shape is ready for them: a principal
carries its role and the middleware checks it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from orchestrator import ids
from orchestrator.errors import Unauthorized, ValidationError
from orchestrator.models.fields import iso, now
from orchestrator.security.secrets import (
    API_KEY_PREFIX,
    SESSION_PREFIX,
    hash_password,
    hash_token,
    new_password,
    new_token,
    verify_password,
)
from orchestrator.store.tables import Tables

ROLES = ("reader", "writer", "admin")


class Principals:
    """Users, keys and sessions held in memory over their tables; used by the Storage actor."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.users: dict[str, dict] = dict(tables["users"].items())
        self.keys: dict[str, dict] = {k["hash"]: k for _, k in tables["api_keys"].items()}
        self.sessions: dict[str, dict] = dict(tables["sessions"].items())

    def bootstrap_admin(self, password: str | None, api_key: str | None) -> dict | None:
        """Create user `admin` and an admin key when there is no user at all."""
        if self.users:
            return None
        if api_key is not None and len(api_key) < 16:
            raise ValidationError({"ORCH_ADMIN_API_KEY": "must be at least 16 characters"})
        password = password or new_password()
        api_key = api_key or new_token(API_KEY_PREFIX)
        stamp = iso(now())
        user = {
            "id": ids.new_id("U"),
            "username": "admin",
            "role": "admin",
            "password_hash": hash_password(password),
            "enabled": True,
            "created_at": stamp,
        }
        key = {
            "id": ids.new_id("K"),
            "name": "initial admin key",
            "user_id": user["id"],
            "hash": hash_token(api_key),
            "created_at": stamp,
            "expires_at": None,
        }
        self.users[user["id"]] = user
        self.keys[key["hash"]] = key
        self.tables["users"].put(user["id"], user)
        self.tables["api_keys"].put(key["id"], key)
        return {"username": "admin", "password": password, "api_key": api_key}

    def authenticate(self, token: str) -> dict[str, Any]:
        """The principal behind a key or session token; Unauthorized when there is none."""
        digest = hash_token(token)
        record = self.keys.get(digest) if token.startswith(API_KEY_PREFIX) else None
        via = "key"
        if record is None:
            record, via = self.sessions.get(digest), "session"
        if record is None or _expired(record):
            raise Unauthorized("The API key or session token is missing, wrong, or expired.")
        user = self.users.get(record["user_id"])
        if user is None or not user["enabled"]:
            raise Unauthorized("The account behind this token is disabled or gone.")
        return {
            "user_id": user["id"],
            "username": user["username"],
            "role": user["role"],
            "via": via,
            "token_id": record["id"],
            "expires_at": record.get("expires_at"),
        }

    def login(self, username: str, password: str, ttl: float) -> dict[str, Any]:
        user = next((u for u in self.users.values() if u["username"] == username), None)
        if (
            user is None
            or not user["enabled"]
            or not verify_password(password, user["password_hash"])
        ):
            raise Unauthorized("Wrong username or password.")
        token = new_token(SESSION_PREFIX)
        session = {
            "id": ids.new_id("K"),
            "user_id": user["id"],
            "expires_at": iso(now() + timedelta(seconds=ttl)),
        }
        self.sessions[hash_token(token)] = session
        self.tables["sessions"].put(hash_token(token), session)
        return {"token": token, "expires_at": session["expires_at"], "user": public_user(user)}

    def logout(self, token: str) -> None:
        digest = hash_token(token)
        if self.sessions.pop(digest, None) is not None:
            self.tables["sessions"].delete(digest)

    def user(self, user_id: str) -> dict:
        return public_user(self.users[user_id])


def public_user(user: dict) -> dict:
    return {k: v for k, v in user.items() if k != "password_hash"}


def _expired(record: dict) -> bool:
    return bool(record.get("expires_at")) and record["expires_at"] < iso(now())
