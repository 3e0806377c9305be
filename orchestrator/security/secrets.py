"""Passwords and tokens: scrypt for passwords, SHA-256 of a 256-bit random secret for tokens.

Nothing here is ever stored in clear: the store keeps only what these functions derive.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
API_KEY_PREFIX = "ork_"
SESSION_PREFIX = "ors_"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, _unb64(digest))


def new_token(prefix: str) -> str:
    """A fresh secret token with a readable prefix (`ork_` keys, `ors_` sessions)."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def dummy_hash() -> str:
    """Checked against when a username does not exist, so that the answer takes as long as for
    a real user and does not reveal which usernames exist. Made on first use, not at start."""
    return hash_password(secrets.token_urlsafe(16))
