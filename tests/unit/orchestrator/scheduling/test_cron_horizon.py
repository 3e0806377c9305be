"""Crons alone: one naming no existing day never fires; a leap day fires, even across 2100."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestrator.scheduling.cron import Cron, CronError

NEVER = ("0 0 31 2 *", "0 0 31 4,6,9,11 *", "30 * * 30 2 *")


class TestCronHorizon:
    """A cron must name a time that exists; a leap day is such a time."""

    @pytest.mark.parametrize("expression", NEVER)
    def test_a_cron_naming_no_existing_day_has_no_next_time(self, expression: str):
        """The 31st of February and its kind raise CronError, which says it never fires."""
        with pytest.raises(CronError, match="never fires"):
            Cron(expression).next_after(datetime(2026, 1, 1, tzinfo=UTC))

    def test_the_leap_day_fires_even_across_2100(self):
        """2100 is not a leap year: 29 February after 2096 is in 2104, within the horizon."""
        cron = Cron("0 0 29 2 *")
        assert cron.next_after(datetime(2026, 1, 1, tzinfo=UTC)) == datetime(
            2028, 2, 29, tzinfo=UTC
        )
        assert cron.next_after(datetime(2097, 1, 1, tzinfo=UTC)) == datetime(
            2104, 2, 29, tzinfo=UTC
        )
