"""Small checks shared by every model: each returns the clean value or records a problem.

A `Checker` collects one problem per field so that a single 400 names them all, which is what a
person fixing a form or a YAML file wants.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from orchestrator import ids
from orchestrator.errors import ValidationError

_MISSING = object()
# Caps on the durations the API takes, in seconds. Each stays well below what timers can wait
# for (asyncio and epoll refuse waits over ~24.8 days; timedelta overflows long before 1e308).
MAX_JOB_TIMEOUT = 7 * 86400.0
MAX_RETRY_DELAY = 86400.0
MAX_LATENESS = 366 * 86400.0


class Checker:
    """Collects field problems; `done()` raises one ValidationError naming all of them."""

    def __init__(self, body: Any, allowed: set[str]) -> None:
        self.problems: dict[str, str] = {}
        if not isinstance(body, dict):
            raise ValidationError({"body": "must be a JSON object"})
        self.body = body
        for name in sorted(set(body) - allowed):
            self.problems[name] = "unknown field"

    def fail(self, name: str, problem: str) -> None:
        self.problems.setdefault(name, problem)

    def has(self, name: str) -> bool:
        return name in self.body

    def require(self, *names: str) -> None:
        """Record each field of `names` that the body leaves out."""
        for name in names:
            if not self.has(name):
                self.fail(name, "is required")

    def name(self, field: str = "name") -> str | None:
        """A person-facing name: 1-100 characters, no white space around it."""
        value = self.string(field, min_len=1, max_len=100)
        if value is not None and value != value.strip():
            self.fail(field, "must not start or end with white space")
            return None
        return self.not_an_id(field, value)

    def not_an_id(self, field: str, value: str | None) -> str | None:
        """Refuse a name that has the shape of an ID: it would be read as that ID."""
        shaped = ids.looks_like_id(value) if value is not None else None
        if shaped:
            self.fail(field, f"has the shape of an ID ({shaped}); choose another name")
            return None
        return value

    def done(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def string(self, name: str, *, min_len: int = 0, max_len: int = 100_000) -> str | None:
        value = self.body.get(name)
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        if not min_len <= len(value) <= max_len:
            self.fail(name, f"must be {min_len} to {max_len} characters long")
            return None
        return value

    def number(
        self, name: str, *, minimum: float = 0, exclusive: bool = False, maximum: float = math.inf
    ) -> float | None:
        value = self.body.get(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(name, "must be a number")
            return None
        if value < minimum or (exclusive and value == minimum):
            self.fail(name, f"must be {'greater than' if exclusive else 'at least'} {minimum:g}")
            return None
        if value > maximum:
            self.fail(name, f"must be at most {maximum:g}")
            return None
        return float(value)

    def integer(self, name: str, *, minimum: int = 0, maximum: int = 1_000_000) -> int | None:
        value = self.body.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, "must be an integer")
            return None
        if not minimum <= value <= maximum:
            self.fail(name, f"must be between {minimum} and {maximum}")
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...] | type) -> str | None:
        """One of `choices` (strings, or a str Enum's values); any other JSON value fails."""
        allowed = tuple(str(c) for c in choices)
        value = self.body.get(name)
        if not isinstance(value, str) or value not in allowed:
            self.fail(name, f"must be one of {', '.join(allowed)}")
            return None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.body.get(name)
        if not isinstance(value, bool):
            self.fail(name, "must be true or false")
            return None
        return value

    def string_map(self, name: str) -> dict[str, str] | None:
        value = self.body.get(name)
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
        ):
            self.fail(name, "must be an object of non-empty string keys and string values")
            return None
        return dict(value)

    def string_list(self, name: str, *, max_len: int = 100) -> list[str] | None:
        value = self.body.get(name)
        if not isinstance(value, list) or not all(
            isinstance(v, str) and 0 < len(v) <= max_len for v in value
        ):
            self.fail(name, f"must be a list of strings of 1 to {max_len} characters")
            return None
        return list(dict.fromkeys(value))

    def time(self, name: str) -> datetime | None:
        value = self.body.get(name)
        parsed = parse_time(value) if isinstance(value, str) else None
        if parsed is None:
            self.fail(name, "must be an ISO 8601 date and time, e.g. 2026-11-27T10:00:00+00:00")
        return parsed


def parse_time(text: str) -> datetime | None:
    """Parse ISO 8601; a time without offset is taken as UTC. None when unreadable."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        value.astimezone(UTC)  # 9999-12-31T23:00-23:59 is past the last day Python knows
    except (ValueError, OverflowError):
        return None
    return value


def now() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """The API's time format: ISO 8601 with offset, milliseconds."""
    return value.isoformat(timespec="milliseconds") if value else None
