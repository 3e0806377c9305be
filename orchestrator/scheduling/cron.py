"""When a cron expression fires, in a time zone, across daylight-saving changes.

croniter walks wall-clock (naive) times; this module turns each into real instants with these
rules, which follow classic cron:
- a wall-clock time that does not exist (the hour skipped in spring) fires at the instant the
  clocks jump, once, however many times of the gap the expression names;
- a wall-clock time that happens twice (the hour repeated in autumn) fires once, at its first
  occurrence, unless the expression fires every hour or more often (`*` in the hour field),
  which keeps its rhythm in real time and fires in both occurrences.
Time is always a parameter, so all of it is tested with fixed datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter

_MARGIN = timedelta(hours=3)  # more than any daylight-saving shift
# How far ahead a fire must be found. Any expression that fires at all fires within 8 years:
# the longest gap is a 29 February across 2100, which is not a leap year (2096 -> 2104).
HORIZON_YEARS = 10


class CronError(ValueError):
    """The expression or the time zone is not valid; the message says which and why."""


@dataclass(frozen=True)
class Cron:
    expression: str
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        fields = self.expression.split()
        if len(fields) not in (5, 6):
            raise CronError("must have 5 fields, or 6 with seconds first")
        if any(f.upper() in ("R", "H") or f.upper().startswith(("R(", "H(")) for f in fields):
            # croniter draws R anew at every computation: the time shown would not be kept.
            raise CronError("random (R) and hashed (H) fields are not supported")
        if not croniter.is_valid(self.expression, second_at_beginning=self.with_seconds):
            raise CronError(f"'{self.expression}' is not a valid cron expression")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CronError(f"unknown time zone '{self.timezone}'") from None

    @property
    def with_seconds(self) -> bool:
        return len(self.expression.split()) == 6

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hourly_or_faster(self) -> bool:
        fields = self.expression.split()
        hour = fields[2] if self.with_seconds else fields[1]
        return hour.startswith("*")

    def next_after(self, after: datetime) -> datetime:
        """The first fire time strictly after `after` (an aware datetime), in UTC.

        Raises CronError when the expression names no time within HORIZON_YEARS (the 31st of
        February): such a schedule never fires.
        """
        try:
            return self._next_after(after)
        except CroniterBadDateError:
            raise CronError(
                f"'{self.expression}' never fires: no time matches it within "
                f"{HORIZON_YEARS} years (a day that none of its months has, such as 31 February)"
            ) from None

    def _next_after(self, after: datetime) -> datetime:
        # Everything is compared in UTC: Python compares two datetimes of the same zone by wall
        # clock, ignoring `fold`, which is wrong in the repeated hour.
        after = after.astimezone(_UTC)
        local = after.astimezone(self.zone).replace(tzinfo=None)
        fast = self._walk(local).get_next(datetime)
        if not self._near_transition(after, fast):
            return fast.replace(tzinfo=self.zone).astimezone(_UTC)
        best: datetime | None = None
        walker = self._walk(local - _MARGIN)
        while True:
            naive = walker.get_next(datetime)
            for instant in self.instants(naive):
                if instant > after and (best is None or instant < best):
                    best = instant
            if (
                best is not None
                and naive > best.astimezone(self.zone).replace(tzinfo=None) + _MARGIN
            ):
                return best

    def fires_between(self, start: datetime, end: datetime, limit: int = 1000) -> list[datetime]:
        """Fire times in (start, end], oldest first, at most `limit` (the newest are kept)."""
        found: list[datetime] = []
        current = start
        while True:
            current = self.next_after(current)
            if current > end:
                return found[-limit:]
            found.append(current)
            if len(found) > 2 * limit:
                found = found[-limit:]

    def instants(self, naive: datetime) -> list[datetime]:
        """The real instants of one wall-clock time (none, one, or two), per the rules above."""
        first = naive.replace(tzinfo=self.zone, fold=0)
        second = naive.replace(tzinfo=self.zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            return [first.astimezone(_UTC)]
        round_trip = first.astimezone(_UTC).astimezone(self.zone).replace(tzinfo=None)
        if round_trip != naive:  # in the gap: fire when the clocks jump
            return [self._jump(second, first)]
        both = [first.astimezone(_UTC), second.astimezone(_UTC)]
        return both if self.hourly_or_faster else both[:1]

    def _walk(self, start: datetime) -> croniter:
        return croniter(
            self.expression,
            start,
            second_at_beginning=self.with_seconds,
            max_years_between_matches=HORIZON_YEARS,
        )

    def _near_transition(self, after: datetime, naive: datetime) -> bool:
        offsets = {
            (after - _MARGIN).astimezone(self.zone).utcoffset(),
            after.astimezone(self.zone).utcoffset(),
            naive.replace(tzinfo=self.zone, fold=0).utcoffset(),
            naive.replace(tzinfo=self.zone, fold=1).utcoffset(),
        }
        return len(offsets) > 1

    def _jump(self, before: datetime, after: datetime) -> datetime:
        """The instant the offset changes, between two instants (to the second)."""
        low, high = before.astimezone(_UTC), after.astimezone(_UTC)
        offset = low.astimezone(self.zone).utcoffset()
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            if middle.astimezone(self.zone).utcoffset() == offset:
                low = middle
            else:
                high = middle
        return high.replace(microsecond=0)


_UTC = ZoneInfo("UTC")
