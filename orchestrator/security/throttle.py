"""Throttling of failed sign-ins, per username and client, with a ceiling per username.

Counting failures per client address alone locked out every user behind one proxy, and per
username alone let anyone lock out the right password. So:

- Each (username, client) pair has `free_failures` failures for free; every further failure
  makes that pair wait, first FIRST_DELAY seconds, then twice as long each time, up to
  `max_delay`. Attempts refused while waiting do not count.
- Failures for one username from all clients together have a higher ceiling,
  `user_max_failures`: beyond it the username is closed to every client that has failed a
  sign-in lately, but a client with no recent failure still signs in with the right password.
- Counts are forgotten `window` seconds after their last failure.

Time is a parameter; `failed` returns the locks a failure starts so that the caller can audit
them.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

MAX_KEYS = 100_000
FIRST_DELAY = 2.0


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0
    locked_until: float = 0.0


@dataclass(frozen=True)
class Lock:
    """A lock a failure started: whom it holds back (`pair` or `user`) and for how long."""

    scope: str
    seconds: int
    failures: int


class LoginThrottle:
    def __init__(
        self, free_failures: int, window: float, max_delay: float, user_max_failures: int
    ) -> None:
        self.free_failures = free_failures
        self.window = window
        self.max_delay = max_delay
        self.user_max_failures = user_max_failures
        self.pairs: dict[tuple[str, str], _Count] = {}
        self.users: dict[str, _Count] = {}
        self.clients: dict[str, _Count] = {}

    def retry_after(self, username: str, client: str, now: float | None = None) -> int:
        """Seconds this client must wait before trying `username` again (0: go ahead)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        pair = self._get(self.pairs, (username, client), now)
        if pair is not None:
            wait = pair.locked_until - now
        user = self._get(self.users, username, now)
        if user is not None and self._get(self.clients, client, now) is not None:
            wait = max(wait, user.locked_until - now)
        return max(0, math.ceil(wait))

    def failed(self, username: str, client: str, now: float | None = None) -> list[Lock]:
        """Count a failure; the locks it starts."""
        now = time.monotonic() if now is None else now
        if len(self.pairs) + len(self.users) + len(self.clients) > MAX_KEYS:
            # A flood of distinct names must not exhaust memory.
            self.pairs.clear()
            self.users.clear()
            self.clients.clear()
        locks = []
        pair = self._count(self.pairs, (username, client), now)
        beyond = pair.failures - self.free_failures
        if beyond >= 0:
            delay = min(FIRST_DELAY * 2**beyond, self.max_delay)
            pair.locked_until = now + delay
            locks.append(Lock("pair", math.ceil(delay), pair.failures))
        user = self._count(self.users, username, now)
        if user.failures >= self.user_max_failures:
            user.locked_until = now + self.window
            if user.failures == self.user_max_failures:
                locks.append(Lock("user", math.ceil(self.window), user.failures))
        self._count(self.clients, client, now)
        return locks

    def succeeded(self, username: str, client: str) -> None:
        """A right password: this pair starts again from nothing. The username's count stays:
        other clients may still be guessing."""
        self.pairs.pop((username, client), None)

    def _count(self, table: dict, key: object, now: float) -> _Count:
        count = self._get(table, key, now) or table.setdefault(key, _Count())
        count.failures += 1
        count.last = now
        return count

    def _get(self, table: dict, key: object, now: float) -> _Count | None:
        count = table.get(key)
        if count is not None and now - count.last >= self.window and now >= count.locked_until:
            del table[key]
            return None
        return count
