"""Integration tests of the caps on durations and the range of times: a value past a cap is a 400
naming the field, and no time the API takes can make it fail with a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.api_helpers import assert_fields, make_job, start_run, unique, wait_for
from tests.support import ServerProcess

WEEK, DAY = 7 * 86400, 86400


class TestJobDurations:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("timeout", WEEK + 1),
            ("timeout", 30 * DAY),
            ("timeout", 1e308),
            ("retry_delay", DAY + 1),
        ],
    )
    def test_over_the_cap(
        self, server: ServerProcess, tmp_path: Path, field: str, value: float
    ) -> None:
        """A timeout over 7 days or a retry delay over a day is refused, naming the field."""
        body = {"name": unique(), "command": "true", "workdir": str(tmp_path), field: value}
        assert_fields(server.request("POST", "/jobs", body), field)
        job = make_job(server, tmp_path)
        assert_fields(server.request("PATCH", f"/jobs/{job['id']}", {field: value}), field)

    def test_at_the_cap(self, server: ServerProcess, tmp_path: Path) -> None:
        """The caps themselves are accepted."""
        job = make_job(server, tmp_path, timeout=WEEK, retry_delay=DAY)
        assert (job["timeout"], job["retry_delay"]) == (WEEK, DAY)

    def test_wait_timeout(self, server: ServerProcess, tmp_path: Path) -> None:
        """The `timeout` of `wait=true` is capped at a day."""
        job = make_job(server, tmp_path)
        path = f"/jobs/{job['id']}/run?wait=true&timeout={DAY + 1}"
        assert_fields(server.request("POST", path), "timeout")


class TestScheduleDurations:
    def test_max_lateness(self, server: ServerProcess) -> None:
        """max_lateness is capped at 366 days."""
        body = {"name": unique("s"), "cron": "0 * * * *", "max_lateness": 367 * DAY}
        assert_fields(server.request("POST", "/schedules", body), "max_lateness")
        body["max_lateness"] = 366 * DAY
        assert server.request("POST", "/schedules", body)[0] == 201


class TestTimes:
    @pytest.mark.parametrize(
        "at", ["9999-12-31T23:59:00-23:59", "0001-01-01T00:00:00+23:59", "10000-01-01T00:00:00Z"]
    )
    def test_at_out_of_range(self, server: ServerProcess, tmp_path: Path, at: str) -> None:
        """A run time whose UTC form is outside years 1-9999 is a 400 naming `at`."""
        job = make_job(server, tmp_path)
        assert_fields(server.request("POST", f"/jobs/{job['id']}/run", {"at": at}), "at")

    def test_far_future_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """A run planned for year 9999 is accepted and the clock still starts runs due sooner."""
        job = make_job(server, tmp_path)
        far = start_run(server, job["id"], {"at": "9999-12-31T00:00:00+00:00"})
        assert far["state"] == "scheduled"
        at = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        soon = start_run(server, job["id"], {"at": at})
        assert wait_for(server, soon["id"], timeout=30)["state"] == "succeeded"

    def test_key_expiry(self, server: ServerProcess) -> None:
        """A key expiry past the last representable day is a 400, a far one is fine."""
        body = {"name": unique("k"), "expires_at": "9999-12-31T23:59:00-23:59"}
        assert_fields(server.request("POST", "/keys", body), "expires_at")
        body["expires_at"] = "9999-12-31T00:00:00Z"
        assert server.request("POST", "/keys", body)[0] == 201

    @pytest.mark.parametrize("route", ["/runs", "/audit"])
    def test_time_filters(self, server: ServerProcess, route: str) -> None:
        """Time filters out of range are a 400 naming the filter."""
        assert_fields(server.request("GET", f"{route}?since=9999-12-31T23:59:00-23:59"), "since")
