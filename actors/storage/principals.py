"""The Storage actor's handling of users, keys and sessions.

Split from `storage.py` by aggregate: definitions and runs there, principals here, the audit
trail in `storage_audit`. Runs on the Storage actor's thread, like everything the store does.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.log import get_logger
from orchestrator.security import accounts
from orchestrator.security.principals import Principals, public_user

log = get_logger("orchestrator.security")

HANDLED = (
    m.Authenticate,
    m.LoginRecord,
    m.StartSession,
    m.Logout,
    m.BootstrapAdmin,
    m.ListUsers,
    m.GetUser,
    m.CreateUser,
    m.UpdateUser,
    m.DeleteUser,
    m.CreateKey,
    m.ListKeys,
    m.RevokeKey,
)


def handle(storage: Any, message: Any) -> Any:  # noqa: C901 - one arm per message
    p: Principals = storage.principals
    match message:
        case m.Authenticate(token):
            return p.authenticate(token)
        case m.LoginRecord(username):
            return accounts.login_record(p, username)
        case m.StartSession(user_id, ttl):
            return p.start_session(p.users[user_id], ttl)
        case m.Logout(token):
            return p.end_session(token)
        case m.BootstrapAdmin(password_hash, api_key):
            return p.bootstrap_admin(password_hash, api_key)
        case m.ListUsers():
            users = sorted(p.users.values(), key=lambda u: u["created_at"])
            return {
                "items": [public_user(u) for u in users],
                "total": len(users),
                "next_cursor": None,
            }
        case m.GetUser(ref):
            return public_user(accounts.require_user(p, ref))
        case m.CreateUser(fields, by):
            user = accounts.create_user(p, fields, by)
            log.info(
                "user created", user_id=user["id"], username=user["username"], role=user["role"]
            )
            return user
        case m.UpdateUser(ref, fields):
            user = accounts.update_user(p, ref, fields)
            log.info("user updated", user_id=user["id"], fields=sorted(fields))
            return user
        case m.DeleteUser(ref):
            user = accounts.delete_user(p, ref)
            log.info("user deleted", user_id=user["id"], username=user["username"])
            return user
        case m.CreateKey(principal, fields):
            key = accounts.create_key(p, principal, fields)
            log.info("api key created", key_id=key["id"], owner=key["username"])
            return key
        case m.ListKeys(principal, user):
            keys = accounts.list_keys(p, principal, user)
            return {"items": keys, "total": len(keys), "next_cursor": None}
        case m.RevokeKey(principal, ref):
            key = accounts.revoke_key(p, principal, ref)
            log.info("api key revoked", key_id=key["id"], owner=key["username"])
            return key
    raise TypeError(f"Storage cannot handle {type(message).__name__}")


# Every message of this module goes to `handle`.
HANDLERS = dict.fromkeys(HANDLED, handle)
