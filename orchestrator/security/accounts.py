"""What the Storage actor does with user and API key requests, as plain functions.

The last enabled admin can be neither deleted, demoted nor disabled; deleting or disabling a
user revokes their keys and sessions at once. Passwords arrive here already hashed.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from orchestrator import ids
from orchestrator.errors import Conflict, Forbidden, NotFound
from orchestrator.models.fields import iso, now
from orchestrator.security.principals import Principals, public_user


def require_user(p: Principals, ref: str) -> dict:
    user = p.find_user(ref)
    if user is None:
        raise NotFound(f"No user has the ID or username '{ref}'.")
    return user


def create_user(p: Principals, fields: dict[str, Any], by: str) -> dict:
    if p.find_user(fields["username"]) is not None:
        raise Conflict(f"A user named '{fields['username']}' already exists.")
    stamp = iso(now())
    user = {
        "id": ids.new_id("U"),
        "username": fields["username"],
        "role": fields["role"],
        "password_hash": fields["password_hash"],
        "enabled": fields.get("enabled", True),
        "created_at": stamp,
        "updated_at": stamp,
        "created_by": by,
    }
    return public_user(p.save_user(user))


def update_user(p: Principals, ref: str, fields: dict[str, Any]) -> dict:
    user = require_user(p, ref)
    demoted = fields.get("role", user["role"]) != "admin" or not fields.get(
        "enabled", user["enabled"]
    )
    if demoted and _is_last_admin(p, user):
        raise Conflict("This is the last enabled admin: it cannot be demoted or disabled.")
    changed = {**user, **{k: v for k, v in fields.items() if k != "password"}}
    changed["updated_at"] = iso(now())
    p.save_user(changed)
    if not changed["enabled"]:
        p.revoke_all_of(user["id"])
    elif "password_hash" in fields:
        _end_sessions(p, user["id"])
    return public_user(changed)


def delete_user(p: Principals, ref: str) -> dict:
    user = require_user(p, ref)
    if _is_last_admin(p, user):
        raise Conflict("This is the last enabled admin: it cannot be deleted.")
    p.revoke_all_of(user["id"])
    del p.users[user["id"]]
    p.tables["users"].delete(user["id"])
    return public_user(user)


def _is_last_admin(p: Principals, user: dict) -> bool:
    admins = p.enabled_admins()
    return user["role"] == "admin" and user["enabled"] and len(admins) == 1


def _end_sessions(p: Principals, user_id: str) -> None:
    """A new password ends the user's sessions (their keys stay valid)."""
    for digest in [h for h, s in p.sessions.items() if s["user_id"] == user_id]:
        del p.sessions[digest]
        p.tables["sessions"].delete(digest)


def create_key(p: Principals, principal: dict, fields: dict[str, Any]) -> dict:
    owner_id = principal["user_id"]
    wanted = fields["user"]
    if wanted is not None and wanted not in (owner_id, principal["username"]):
        if principal["role"] != "admin":  # checked first: the answer reveals no usernames
            raise Forbidden("Only an admin can create keys for another user.")
        owner_id = require_user(p, wanted)["id"]
    expires = fields["expires_at"]
    return p.add_key(owner_id, fields["name"], iso(expires.astimezone(UTC)) if expires else None)


def list_keys(p: Principals, principal: dict, user: str | None) -> list[dict]:
    """A user's own keys; an admin sees everyone's (or one user's with `user`)."""
    if principal["role"] != "admin":
        chosen = principal["user_id"]
    else:
        chosen = require_user(p, user)["id"] if user else None
    keys = [k for k in p.keys.values() if chosen is None or k["user_id"] == chosen]
    return [p.public_key(k) for k in sorted(keys, key=lambda k: k["created_at"])]


def revoke_key(p: Principals, principal: dict, key_ref: str) -> dict:
    key_id = ids.as_id(key_ref, "K")
    key = next((k for k in p.keys.values() if k["id"] == key_id), None)
    if key is None or (key["user_id"] != principal["user_id"] and principal["role"] != "admin"):
        raise NotFound(f"No key of yours has the ID '{key_ref}'.")
    p.remove_key(key)
    return p.public_key(key)


def login_record(p: Principals, username: str) -> dict | None:
    """What the gateway needs to check a password: the user's ID, hash and state."""
    user = next((u for u in p.users.values() if u["username"] == username), None)
    if user is None:
        return None
    return {"id": user["id"], "password_hash": user["password_hash"], "enabled": user["enabled"]}
