"""A short-lived cache of who a token belongs to, so most requests skip an actor round trip.

Entries live a few seconds at most (never past the token's expiry), and every change to users,
keys or sessions made through the API empties the cache, so a revoked key stops working at once.
"""

from __future__ import annotations

import time
from typing import Any

from orchestrator.models.fields import parse_time

TTL = 5.0
MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self.entries: dict[str, tuple[dict[str, Any], float]] = {}

    def get(self, token: str) -> dict[str, Any] | None:
        entry = self.entries.get(token)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            del self.entries[token]
            return None
        return entry[0]

    def put(self, token: str, principal: dict[str, Any]) -> None:
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        until = time.monotonic() + self.ttl
        expires = parse_time(principal["expires_at"]) if principal.get("expires_at") else None
        if expires is not None:
            until = min(until, time.monotonic() + max(0.0, expires.timestamp() - time.time()))
        self.entries[token] = (principal, until)

    def clear(self) -> None:
        self.entries.clear()
