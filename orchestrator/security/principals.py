"""Users, API keys and sessions as the store keeps them, and how a token becomes a principal.

Held in memory over their tables and used only by the Storage actor. Password hashing is slow on
purpose (scrypt), so it never happens here: the gateway hashes and verifies on a worker thread
and hands this module the results, keeping the Storage actor responsive.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from orchestrator import ids
from orchestrator.errors import Unauthorized, ValidationError
from orchestrator.models.fields import iso, now, parse_time
from orchestrator.security.secrets import (
    API_KEY_PREFIX,
    SESSION_PREFIX,
    hash_token,
    new_token,
)
from orchestrator.store.tables import Tables

KEY_FIELDS = ("id", "name", "user_id", "created_at", "expires_at", "last_used_at")
# How stale a key's `last_used_at` may be before it is written again (it changes every request).
LAST_USED_PRECISION = 60.0


class Principals:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.users: dict[str, dict] = dict(tables["users"].items())
        self.keys: dict[str, dict] = {k["hash"]: k for _, k in tables["api_keys"].items()}
        self.sessions: dict[str, dict] = dict(tables["sessions"].items())

    # Users ----------------------------------------------------------------------------------

    def find_user(self, ref: str) -> dict | None:
        """A user by ID (any case) or by exact username."""
        user_id = ids.as_id(ref, "U")
        if user_id and user_id in self.users:
            return self.users[user_id]
        return next((u for u in self.users.values() if u["username"] == ref), None)

    def save_user(self, user: dict) -> dict:
        self.users[user["id"]] = user
        self.tables["users"].put(user["id"], user)
        return user

    def enabled_admins(self) -> list[dict]:
        return [u for u in self.users.values() if u["role"] == "admin" and u["enabled"]]

    def revoke_all_of(self, user_id: str) -> int:
        """Revoke every key and session of a user (deleted or disabled)."""
        keys = [h for h, k in self.keys.items() if k["user_id"] == user_id]
        for digest in keys:
            self.tables["api_keys"].delete(self.keys.pop(digest)["id"])
        sessions = [h for h, s in self.sessions.items() if s["user_id"] == user_id]
        for digest in sessions:
            del self.sessions[digest]
            self.tables["sessions"].delete(digest)
        return len(keys) + len(sessions)

    def bootstrap_admin(self, password_hash: str, api_key: str) -> bool:
        """Create user `admin` and its first key when there is no user at all."""
        if self.users:
            return False
        if len(api_key) < 16:
            raise ValidationError({"ORCH_ADMIN_API_KEY": "must be at least 16 characters"})
        stamp = iso(now())
        user = {
            "id": ids.new_id("U"),
            "username": "admin",
            "role": "admin",
            "password_hash": password_hash,
            "enabled": True,
            "created_at": stamp,
            "updated_at": stamp,
            "created_by": "system",
        }
        self.save_user(user)
        self.add_key(user["id"], "initial admin key", None, api_key)
        return True

    # Keys and sessions -------------------------------------------------------------------------

    def add_key(
        self, user_id: str, name: str, expires_at: str | None, secret: str | None = None
    ) -> dict:
        """Store a new key (only its hash); returns the key with its `secret`, shown once."""
        secret = secret or new_token(API_KEY_PREFIX)
        key = {
            "id": ids.new_id("K"),
            "name": name,
            "user_id": user_id,
            "hash": hash_token(secret),
            "created_at": iso(now()),
            "expires_at": expires_at,
            "last_used_at": None,
        }
        self.keys[key["hash"]] = key
        self.tables["api_keys"].put(key["id"], key)
        return {**self.public_key(key), "secret": secret}

    def public_key(self, key: dict) -> dict:
        user = self.users.get(key["user_id"], {})
        return {**{k: key.get(k) for k in KEY_FIELDS}, "username": user.get("username")}

    def remove_key(self, key: dict) -> None:
        self.keys.pop(key["hash"], None)
        self.tables["api_keys"].delete(key["id"])

    def start_session(self, user: dict, ttl: float) -> dict[str, Any]:
        token = new_token(SESSION_PREFIX)
        session = {
            "id": ids.new_id("K"),
            "user_id": user["id"],
            "expires_at": iso(now() + timedelta(seconds=ttl)),
        }
        self.sessions[hash_token(token)] = session
        self.tables["sessions"].put(hash_token(token), session)
        return {"token": token, "expires_at": session["expires_at"], "user": public_user(user)}

    def end_session(self, token: str) -> None:
        digest = hash_token(token)
        if self.sessions.pop(digest, None) is not None:
            self.tables["sessions"].delete(digest)

    def authenticate(self, token: str) -> dict[str, Any]:
        """The principal behind a key or session token; Unauthorized when there is none."""
        digest = hash_token(token)
        record = self.keys.get(digest) if token.startswith(API_KEY_PREFIX) else None
        via = "key"
        if record is None:
            record, via = self.sessions.get(digest), "session"
        if record is None:
            raise Unauthorized("The API key or session token is wrong or was revoked.")
        if _expired(record):
            raise Unauthorized("The API key or session token has expired.")
        user = self.users.get(record["user_id"])
        if user is None or not user["enabled"]:
            raise Unauthorized("The account behind this token is disabled or gone.")
        if via == "key":
            self._touch(record)
        return {
            "user_id": user["id"],
            "username": user["username"],
            "role": user["role"],
            "via": via,
            "token_id": record["id"],
            "expires_at": record.get("expires_at"),
        }

    def _touch(self, key: dict) -> None:
        stamp = now()
        last = key.get("last_used_at")
        if last is None or (stamp - _parse(last)).total_seconds() > LAST_USED_PRECISION:
            key["last_used_at"] = iso(stamp)
            self.tables["api_keys"].put(key["id"], key)


def public_user(user: dict) -> dict:
    return {k: v for k, v in user.items() if k != "password_hash"}


def _expired(record: dict) -> bool:
    return bool(record.get("expires_at")) and record["expires_at"] < iso(now())


def _parse(text: str) -> datetime:
    return parse_time(text) or now()
