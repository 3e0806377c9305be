"""Definitions and runs counted by state, run durations of the last 24 hours, store commits.

Pure over the Store (the Storage actor calls it on its thread). The store may hold 100,000 runs
or more, so runs are never walked here: the run history keeps the counts of the last 24 hours
up to date as runs are saved (`metrics.window`), and this only reads them. Jobs and pipelines
are counted by the state of their latest run, one look-up per definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from orchestrator.metrics.window import QUANTILES, WINDOW, percentile
from orchestrator.models.fields import iso, parse_time
from orchestrator.store.store import Store

__all__ = ["WINDOW", "counts", "percentile", "recent", "summary"]


def counts(store: Store, now: datetime) -> dict[str, Any]:
    """Jobs, pipelines, schedules and runs as of `now` (an aware datetime; naive means UTC)."""
    return {
        "jobs": _owners(store, store.jobs),
        "pipelines": _owners(store, store.pipelines),
        "schedules": _schedules(store),
        "runs": _runs(store, now),
        "store": {"commits": store.tables.commits, "rows_written": store.tables.rows_written},
    }


def _owners(store: Store, definitions: Mapping[str, dict]) -> dict[str, Any]:
    """Jobs or pipelines by their state, as their own views show it (`RunHistory.state_of`)."""
    by_state: Counter[str] = Counter(store.runs.state_of(owner_id) for owner_id in definitions)
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
    return {"total": len(history), "active": history.active_total, **history.window.counts(now)}


def recent(records: Mapping[str, dict], since: datetime) -> Iterator[dict]:
    """Runs created at or after `since`, newest first, from records kept in creation order.

    A full walk, for checks and tools; `/metrics` reads the kept counts instead. A record whose
    creation time cannot be read is left out without ending the walk."""
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
