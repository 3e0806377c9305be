"""Integration tests of API.md's Runs section, part two: runs planned for a time, cancelling
planned and running runs, and retrying a finished run."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.api_helpers import (
    assert_error,
    make_job,
    run_and_wait,
    start_run,
    wait_for,
    when,
)
from tests.support import ServerProcess


def in_seconds(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


class TestPlannedRun:
    def test_at_in_the_future_is_scheduled(self, server: ServerProcess, tmp_path: Path) -> None:
        """`at` ahead gives a `scheduled` run, the job's `next_run_at`, and a run at that time."""
        job = make_job(server, tmp_path, command="echo planned")
        at = in_seconds(1.2)
        run = start_run(server, job["id"], {"at": at.isoformat()})
        assert run["state"] == "scheduled"
        assert abs((when(run["scheduled_for"]) - at).total_seconds()) < 0.002
        assert run["trigger"]["type"] == "at"
        shown = server.request("GET", f"/jobs/{job['id']}")[1]
        assert shown["next_run_at"] == run["scheduled_for"]
        assert server.request("GET", f"/runs/{run['id']}")[1]["state"] == "scheduled"
        done = wait_for(server, run["id"], timeout=8)
        assert done["state"] == "succeeded"
        assert when(done["started_at"]) >= at - timedelta(milliseconds=2)
        assert when(done["started_at"]) < at + timedelta(seconds=1)
        assert server.request("GET", f"/jobs/{job['id']}")[1]["next_run_at"] is None

    def test_at_just_gone_runs_now(self, server: ServerProcess, tmp_path: Path) -> None:
        """An `at` that went by while the request travelled (within a minute) runs at once."""
        job = make_job(server, tmp_path)
        run = start_run(server, job["id"], {"at": in_seconds(-20).isoformat()})
        assert run["state"] in ("queued", "running") and run["trigger"]["type"] == "api"
        assert wait_for(server, run["id"])["state"] == "succeeded"

    def test_at_in_the_past_is_refused(self, server: ServerProcess, tmp_path: Path) -> None:
        """A past `at` (a typo in the year) is a 400 naming the time understood; no run."""
        job = make_job(server, tmp_path)
        body = {"at": "2020-01-01T00:00:00+01:00"}
        status, error = server.request("POST", f"/jobs/{job['id']}/run", body)
        assert status == 400, error
        assert error["error"]["details"]["fields"]["at"] == (
            "is in the past: understood as 2019-12-31T23:00:00.000+00:00; leave it out to run now"
        )
        assert server.request("GET", f"/runs?owner={job['id']}")[1]["total"] == 0

    def test_cancel_a_planned_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """A cancelled planned run is `cancelled`, never starts, and leaves no `next_run_at`."""
        job = make_job(server, tmp_path)
        run = start_run(server, job["id"], {"at": in_seconds(0.4).isoformat()})
        status, cancelled = server.request("POST", f"/runs/{run['id']}/cancel")
        assert status == 200, cancelled
        assert cancelled["state"] == "cancelled"
        assert server.request("GET", f"/jobs/{job['id']}")[1]["next_run_at"] is None
        time.sleep(0.7)
        final = server.request("GET", f"/runs/{run['id']}")[1]
        assert final["state"] == "cancelled" and final["started_at"] is None
        assert final["attempts"] == []


class TestCancelRun:
    def test_cancel_a_running_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """Cancelling a running `sleep 30` ends it as `cancelled` within moments."""
        job = make_job(server, tmp_path, command="sleep 30")
        run = start_run(server, job["id"])
        wait_for(server, run["id"], {"running"}, timeout=5)
        began = time.monotonic()
        status, answer = server.request("POST", f"/runs/{run['id']}/cancel")
        assert status == 200, answer
        final = wait_for(server, run["id"], timeout=5)
        assert time.monotonic() - began < 3
        assert answer["state"] == "cancelled" and final["state"] == "cancelled"
        assert final["finished_at"] is not None

    def test_cancel_a_finished_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """Cancelling a run that already finished is a 409 and does not change it."""
        job = make_job(server, tmp_path)
        run = run_and_wait(server, job["id"])
        assert_error(server.request("POST", f"/runs/{run['id']}/cancel"), 409, "conflict")
        assert server.request("GET", f"/runs/{run['id']}")[1]["state"] == "succeeded"

    def test_cancel_unknown_run(self, server: ServerProcess) -> None:
        """Cancelling a run that does not exist is a 404."""
        assert_error(server.request("POST", "/runs/R000000000000/cancel"), 404, "not_found")

    def test_cancel_a_queued_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """A run waiting behind its job's limit is cancelled before it ever starts."""
        job = make_job(server, tmp_path, command="sleep 0.5", max_concurrent=1)
        first = start_run(server, job["id"])
        second = start_run(server, job["id"])
        assert second["state"] == "queued"
        status, answer = server.request("POST", f"/runs/{second['id']}/cancel")
        assert status == 200 and answer["state"] == "cancelled"
        assert wait_for(server, first["id"])["state"] == "succeeded"
        final = server.request("GET", f"/runs/{second['id']}")[1]
        assert final["state"] == "cancelled" and final["started_at"] is None


class TestRetryRun:
    def test_retry_a_failed_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """Retrying a failed run starts a new run of the same job, triggered by the old run."""
        job = make_job(server, tmp_path, command="exit 1")
        old = run_and_wait(server, job["id"])
        status, new = server.request("POST", f"/runs/{old['id']}/retry")
        assert status == 202, new
        assert new["id"] != old["id"]
        assert new["trigger"] == {"type": "retry", "by": old["id"]}
        assert (new["owner_id"], new["kind"]) == (job["id"], "job")
        assert new["state"] in ("queued", "running")
        assert wait_for(server, new["id"])["state"] == "failed"
        assert server.request("GET", f"/runs/{old['id']}")[1]["state"] == "failed"

    def test_retry_an_unfinished_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """A run still going cannot be retried: 409."""
        job = make_job(server, tmp_path, command="sleep 0.5")
        run = start_run(server, job["id"])
        assert_error(server.request("POST", f"/runs/{run['id']}/retry"), 409, "conflict")
        wait_for(server, run["id"])

    def test_retry_unknown_run(self, server: ServerProcess) -> None:
        """Retrying a run that does not exist is a 404."""
        assert_error(server.request("POST", "/runs/R000000000000/retry"), 404, "not_found")
