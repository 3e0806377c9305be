"""Retention from the API and the CLI: what is in force, what a purge would remove (dry run),
and the purge itself; `status` shows the settings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.api_helpers import make_job, run_and_wait
from tests.support import ServerProcess

# Runs finished more than ~0.1 s ago may go, and no latest run is kept.
SHORT = ("--set", "retention.runs_days=0.000001", "--set", "retention.keep_last_runs=0")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "data", *SHORT).start()
    yield proc
    proc.stop()


def finished_runs(server: ServerProcess, tmp_path: Path, count: int) -> str:
    job = make_job(server, tmp_path)
    for _ in range(count):
        assert run_and_wait(server, job["id"])["state"] == "succeeded"
    time.sleep(0.2)  # older than the 0.1 s of runs_days
    return job["id"]


class TestApi:
    def test_in_force_and_dry_run_change_nothing(self, server: ServerProcess, tmp_path: Path):
        """GET /system/retention shows the settings and the 3 runs that would go; a dry run
        counts them too; both leave the runs in place."""
        job_id = finished_runs(server, tmp_path, 3)
        status, doc = server.request("GET", "/system/retention")
        assert status == 200, doc
        assert doc["runs_days"] == 0.000001 and doc["keep_last_runs"] == 0
        assert doc["audit_days"] == 90 and doc["logs_days"] == 14
        assert doc["next_purge_at"] and doc["would_purge"]["runs"] == 3
        status, dry = server.request("POST", "/system/purge?dry_run=true")
        assert status == 200 and dry["dry_run"] is True and dry["runs"] == 3
        assert server.request("GET", f"/runs?owner={job_id}")[1]["total"] == 3

    def test_the_purge_removes_what_the_dry_run_named(self, server: ServerProcess, tmp_path):
        """After a real purge the runs are gone and nothing more would go."""
        job_id = finished_runs(server, tmp_path, 2)
        status, done = server.request("POST", "/system/purge")
        assert status == 200 and done == {"runs": 2, "audit": 0, "logs": 0, "dry_run": False}
        assert server.request("GET", f"/runs?owner={job_id}")[1]["total"] == 0
        assert server.request("GET", "/system/retention")[1]["would_purge"]["runs"] == 0


class TestCli:
    def test_system_purge_dry_run_then_purge(self, server: ServerProcess, tmp_path: Path):
        """`system purge --dry-run` says what would go and removes nothing; `system purge`
        removes it; `system retention` and `status` show the settings in force."""
        job_id = finished_runs(server, tmp_path, 2)
        dry = server.cli("system", "purge", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.strip() == (
            "Would remove 2 runs, 0 audit records, 0 log files; nothing was removed (dry run)."
        )
        assert server.request("GET", f"/runs?owner={job_id}")[1]["total"] == 2
        shown = server.cli("system", "retention")
        assert (
            "In force:        runs 1e-06 d (0 latest kept), audit 90 d, logs 14 d" in shown.stdout
        )
        assert "A purge now:     2 runs" in shown.stdout
        status = server.cli("status")
        assert "Retention" in status.stdout and "audit 90 d, logs 14 d" in status.stdout
        done = server.cli("system", "purge")
        assert done.stdout.strip() == "Removed 2 runs, 0 audit records, 0 log files."
        assert server.request("GET", f"/runs?owner={job_id}")[1]["total"] == 0


class TestInterval:
    def test_the_purge_interval_sets_the_next_purge(self, tmp_path: Path) -> None:
        """With `retention.purge_interval=120` the next purge is due about two minutes after
        the one made at start, not an hour."""
        proc = ServerProcess(tmp_path / "data", "--set", "retention.purge_interval=120").start()
        try:
            doc = proc.request("GET", "/system/retention")[1]
        finally:
            proc.stop()
        due = datetime.fromisoformat(doc["next_purge_at"])
        assert timedelta(seconds=60) < due - datetime.now(UTC) <= timedelta(seconds=121)
        assert doc["purge_interval"] == 120


class TestMemory:
    def test_a_purge_that_removed_runs_hands_memory_back(self, server: ServerProcess, tmp_path):
        """After a purge that removed runs, the debug log says how much memory went back to
        the system; a purge that removed nothing does not try."""
        finished_runs(server, tmp_path, 2)
        assert server.request("PUT", "/system/log-level", {"level": "debug"})[0] == 200
        assert server.request("POST", "/system/purge")[1]["runs"] == 2
        assert server.request("POST", "/system/purge")[1]["runs"] == 0
        logs = server.request("GET", "/logs?level=debug&limit=1000")[1]["items"]
        released = [r for r in logs if r["message"] == "memory released"]
        assert len(released) == 1, released
        fields = released[0]["fields"]
        assert fields["rss_before"] > 0 and fields["rss_after"] > 0
        assert fields["released"] == fields["rss_before"] - fields["rss_after"]
