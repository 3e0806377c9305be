"""Definitions and runs counted by state, and run durations of the last 24 hours.

Pure over the Store (the Storage actor calls it on its thread). The store may hold 100,000 runs
or more, so only the last 24 hours are walked: run records are kept in creation order, newest
last, and the walk stops at the first run older than the window.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.models.fields import iso, parse_time
from orchestrator.models.run import TERMINAL
from orchestrator.store.store import Store

WINDOW = timedelta(hours=24)
QUANTILES = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))


def counts(store: Store, now: datetime) -> dict[str, Any]:
    """Jobs, pipelines, schedules and runs as of `now` (an aware datetime; naive means UTC)."""
    return {
        "jobs": _owners(store, store.jobs),
        "pipelines": _owners(store, store.pipelines),
        "schedules": _schedules(store),
        "runs": _runs(store, now),
    }


def _owners(store: Store, definitions: Mapping[str, dict]) -> dict[str, Any]:
    """Jobs or pipelines by the state of their latest run (`never_run` without one)."""
    by_state: Counter[str] = Counter()
    for owner_id in definitions:
        last = store.runs.last_of(owner_id)
        by_state[str(last["state"]) if last else "never_run"] += 1
    return {"total": len(definitions), "by_state": dict(by_state)}


def _schedules(store: Store) -> dict[str, int]:
    enabled = sum(1 for schedule in store.schedules.values() if schedule["enabled"])
    return {
        "total": len(store.schedules),
        "enabled": enabled,
        "paused": len(store.schedules) - enabled,
    }


def _runs(store: Store, now: datetime) -> dict[str, Any]:
    history = store.runs
    by_state: Counter[str] = Counter()
    finished = 0
    durations: list[float] = []
    for run in recent(history.records, now - WINDOW):
        by_state[str(run["state"])] += 1
        if run["state"] in TERMINAL:
            finished += 1
            # A run cancelled before it started has a duration of 0 that says nothing about
            # how long runs take, so only runs that started count.
            if run.get("started_at") and run.get("duration") is not None:
                durations.append(float(run["duration"]))
    return {
        "total": len(history),
        "active": sum(history.active.values()),
        "by_state_24h": dict(by_state),
        "finished_24h": finished,
        "duration_24h": summary(durations),
    }


def recent(records: Mapping[str, dict], since: datetime) -> Iterator[dict]:
    """Runs created at or after `since`, newest first, from records kept in creation order.

    A record whose creation time cannot be read is left out without ending the walk."""
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    mark = iso(since.astimezone(UTC))
    for run in reversed(records.values()):
        created = run.get("created_at") or ""
        # The store writes UTC times in one format, so a string comparison is exact and saves
        # parsing tens of thousands of times; anything else is parsed.
        if len(created) == len(mark) and created.endswith("+00:00"):
            old = created < mark
        else:
            parsed = parse_time(created)
            if parsed is None:
                continue
            old = parsed < since
        if old:
            return
        yield run


def summary(values: list[float]) -> dict[str, float | None]:
    """p50, p90, p99 (linear interpolation) and max of `values`; all None when empty."""
    ordered = sorted(values)
    result: dict[str, float | None] = {name: percentile(ordered, q) for name, q in QUANTILES}
    result["max"] = ordered[-1] if ordered else None
    return result


def percentile(ordered: list[float], q: float) -> float | None:
    """The `q` quantile (0..1) of sorted values, interpolated between the closest ranks."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 6)
