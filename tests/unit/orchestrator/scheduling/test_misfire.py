"""Misfire decisions with fixed datetimes: what a schedule fires for the fires it missed."""

from __future__ import annotations

from datetime import UTC, datetime

from orchestrator.scheduling.cron import Cron
from orchestrator.scheduling.misfire import missed_fires

HOURLY = Cron("0 * * * *")
DOWN = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
BACK = datetime(2026, 1, 1, 4, 10, tzinfo=UTC)


class TestMissedFires:
    def test_skip_fires_nothing(self):
        """`skip` ignores the four missed hours."""
        assert missed_fires(HOURLY, DOWN, BACK, "skip", None) == []

    def test_run_once_fires_the_latest_missed(self):
        """`run_once` fires once, for the most recent missed time."""
        assert missed_fires(HOURLY, DOWN, BACK, "run_once", None) == [
            datetime(2026, 1, 1, 4, 0, tzinfo=UTC)
        ]

    def test_run_all_fires_each_missed_time_in_order(self):
        """`run_all` fires 01:00, 02:00, 03:00 and 04:00."""
        found = missed_fires(HOURLY, DOWN, BACK, "run_all", None)
        assert [f.hour for f in found] == [1, 2, 3, 4]

    def test_max_lateness_drops_older_fires(self):
        """With max_lateness 2 h, only 03:00 and 04:00 are late enough to fire."""
        found = missed_fires(HOURLY, DOWN, BACK, "run_all", 7200)
        assert [f.hour for f in found] == [3, 4]

    def test_nothing_missed_fires_nothing(self):
        """A checkpoint after the last due time leaves nothing to catch up."""
        assert missed_fires(HOURLY, BACK, BACK, "run_all", None) == []

    def test_run_once_after_a_long_outage_stays_cheap(self):
        """An every-second schedule down for a week still finds its latest fire."""
        every_second = Cron("* * * * * *")
        start = datetime(2026, 1, 1, tzinfo=UTC)
        end = datetime(2026, 1, 8, 0, 0, 5, tzinfo=UTC)
        assert missed_fires(every_second, start, end, "run_once", None) == [end]
