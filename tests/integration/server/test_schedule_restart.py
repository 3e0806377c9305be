"""Fires missed while the server was down: each misfire policy applied at the restart."""

from __future__ import annotations

import time
from pathlib import Path

from tests.api_helpers import make_job
from tests.support import ServerProcess


def _misfire_runs(server: ServerProcess, schedule_id: str) -> int:
    text = (server.data_dir / "logs" / "info.log").read_text()
    return sum(
        1
        for line in text.splitlines()
        if "schedule firing" in line and schedule_id in line and "reason=misfire:" in line
    )


class TestMisfirePolicies:
    def test_each_policy_after_a_downtime(self, tmp_path: Path):
        """Down across several fires: skip fires none, run_once one, run_all each missed."""
        server = ServerProcess(tmp_path / "data").start()
        job = make_job(server, tmp_path, max_concurrent=50)
        ids = {}
        for policy in ("skip", "run_once", "run_all"):
            status, schedule = server.request(
                "POST",
                "/schedules",
                {
                    "name": policy,
                    "cron": "*/2 * * * * *",
                    "targets": [job["id"]],
                    "misfire": policy,
                },
            )
            assert status == 201
            ids[policy] = schedule["id"]
        time.sleep(0.5)
        server.stop()
        time.sleep(4.5)  # at least two fire times pass while the server is down
        again = ServerProcess(tmp_path / "data")
        again.port, again.url = server.port, server.url
        again.start()
        try:
            time.sleep(0.5)
            assert _misfire_runs(again, ids["skip"]) == 0
            assert _misfire_runs(again, ids["run_once"]) == 1
            assert _misfire_runs(again, ids["run_all"]) >= 2
            status, schedule = again.request("GET", f"/schedules/{ids['run_all']}")
            assert schedule["last_fired_at"] is not None
        finally:
            again.stop()
