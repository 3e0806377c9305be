"""Schedules due in the same second, end to end on a real server: each fires once, all its
targets' runs record that second, and a schedule paused just before it fires nothing."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.api_helpers import make_job
from tests.support import ServerProcess

LEAD = 4  # seconds from the creation of the schedules to their due time


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _schedules_due(server: ServerProcess, due: datetime, targets: list[list[str]]) -> list[str]:
    """One schedule per target list, a 6-field cron naming the second `due` (UTC)."""
    cron = f"{due.second} {due.minute} {due.hour} {due.day} {due.month} *"
    ids = []
    for n, jobs in enumerate(targets):
        body = {"name": f"together-{n}-{due.timestamp():.0f}", "cron": cron, "targets": jobs}
        status, schedule = server.request("POST", "/schedules", body)
        assert status == 201, schedule
        assert _at(schedule["next_fire_at"]) == due
        ids.append(schedule["id"])
    return ids


def _runs_of(server: ServerProcess, schedule_ids: list[str]) -> list[dict]:
    status, page = server.request("GET", "/runs?kind=job&limit=1000")
    assert status == 200
    return [run for run in page["items"] if run["trigger"]["by"] in schedule_ids]


class TestFiresDueTogether:
    """Fires due in the same second are recorded once each, with that second as their due time."""

    def test_each_schedule_fires_each_target_once(self, fresh_server: ServerProcess, tmp_path):
        """Eight schedules of three jobs each: 24 runs, none twice, all due at that second."""
        jobs = [make_job(fresh_server, tmp_path)["id"] for _ in range(24)]
        due = datetime.fromtimestamp(math.ceil(time.time()) + LEAD, UTC)
        ids = _schedules_due(fresh_server, due, [jobs[n : n + 3] for n in range(0, 24, 3)])
        deadline, runs = due.timestamp() + 30, []
        while len(runs) < 24 and time.time() < deadline:
            time.sleep(0.25)
            runs = _runs_of(fresh_server, ids)
        time.sleep(1.5)  # a duplicate would come within this
        runs = _runs_of(fresh_server, ids)
        assert sorted(run["owner_id"] for run in runs) == sorted(jobs)
        assert {_at(run["scheduled_for"]) for run in runs} == {due}
        assert all(_at(run["queued_at"]) >= due for run in runs)
        for schedule_id in ids:
            status, schedule = fresh_server.request("GET", f"/schedules/{schedule_id}")
            assert status == 200 and _at(schedule["last_fired_at"]) >= due

    def test_a_schedule_paused_just_before_its_due_time_fires_nothing(
        self, fresh_server: ServerProcess, tmp_path: Path
    ):
        """Paused 0.6 s before the due time (after it announced its fire): no run;
        the other schedule due then fires."""
        kept, paused = (make_job(fresh_server, tmp_path)["id"] for _ in range(2))
        due = datetime.fromtimestamp(math.ceil(time.time()) + LEAD, UTC)
        kept_id, paused_id = _schedules_due(fresh_server, due, [[kept], [paused]])
        time.sleep(max(0.0, due.timestamp() - 0.6 - time.time()))
        status, _ = fresh_server.request("POST", f"/schedules/{paused_id}/pause")
        assert status == 200
        deadline, runs = due.timestamp() + 30, []
        while not runs and time.time() < deadline:
            time.sleep(0.25)
            runs = _runs_of(fresh_server, [kept_id, paused_id])
        time.sleep(1.5)
        assert [run["owner_id"] for run in _runs_of(fresh_server, [kept_id, paused_id])] == [kept]
