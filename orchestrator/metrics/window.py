"""Runs of the last 24 hours counted by state, kept up to date as runs are saved.

`GET /metrics` used to walk every run created in the last day on the Storage thread (60 ms at
30,000 runs, delaying every other request meanwhile). Here the counts follow each save instead:
a run created inside the window adds its state (and, once finished, its duration) when saved,
moves them when its state changes, and takes them out when it is purged or when it leaves the
window. Runs are listed by creation time (new runs go at the end), so the runs that leave are
found with one bisection; when most of the window leaves at once (the first read after a quiet
day), the counts are rebuilt from the runs that stay. Reading the counts costs O(states); the
duration quantiles are read from a sorted list.

The window is moved by the `now` of each read; a read with an earlier `now` than a previous one
does not bring back runs that already left.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.models.fields import parse_time
from orchestrator.models.run import TERMINAL

WINDOW = timedelta(hours=24)
QUANTILES = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))

BATCH = 32  # more durations than this leaving at once are removed in one pass
Share = tuple[str, float | None]  # what one run adds: its state, and its duration if it counts


class RunWindow:
    def __init__(self, span: timedelta = WINDOW) -> None:
        self.span = span
        self.by_state: Counter[str] = Counter()
        self.finished = 0
        self.durations: list[float] = []  # sorted
        self.members: dict[str, Share] = {}  # run ID -> what it adds now
        self._order: list[tuple[float, str]] = []  # (creation timestamp, run ID), sorted
        self._start = 0  # entries before this index have left the window
        self.horizon = -math.inf  # runs created before this timestamp are out of the window
        self.loading = False  # while True, durations are appended and sorted once at the end

    @property
    def listed(self) -> int:
        """Entries the creation order holds: the runs counted, and purged runs not yet dropped."""
        return len(self._order) - self._start

    def loaded(self) -> None:
        """End of a bulk load (the history read at start): sort the durations once."""
        self.loading = False
        self.durations.sort()

    def save(self, run: dict) -> None:
        """A run was recorded or changed: count it (again) if it is inside the window."""
        run_id = run["id"]
        share = self.members.get(run_id)
        if share is not None:
            self._take(share)
        else:
            created = _timestamp(run.get("created_at"))
            if created is None or created < self.horizon:
                return
            entry, order = (created, run_id), self._order
            if not order or entry >= order[-1]:
                order.append(entry)
            else:
                insort(order, entry, lo=self._start)
        share = _share(run)
        self.members[run_id] = share
        self._add(share)

    def remove(self, run_ids: list[str]) -> None:
        """Runs were purged: they count no more, and their entries in the creation order go
        too once most of the order is purged runs (see `_compact`)."""
        before = len(self.members)
        self._forget(run_ids)
        if before - len(self.members) > len(self.members):  # a dict never shrinks: copy it
            self.members = dict(self.members)
        self._compact()

    def _forget(self, run_ids: list[str]) -> None:
        shares = [self.members.pop(run_id) for run_id in run_ids if run_id in self.members]
        self._take_all(shares)

    def _compact(self) -> None:
        """Drop the order's entries of purged runs once they are a quarter of the runs counted.

        Left alone, they would stay until they leave the window, 24 hours later: a server whose
        retention keeps less than a day would hold one entry (a tuple, a float and the run ID,
        about 160 bytes) for every run of the day, however few runs it keeps. Each pass drops at
        least a quarter as many entries as it keeps, so it costs O(1) per purged run.
        """
        stale = self.listed - len(self.members)
        if stale <= len(self.members) // 4 + BATCH:
            return
        members = self.members
        self._order = [entry for entry in self._order[self._start :] if entry[1] in members]
        self._start = 0

    def expire(self, now: datetime) -> None:
        """Move the window's start to `now` - 24 h: older runs leave the counts."""
        horizon = _aware(now - self.span).timestamp()
        if horizon <= self.horizon:
            return
        self.horizon = horizon
        order, start = self._order, self._start
        cut = bisect_left(order, (horizon,), lo=start)
        if cut == start:
            return
        if cut - start > len(self.members) // 2:
            self._rebuild(order[cut:])
        else:
            self._forget([run_id for _, run_id in order[start:cut]])
        self._start = cut
        if cut > len(order) // 2:  # drop the entries that left, now and then, in one go
            del order[:cut]
            self._start = 0

    def _rebuild(self, staying: list[tuple[float, str]]) -> None:
        """Count again from the runs that stay: cheaper than taking out most of the window."""
        members = {run_id: self.members[run_id] for _, run_id in staying if run_id in self.members}
        self.members, self.by_state, self.finished, self.durations = members, Counter(), 0, []
        self.loading = True
        for share in members.values():
            self._add(share)
        self.loaded()

    def counts(self, now: datetime) -> dict[str, Any]:
        """`by_state_24h`, `finished_24h` and `duration_24h` as of `now`."""
        self.expire(now)
        ordered = self.durations
        duration: dict[str, float | None] = {name: percentile(ordered, q) for name, q in QUANTILES}
        duration["max"] = ordered[-1] if ordered else None
        return {
            "by_state_24h": dict(self.by_state),
            "finished_24h": self.finished,
            "duration_24h": duration,
        }

    def _add(self, share: Share) -> None:
        state, duration = share
        self.by_state[state] += 1
        if state in TERMINAL:
            self.finished += 1
        if duration is not None:
            if self.loading:
                self.durations.append(duration)
            else:
                insort(self.durations, duration)

    def _take(self, share: Share) -> None:
        self._take_all([share])

    def _take_all(self, shares: list[Share]) -> None:
        gone: list[float] = []
        for state, duration in shares:
            self.by_state[state] -= 1
            if self.by_state[state] <= 0:
                del self.by_state[state]
            if state in TERMINAL:
                self.finished -= 1
            if duration is not None:
                gone.append(duration)
        if len(gone) <= BATCH:
            for duration in gone:
                del self.durations[bisect_left(self.durations, duration)]
            return
        # Many at once (a day's first read after a quiet spell, a purge): one pass over the
        # list instead of one deletion, each moving the whole list, per run.
        left = Counter(gone)
        kept = []
        for duration in self.durations:
            if left[duration] > 0:
                left[duration] -= 1
            else:
                kept.append(duration)
        self.durations = kept


def _share(run: dict) -> Share:
    state = str(run["state"])
    # A run cancelled before it started has a duration of 0 that says nothing about how long
    # runs take, so only finished runs that started count.
    if state in TERMINAL and run.get("started_at") and run.get("duration") is not None:
        return state, float(run["duration"])
    return state, None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _timestamp(text: str | None) -> float | None:
    parsed = parse_time(text) if text else None
    return _aware(parsed).timestamp() if parsed is not None else None


def percentile(ordered: list[float], q: float) -> float | None:
    """The `q` quantile (0..1) of sorted values, interpolated between the closest ranks."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 6)
