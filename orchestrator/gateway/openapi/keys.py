"""Paths and schemas of API keys: every user creates, lists and revokes their own, admins those
of everyone; the secret is shown once, since only its hash is kept."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import (
    B32,
    Schema,
    body,
    list_of,
    nullable,
    obj,
    operation,
    param,
    ref,
    reply,
)
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, maybe_time, timestamp
from orchestrator.gateway.openapi.user_schemas import USER_ID

TAG = {
    "name": "keys",
    "description": """API keys (`ork_...`) let programs call the API without a password. Key
IDs are `K` plus 8 Crockford base32 characters. Every user, readers included, creates, lists
and revokes **their own** keys; an admin sees and revokes everyone's and may create keys for
another user. A key acts with its user's role at the time of each request.

**The secret is shown once**, in the answer to `POST /keys`: the server keeps only its
SHA-256 hash, so a lost secret cannot be shown again (revoke the key and make another).
Expired keys stay listed (and refused with 401) until revoked. Disabling or deleting a user
revokes their keys.""",
}
KEY_EXAMPLE = {
    "id": "K4N6P8R0T",
    "name": "ci",
    "user_id": "U3M8Q2XZA",
    "username": "ann",
    "created_at": TIME_EXAMPLE,
    "expires_at": "2027-11-27T00:00:00.000+00:00",
    "last_used_at": None,
}
SECRET = "ork_hwXqwSbcAIXTAK490VbMuteEeeNTBEgwRJ8z0pdWjss"


def _key_fields() -> dict[str, Schema]:
    return {
        "id": {"type": "string", "pattern": f"^K{B32}{{8}}$", "examples": ["K4N6P8R0T"]},
        "name": {"type": "string", "description": "A label for people; may be empty."},
        "user_id": {**USER_ID, "description": "The user the key acts as."},
        "username": {"type": "string", "description": "That user's username."},
        "created_at": timestamp("When the key was created."),
        "expires_at": maybe_time("When the key stops working; null: never."),
        "last_used_at": maybe_time(
            "When the key last authenticated a request, to about a minute (it is written "
            "again only when more than 60 seconds old); null: never used."
        ),
    }


def schemas() -> dict[str, Schema]:
    fields = _key_fields()
    secret = {
        "type": "string",
        "pattern": "^ork_",
        "description": "The key itself, to send as `Authorization: Bearer <secret>` or "
        "`X-API-Key: <secret>`. **Shown only in this answer.**",
    }
    return {
        "ApiKey": obj(fields, list(fields), closed=False, description="A key, without secret."),
        "ApiKeyCreated": obj(
            {**fields, "secret": secret},
            [*fields, "secret"],
            closed=False,
            description="A new key, with its secret (the only time it is shown).",
        ),
        "KeyCreate": obj(
            {
                "name": {"type": "string", "maxLength": 100, "default": ""},
                "user": nullable(
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 64,
                        "description": "ID or username of the user the key acts as; default "
                        "(or null): yourself. Only an admin may name another user (403 "
                        "otherwise); an unknown user is a 404.",
                    }
                ),
                "expires_at": maybe_time(
                    "When the key stops working; default (or null): never. A time in the past "
                    "makes a key that is refused at once."
                ),
            },
            description="All fields are optional; the body may be left out.",
        ),
        "KeyList": list_of("ApiKey", "Keys, oldest first, in one page."),
    }


def paths() -> dict[str, Any]:
    return {
        "/keys": {
            "get": operation(
                "Your own keys; for an admin, every user's keys, or one user's with `user`. "
                "All in one page, oldest first (`next_cursor` is always null). Secrets are "
                "never listed.",
                {
                    "200": reply(
                        "The keys.",
                        ref("KeyList"),
                        {"items": [KEY_EXAMPLE], "total": 1, "next_cursor": None},
                    )
                },
                parameters=[
                    param(
                        "user",
                        "query",
                        {"type": "string", "minLength": 1},
                        "Admins: only this user's keys (ID or username; an unknown user is a "
                        "404). Ignored for other users, who only ever see their own.",
                    )
                ],
            ),
            "post": operation(
                "A new key for yourself, or (admins) for the user named in `user`. The answer "
                "holds the `secret`, shown this once: store it now.",
                {
                    "201": reply(
                        "The key, with its secret.",
                        ref("ApiKeyCreated"),
                        {**KEY_EXAMPLE, "secret": SECRET},
                    )
                },
                request=body(
                    ref("KeyCreate"),
                    {"name": "ci", "expires_at": KEY_EXAMPLE["expires_at"]},
                    required=False,
                ),
            ),
        },
        "/keys/{id}": {
            "parameters": [
                param(
                    "id",
                    "path",
                    {"type": "string", "minLength": 1},
                    "Key ID in any case.",
                    example="K4N6P8R0T",
                )
            ],
            "delete": operation(
                "Delete the key: it stops working at once, even when it is the key this "
                "request came with. Your own key, or any key for an admin; another user's key is a "
                "404 for non-admins, as if it did not exist.",
                {"204": reply("Revoked.")},
            ),
        },
    }
