"""Throttling of failed sign-ins, per username and per client address.

After `max_failures` failures within `window` seconds for the same key, further attempts are
refused until the oldest of those failures leaves the window. Time is a parameter.
"""

from __future__ import annotations

import math
import time
from collections import deque

MAX_KEYS = 100_000


class LoginThrottle:
    def __init__(self, max_failures: int, window: float) -> None:
        self.max_failures = max_failures
        self.window = window
        self.failures: dict[str, deque[float]] = {}

    def retry_after(self, keys: list[str], now: float | None = None) -> int:
        """Seconds to wait before trying again (0 when an attempt may go ahead)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        for key in keys:
            recent = self._recent(key, now)
            if len(recent) >= self.max_failures:
                wait = max(wait, recent[0] + self.window - now)
        return math.ceil(wait)

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self.failures) > MAX_KEYS:
            self.failures.clear()  # a flood of distinct keys must not exhaust memory
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, keys: list[str]) -> None:
        for key in keys:
            self.failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self.failures.setdefault(key, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return recent
