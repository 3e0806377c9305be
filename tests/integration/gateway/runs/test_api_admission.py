"""Admission by resources over HTTP: a run waits, queued, while the machine lacks memory."""

from __future__ import annotations

import time
from pathlib import Path

from tests.api_helpers import make_job, start_run
from tests.support import ServerProcess


class TestResourceAdmission:
    def test_a_run_waits_while_memory_is_short_and_says_why(self, tmp_path: Path):
        """With an impossible free-memory floor the run stays queued with a readable reason."""
        impossible = "--set", "execution.min_free_memory_mb=1000000000"
        server = ServerProcess(tmp_path / "data", *impossible).start()
        try:
            job = make_job(server, tmp_path)
            run = start_run(server, job["id"])
            deadline = time.monotonic() + 5
            while True:
                status, current = server.request("GET", f"/runs/{run['id']}")
                if current.get("waiting") or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert current["state"] == "queued"
            assert "execution.min_free_memory_mb" in current["waiting"]
            status, metrics = server.request("GET", "/metrics")
            assert status == 200 and metrics["runs"]["queued"] == 1
            assert server.request("POST", f"/runs/{run['id']}/cancel")[1]["state"] == "cancelled"
        finally:
            server.stop()

    def test_default_limits_let_runs_start(self, server: ServerProcess, tmp_path: Path):
        """With the default limits a run starts at once and carries no waiting reason."""
        job = make_job(server, tmp_path)
        status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true")
        assert status == 200 and run["state"] == "succeeded" and run["waiting"] is None
