"""Paths of users (admins only): create, list, read, change and delete, with the rules that
keep one admin enabled and that cut off a disabled or deleted user at once."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import body, operation, param, ref, reply
from orchestrator.gateway.openapi.user_schemas import USER_EXAMPLE

TAG = {
    "name": "users",
    "description": """People and programs that call the API, each with a role (`reader`,
`writer` or `admin`). User IDs are `U` plus 8 Crockford base32 characters; `{id}` also takes
the exact username.

**The last admin.** At least one enabled admin always remains: demoting, disabling or
deleting the last one is a 409 `conflict`.

**Cutting access.** Disabling or deleting a user revokes all their API keys and sessions at
once; enabling the user again does not bring them back. A new password ends all the user's
sessions; their API keys stay valid. A role change applies from the user's next request.
Audit records keep the username of a deleted user.""",
}
USER_ID = param(
    "id",
    "path",
    {"type": "string", "minLength": 1},
    "User ID in any case (Crockford's I, L and O are read as 1, 1 and 0) or the exact username.",
    example="U3M8Q2XZA",
)
CREATE_EXAMPLE = {"username": "ann", "password": "correct-horse-battery", "role": "writer"}


def _user(description: str, example: dict | None = None) -> dict[str, Any]:
    return reply(description, ref("User"), example or USER_EXAMPLE)


def paths() -> dict[str, Any]:
    admin = {**USER_EXAMPLE, "id": "U0A2B4C6D", "username": "admin", "role": "admin"}
    admin["created_by"] = "system"
    return {
        "/users": {
            "get": operation(
                "Every user, oldest first, in one page (`next_cursor` is always null).",
                {
                    "200": reply(
                        "All users.",
                        ref("UserList"),
                        {"items": [admin, USER_EXAMPLE], "total": 2, "next_cursor": None},
                    )
                },
            ),
            "post": operation(
                "A new user, enabled unless `enabled` is false. A username already taken "
                "is a 409; a password shorter than `security.min_password_length` (default "
                "10) is a 400. The user then signs in with `POST /auth/login`, or an admin "
                "makes them a key with `POST /keys` and `user`.",
                {"201": _user("The user created.")},
                request=body(ref("UserCreate"), CREATE_EXAMPLE),
            ),
        },
        "/users/{id}": {
            "parameters": [USER_ID],
            "get": operation(
                "One user.",
                {"200": _user("The user.")},
            ),
            "patch": operation(
                "Change the password, role or enabled state; only the fields sent change. "
                "Demoting or disabling the last enabled admin is a 409. Disabling revokes "
                "all the user's keys and sessions; a new password ends all their sessions "
                "(keys stay valid), the caller's own included when admins change their own.",
                {"200": _user("The user as changed.", {**USER_EXAMPLE, "enabled": False})},
                request=body(ref("UserPatch"), {"enabled": False}),
            ),
            "delete": operation(
                "Delete the user and revoke all their API keys and sessions at once. "
                "Deleting the last enabled admin is a 409. What the user created (jobs, "
                "pipelines, schedules, runs) stays, and so do the audit records.",
                {"204": reply("Deleted.")},
            ),
        },
    }
