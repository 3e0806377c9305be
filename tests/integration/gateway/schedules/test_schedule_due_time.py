"""A run started by a schedule on a real server records when its fire was due; a manual trigger
has no due time."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from tests.api_helpers import make_job, unique
from tests.support import ServerProcess


class TestFiredRunsRecordTheDueTime:
    """A run started by a schedule shows when its fire was due in `scheduled_for`."""

    def test_scheduled_for_is_the_due_time(self, server: ServerProcess, tmp_path: Path):
        """A `*/2` seconds cron: the run's `scheduled_for` is an even second, just before it
        was created; a manual trigger has no due time."""
        job = make_job(server, tmp_path, max_concurrent=50)
        body = {"name": unique("due"), "cron": "*/2 * * * * *", "targets": [job["id"]]}
        status, schedule = server.request("POST", "/schedules", body)
        assert status == 201, schedule
        deadline = time.monotonic() + 20
        while not (runs := server.request("GET", f"/runs?owner={job['id']}")[1]["items"]):
            assert time.monotonic() < deadline, "the schedule never fired"
            time.sleep(0.2)
        server.request("POST", f"/schedules/{schedule['id']}/pause")
        run = runs[-1]
        due = datetime.fromisoformat(run["scheduled_for"])
        created = datetime.fromisoformat(run["created_at"])
        assert due.second % 2 == 0 and due.microsecond == 0, run
        assert 0 <= (created - due).total_seconds() < 5, run
        assert run["trigger"] == {"type": "schedule", "by": schedule["id"]}
        status, fired = server.request("POST", f"/schedules/{schedule['id']}/trigger")
        assert status == 202 and fired["runs"][0]["scheduled_for"] is None, fired
