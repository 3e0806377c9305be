"""The most recent log records kept in memory, for `GET /logs` and the live log stream.

Reading log files back would mean parsing our own text format; a bounded ring of ready-made
dicts costs a few megabytes and answers filters at memory speed. Subscribers get each record as
it is logged, which is what the Server-Sent Events stream and the web UI's live view need.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from orchestrator.errors import ValidationError

# The levels users choose from; third-party "critical" records still sort above "error".
LEVELS: dict[str, int] = {"debug": 10, "info": 20, "warning": 30, "error": 40}

Record = dict[str, Any]
Subscriber = Callable[[Record], None]


def level_number(level: str) -> int:
    """Map "warning" to 30; ValidationError naming the field `level` for anything else."""
    number = LEVELS.get(level.strip().lower()) if isinstance(level, str) else None
    if number is None:
        raise ValidationError({"level": "must be one of " + ", ".join(LEVELS)})
    return number


class LogBuffer:
    """A thread-safe ring buffer of the last `size` records, with live subscribers.

    Records are treated as read-only once added: subscribers share one dict per record.
    """

    def __init__(self, size: int = 5000) -> None:
        # Entries are (level number, epoch seconds, rendered fields, record): filters compare
        # numbers and search text without parsing what the API shows.
        self._entries: deque[tuple[int, float, str, Record]] = deque(maxlen=max(size, 1))
        self._lock = threading.Lock()
        self._seq = 0
        # Replaced, never mutated, so publishing reads it without taking the lock.
        self._subscribers: tuple[Subscriber, ...] = ()

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def add(self, record: Record, levelno: int, created: float, fields_text: str = "") -> Record:
        """Number the record, keep it, hand it to every subscriber, and return it."""
        with self._lock:
            self._seq += 1
            record["seq"] = self._seq
            self._entries.append((levelno, created, fields_text, record))
            subscribers = self._subscribers
        for callback in subscribers:
            # A broken listener must never break the code that logged; logging the failure
            # here would recurse into this very buffer.
            with contextlib.suppress(Exception):
                callback(record)
        return record

    def query(
        self,
        level: str | None = None,
        since: datetime | None = None,
        q: str | None = None,
        limit: int = 100,
    ) -> list[Record]:
        """The last `limit` records matching every given filter, oldest first.

        `level` keeps that level and above; `since` keeps records at or after that time (naive
        times are taken as UTC); `q` is a case-insensitive substring of the message, the logger
        name or the rendered fields.
        """
        if limit <= 0:
            return []
        minimum = level_number(level) if level else 0
        start = _epoch(since) if since is not None else None
        needle = q.lower() if q else None
        with self._lock:
            entries = list(self._entries)
        found: list[Record] = []
        for levelno, created, fields_text, record in reversed(entries):
            if levelno < minimum or (start is not None and created < start):
                continue
            if needle is not None and not _contains(needle, record, fields_text):
                continue
            found.append(dict(record))
            if len(found) >= limit:
                break
        found.reverse()
        return found

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(record)` for each new record, from the logging thread; it must not
        block or log. Returns a function that unsubscribes (calling it twice is harmless)."""
        with self._lock:
            self._subscribers = (*self._subscribers, callback)

        def unsubscribe() -> None:
            with self._lock:
                remaining = list(self._subscribers)
                if callback in remaining:
                    remaining.remove(callback)
                self._subscribers = tuple(remaining)

        return unsubscribe


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _contains(needle: str, record: Record, fields_text: str) -> bool:
    return (
        needle in record["message"].lower()
        or needle in record["logger"].lower()
        or needle in fields_text.lower()
    )
