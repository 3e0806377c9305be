"""Paths of authentication: sign in for a session token, sign out, and who am I; the tag says
how tokens work, what 401 and 403 mean, and how failed sign-ins are throttled."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import Examples, body, operation, ref, reply
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE
from orchestrator.gateway.openapi.user_schemas import USER_EXAMPLE

TAG = {
    "name": "auth",
    "description": """**Two kinds of token**, both secrets: an **API key** (`ork_...`, from
`POST /keys`), valid until revoked or until its `expires_at`; and a **session token**
(`ors_...`, from `POST /auth/login`), valid for `security.session_ttl` seconds (default 86400)
or until `POST /auth/logout`. Send either as `Authorization: Bearer <token>`, or in the
`X-API-Key` header (`Authorization: Bearer` wins when both are sent). The server keeps
only the SHA-256 hash of each token: a lost token cannot be shown again, only replaced.

**401 or 403.** 401 `unauthorized`: no token, or a token that is wrong, revoked or expired,
or whose user is disabled or deleted. 403 `forbidden`: the token is good but the user's role
is below the one the operation needs.

**Throttled sign-in.** After `security.login_max_failures` failed sign-ins (default 5) of one
username from one client, that client must wait before trying that username again, even with
the right password: 429 `too_many_requests` with `Retry-After` (and `details.retry_after`)
seconds, 2 s at first and twice as long after each further failure, up to
`security.login_max_delay`. Other clients are not held back. Past
`security.login_user_max_failures` failures of one username from all clients, every client
that has failed lately waits too, but a client without failures still signs in. Failures are
forgotten after `security.login_window` seconds without one; each lock is audited as
`auth.locked`. Behind a reverse proxy listed in `server.trusted_proxies` the client is taken
from `X-Forwarded-For`. A wrong password, an unknown username and a disabled account all get
the same 401, so that answers do not tell which usernames exist.

**Ending access.** `POST /auth/logout` ends the session it is sent with (an API key is
refused with a 400: `DELETE /keys/{id}` revokes keys). A new password ends
all the user's sessions (their API keys stay valid). Disabling or deleting a user revokes all
their API keys and sessions at once. A role change applies from the user's next request.

**The first admin.** On first start with no user at all, the server creates user `admin`
(role admin) with a password and an API key. `ORCH_ADMIN_PASSWORD` and `ORCH_ADMIN_API_KEY`
(or `orchestrator-server init`) may set them; those it generates are printed once on the
console and written to `<data_dir>/initial-admin.txt` (readable by its owner only).""",
}
ME = {
    "user_id": "U3M8Q2XZA",
    "username": "ann",
    "role": "writer",
    "via": "key",
    "token_id": "K4N6P8R0T",
    "expires_at": None,
}
THROTTLED = {
    "error": {
        "code": "too_many_requests",
        "message": "Too many failed sign-ins; try again in 282 s.",
        "details": {"retry_after": 282},
    }
}


def _throttled() -> dict[str, Any]:
    """The 429 of sign-in, with the header that says when to try again."""
    answer = reply("Too many failed sign-ins: wait `Retry-After` seconds.", ref("Error"), THROTTLED)
    answer["headers"] = {
        "Retry-After": {
            "description": "Seconds until a sign-in may be tried again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
    return answer


def paths() -> dict[str, Any]:
    session = {
        "token": "ors_5kq1N2xW8aVb3LcJ0dPq7RtYu9HsE4fGzKm6nAo2iBw",
        "expires_at": TIME_EXAMPLE,
        "user": USER_EXAMPLE,
    }
    return {
        "/auth/login": {
            "post": operation(
                "Trade a username and password for a session token (`ors_...`) valid for "
                "`security.session_ttl` seconds. A wrong username or password, or a disabled "
                "account, is a 401 with the same message; too many failures are a 429 (see "
                "the `auth` tag).",
                {"200": reply("Signed in.", ref("LoginResponse"), session), "429": _throttled()},
                request=body(ref("LoginRequest"), {"username": "ann", "password": "correct-horse"}),
            )
        },
        "/auth/logout": {
            "post": operation(
                "End the session whose token came with this request; the token stops working "
                "at once. Sent with an API key it is a 400 `validation_error` (field "
                "`token`): a key is no session, revoke it with `DELETE /keys/{id}`. No body.",
                {"204": reply("Signed out.")},
            )
        },
        "/me": {
            "get": operation(
                "The user behind the token of this request, its role and the token used.",
                {
                    "200": reply(
                        "The caller.",
                        ref("Principal"),
                        Examples.of(
                            key=("With an API key", ME),
                            session=(
                                "With a session token",
                                {
                                    **ME,
                                    "via": "session",
                                    "token_id": "K8Q0S2V4W",
                                    "expires_at": TIME_EXAMPLE,
                                },
                            ),
                        ),
                    )
                },
            )
        },
    }
