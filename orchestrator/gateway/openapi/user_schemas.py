"""Schemas of users and of who is calling: the user an admin creates and changes, the caller
that `GET /me` describes, and the sign-in that trades a password for a session token."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import B32, Schema, list_of, obj, ref
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, maybe_time, timestamp

USER_ID = {"type": "string", "pattern": f"^U{B32}{{8}}$", "examples": ["U3M8Q2XZA"]}
USER_EXAMPLE = {
    "id": "U3M8Q2XZA",
    "username": "ann",
    "role": "writer",
    "enabled": True,
    "created_at": TIME_EXAMPLE,
    "updated_at": TIME_EXAMPLE,
    "created_by": "admin",
}
PASSWORD_TEXT = """At least `security.min_password_length` characters (configuration; default 10,
never under 8) and at most 1000; shorter is a 400 `validation_error` naming `password`. The
server keeps only a scrypt hash of it and never returns it."""


def _user_fields() -> dict[str, Schema]:
    """What an admin may set on a user; the username only when creating it."""
    return {
        "password": {
            "type": "string",
            "minLength": 8,
            "maxLength": 1000,
            "description": PASSWORD_TEXT,
        },
        "role": ref("Role"),
        "enabled": {
            "type": "boolean",
            "default": True,
            "description": "False: the user can neither sign in nor use a key. Disabling "
            "revokes all the user's API keys and sessions at once (enabling again does not "
            "bring them back).",
        },
    }


def schemas() -> dict[str, Schema]:
    username = {
        "type": "string",
        "pattern": "^[A-Za-z0-9_.@-]{1,64}$",
        "description": "1 to 64 letters, digits, `_`, `.`, `@` or `-`. Unique, case "
        "sensitive (`ann` and `Ann` are two users), and fixed once created.",
        "examples": ["ann"],
    }
    return {
        "Role": {
            "type": "string",
            "enum": ["admin", "writer", "reader"],
            "description": "`reader` reads, `writer` also changes and runs jobs, pipelines "
            "and schedules, `admin` may do everything.",
        },
        "User": obj(
            {
                "id": USER_ID,
                "username": username,
                "role": ref("Role"),
                "enabled": {"type": "boolean", "description": "False: disabled."},
                "created_at": timestamp("When the user was created."),
                "updated_at": timestamp("When the user was last changed."),
                "created_by": {
                    "type": "string",
                    "description": "Username of the admin who created the user; `system` for "
                    "the first admin, made when the server first started.",
                },
            },
            ["id", "username", "role", "enabled", "created_at", "updated_at", "created_by"],
            closed=False,
            description="A user. Passwords and their hashes are never part of an answer.",
        ),
        "UserCreate": obj(
            {"username": username, **_user_fields()},
            ["username", "password", "role"],
            description="A new user.",
        ),
        "UserPatch": obj(
            _user_fields(),
            description="Only the fields sent change. The username cannot change (sending it "
            "is a 400).",
        ),
        "UserList": list_of("User", "Every user, oldest first, in one page."),
        "Principal": obj(
            {
                "user_id": USER_ID,
                "username": {"type": "string"},
                "role": ref("Role"),
                "via": {
                    "type": "string",
                    "enum": ["key", "session"],
                    "description": "`key`: an API key; `session`: a token from `POST /auth/login`.",
                },
                "token_id": {
                    "type": "string",
                    "pattern": f"^K{B32}{{8}}$",
                    "description": "ID of the key (as in `GET /keys`) or of the session.",
                },
                "expires_at": maybe_time("When the key or session stops working; null: never."),
            },
            ["user_id", "username", "role", "via", "token_id", "expires_at"],
            closed=False,
            description="Who sent the request, and with which kind of token.",
        ),
        "LoginRequest": obj(
            {
                "username": {"type": "string", "minLength": 1, "maxLength": 100},
                "password": {"type": "string", "minLength": 1, "maxLength": 1000},
            },
            ["username", "password"],
        ),
        "LoginResponse": obj(
            {
                "token": {
                    "type": "string",
                    "pattern": "^ors_",
                    "description": "Session token (`ors_...`): send it as "
                    "`Authorization: Bearer <token>`. Shown only here; the server keeps only "
                    "its SHA-256 hash.",
                },
                "expires_at": timestamp(
                    "When the token stops working: `security.session_ttl` seconds (default "
                    "86400, one day) after sign-in."
                ),
                "user": ref("User"),
            },
            ["token", "expires_at", "user"],
            closed=False,
        ),
    }
