"""Cron arithmetic with fixed datetimes: seconds fields, time zones, daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestrator.scheduling.cron import Cron, CronError

NEW_YORK = "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fires(cron: Cron, start: datetime, count: int) -> list[str]:
    found, current = [], start
    for _ in range(count):
        current = cron.next_after(current)
        found.append(current.astimezone(UTC).strftime("%m-%d %H:%M:%S"))
    return found


class TestValidation:
    def test_five_and_six_fields_are_accepted(self):
        """Five fields, or six with seconds first."""
        assert not Cron("*/5 * * * *").with_seconds
        assert Cron("*/2 * * * * *").with_seconds

    @pytest.mark.parametrize("expression", ["* * * *", "61 * * * *", "* * * * * * *", "bad"])
    def test_bad_expressions_are_refused(self, expression: str):
        """A wrong field count or value is a CronError naming the problem."""
        with pytest.raises(CronError):
            Cron(expression)

    def test_unknown_zone_is_refused(self):
        """An unknown IANA zone is named in the error."""
        with pytest.raises(CronError, match="Mars/Base"):
            Cron("* * * * *", "Mars/Base")


class TestPlainFires:
    def test_seconds_field_fires_every_two_seconds(self):
        """`*/2 * * * * *` fires on even seconds, strictly after the given time."""
        assert fires(Cron("*/2 * * * * *"), utc(2026, 1, 1, 0, 0, 0), 3) == [
            "01-01 00:00:02",
            "01-01 00:00:04",
            "01-01 00:00:06",
        ]

    def test_zone_shifts_wall_clock_times(self):
        """09:00 in Tokyo is 00:00 UTC."""
        assert fires(Cron("0 9 * * *", "Asia/Tokyo"), utc(2026, 5, 1, 1, 0), 1) == [
            "05-02 00:00:00"
        ]

    def test_fires_between_lists_a_window(self):
        """The fires in (start, end], oldest first."""
        found = Cron("0 * * * *").fires_between(utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 3, 0))
        assert [f.hour for f in found] == [1, 2, 3]


class TestSpringForward:
    """New York, 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT."""

    def test_daily_time_in_the_gap_fires_once_when_clocks_jump(self):
        """A daily 02:30 fires at 03:00 EDT on the change day, then at 02:30 again."""
        assert fires(Cron("30 2 * * *", NEW_YORK), utc(2026, 3, 7, 12, 0), 3) == [
            "03-08 07:00:00",
            "03-09 06:30:00",
            "03-10 06:30:00",
        ]

    def test_frequent_fires_are_not_doubled_across_the_gap(self):
        """Every 30 minutes: 01:30 EST, then 03:00 EDT once, then 03:30: no double fire."""
        assert fires(Cron("*/30 * * * *", NEW_YORK), utc(2026, 3, 8, 6, 0), 3) == [
            "03-08 06:30:00",
            "03-08 07:00:00",
            "03-08 07:30:00",
        ]


class TestFallBack:
    """New York, 2026-11-01: 01:00-02:00 happens twice (EDT, then EST)."""

    def test_daily_time_in_the_repeated_hour_fires_once(self):
        """A daily 01:30 fires at its first occurrence only, and keeps its wall-clock time."""
        assert fires(Cron("30 1 * * *", NEW_YORK), utc(2026, 10, 31, 12, 0), 2) == [
            "11-01 05:30:00",
            "11-02 06:30:00",
        ]

    def test_hourly_rhythm_continues_through_the_repeated_hour(self):
        """Every 30 minutes keeps firing every 30 real minutes through both 01:xx hours."""
        assert fires(Cron("*/30 * * * *", NEW_YORK), utc(2026, 11, 1, 4, 40), 5) == [
            "11-01 05:00:00",
            "11-01 05:30:00",
            "11-01 06:00:00",
            "11-01 06:30:00",
            "11-01 07:00:00",
        ]
