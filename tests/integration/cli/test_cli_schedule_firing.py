"""`orchestrator-cli schedules trigger` and real cron fires, end to end; the next run a schedule
gives its targets, as `jobs get` and `pipelines get` show it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cli.table import when
from tests.cli_helpers import Cli, as_json, cli_for, field, make, make_job, make_schedule, unique
from tests.support import ServerProcess


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


class TestFiring:
    def test_trigger_prints_runs_and_skipped(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """trigger starts every target; a second one skips the still-running job and says why."""
        job = make_job(server, tmp_path, "sleep 30")
        schedule = make_schedule(cli, "--target", job["id"])
        fired = as_json(cli("--output", "json", "schedules", "trigger", schedule["id"]))
        assert [run["owner_id"] for run in fired["runs"]] == [job["id"]]
        assert fired["skipped"] == []
        try:
            again = cli("schedules", "trigger", schedule["name"])
            assert again.returncode == 0 and "No runs started." in again.stdout
            assert f"skipped {job['name']} ({job['id']}): it still has 1 run" in again.stdout
        finally:
            server.request("POST", f"/runs/{fired['runs'][0]['id']}/cancel")

    def test_trigger_table_lists_runs(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """In a table, trigger lists each run started with its target's name."""
        job = make_job(server, tmp_path)
        schedule = make_schedule(cli, "--target", job["id"])
        result = cli("schedules", "trigger", schedule["id"])
        assert result.returncode == 0 and result.stdout.startswith("RUN")
        row = result.stdout.splitlines()[1].split()
        assert row[0].startswith("R") and row[1:3] == ["job", job["name"]]

    def test_next_run_shown_on_targets(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """jobs get and pipelines get show next_run_at once a schedule targets them."""
        job = make_job(server, tmp_path)
        pipeline = make(
            server, "/pipelines", {"name": unique("p"), "steps": [{"id": "a", "job": job["id"]}]}
        )
        assert field(cli("jobs", "get", job["id"]).stdout, "next_run_at") == "-"
        schedule = make_schedule(cli, "--target", job["id"], "--target", pipeline["id"])
        expected = when(schedule["next_fire_at"])
        assert field(cli("jobs", "get", job["id"]).stdout, "next_run_at") == expected
        assert field(cli("pipelines", "get", pipeline["id"]).stdout, "next_run_at") == expected

    def test_two_second_cron_fires(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """A `*/2 * * * * *` schedule launches its job, as `runs list --owner` shows."""
        job = make_job(server, tmp_path)
        schedule = make_schedule(cli, "--target", job["id"], cron="*/2 * * * * *")
        try:
            deadline, runs = time.monotonic() + 10, []
            while not runs and time.monotonic() < deadline:
                time.sleep(0.5)
                listed = as_json(cli("--output", "json", "runs", "list", "--owner", job["id"]))
                runs = listed["items"]
            assert runs, "the schedule did not fire within 10 s"
            assert runs[0]["trigger"] == {"type": "schedule", "by": schedule["id"]}
        finally:
            assert cli("schedules", "delete", schedule["id"]).returncode == 0
