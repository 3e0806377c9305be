"""Identifiers: a one-letter prefix plus Crockford base32, case-insensitive on input.

Jobs `J`, pipelines `P`, schedules `S`, users `U`, keys `K`, webhooks `W` carry 8 characters,
runs `R` 12. A context ID is `CJ`/`CP` plus its owner's suffix, so it is derived, never drawn.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
LENGTHS = {"J": 8, "P": 8, "S": 8, "U": 8, "K": 8, "W": 8, "R": 12, "A": 12}
_BODY = re.compile(r"^[0-9A-HJKMNP-TV-Z]+$")
# Each random byte to the character of its low five bits: one C call draws an ID's body.
_BYTE_TO_CHAR = bytes(ord(ALPHABET[byte & 31]) for byte in range(256))


def new_id(prefix: str) -> str:
    """Draw a fresh random ID with the given prefix (uniqueness is checked by the store)."""
    raw = secrets.token_bytes(LENGTHS[prefix])
    return prefix + raw.translate(_BYTE_TO_CHAR).decode("ascii")


def as_id(text: str, prefix: str) -> str | None:
    """The canonical ID if `text` (any case, Crockford's I/L/O folded) is shaped like one of
    `prefix` ("J", "R", "CJ", ...), else None: the caller then treats it as a name."""
    upper = text.strip().upper()
    if not upper.startswith(prefix):
        return None
    body = upper[len(prefix) :].translate(_CONFUSABLE)
    length = LENGTHS[prefix[-1]]
    if len(body) != length or not _BODY.match(body):
        return None
    return prefix + body


def looks_like_id(text: str) -> str | None:
    """The ID that `text` would be read as (of any kind, contexts included), or None.

    Names are refused in that shape: wherever an ID or a name is accepted, the ID is tried
    first, so such a name would reach another object."""
    for prefix in (*LENGTHS, "CJ", "CP"):
        found = as_id(text, prefix)
        if found:
            return found
    return None


def context_id(owner_id: str) -> str:
    """The context ID of a job (`J…` → `CJ…`) or a pipeline (`P…` → `CP…`)."""
    return "C" + owner_id


def owner_of_context(ctx_id: str) -> str:
    """The owner ID of a context ID (`CJ…` → `J…`)."""
    return ctx_id[1:]
