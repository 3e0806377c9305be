"""One definition of a job's state, shared by its own view, the jobs filter and /metrics (the
CLI's words for the last day's runs: tests/unit/cli/test_metrics_view.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.api_helpers import make_job, run_and_wait
from tests.support import ServerProcess


class TestOneJobState:
    def test_a_planned_run_changes_neither_view_nor_metrics(
        self, fresh_server: ServerProcess, tmp_path: Path
    ) -> None:
        """After a run that failed, a run planned for tomorrow leaves the job `failed` in
        GET /jobs/{id}, in the `state` filter and in /metrics `jobs.by_state` alike."""
        server = fresh_server
        job = make_job(server, tmp_path, command="exit 1")
        assert run_and_wait(server, job["id"])["state"] == "failed"
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        status, planned = server.request("POST", f"/jobs/{job['id']}/run", {"at": tomorrow})
        assert status == 202 and planned["state"] == "scheduled", planned
        assert server.request("GET", f"/jobs/{job['id']}")[1]["state"] == "failed"
        listed = server.request("GET", "/jobs?state=failed")[1]["items"]
        assert [item["id"] for item in listed] == [job["id"]]
        metrics = server.request("GET", "/metrics")[1]
        assert metrics["jobs"]["by_state"] == {"failed": 1}
