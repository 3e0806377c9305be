"""Schedules over HTTP: seconds-level cron firing jobs and pipelines in parallel, pause, resume,
trigger, target changes, validation, and the next run time shown on targets."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from tests.api_helpers import make_job, unique, wait_for
from tests.support import ServerProcess


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _schedule(server: ServerProcess, **fields) -> dict:
    status, schedule = server.request("POST", "/schedules", {"name": unique("sched"), **fields})
    assert status == 201, schedule
    return schedule


def _runs_of(server: ServerProcess, owner: str) -> list[dict]:
    status, page = server.request("GET", f"/runs?owner={owner}&limit=1000")
    assert status == 200
    return page["items"]


class TestFiring:
    def test_targets_start_together_within_a_second_of_the_due_time(
        self, server: ServerProcess, tmp_path: Path
    ):
        """A `*/2` seconds cron starts its job and its pipeline in parallel, on time."""
        job = make_job(server, tmp_path, command="sleep 1")
        step_job = make_job(server, tmp_path, command="sleep 1")
        status, pipeline = server.request(
            "POST",
            "/pipelines",
            {"name": unique("pipe"), "steps": [{"id": "s", "job": step_job["id"]}]},
        )
        assert status == 201
        schedule = _schedule(server, cron="*/2 * * * * *", targets=[job["name"], pipeline["id"]])
        assert schedule["targets"] == [job["id"], pipeline["id"]]
        assert schedule["next_fire_at"] is not None
        deadline = time.monotonic() + 8
        while not (_runs_of(server, job["id"]) and _runs_of(server, pipeline["id"])):
            assert time.monotonic() < deadline, "the schedule did not fire"
            time.sleep(0.1)
        server.request("POST", f"/schedules/{schedule['id']}/pause")
        job_run = _runs_of(server, job["id"])[-1]
        pipe_run = _runs_of(server, pipeline["id"])[-1]
        assert job_run["trigger"] == {"type": "schedule", "by": schedule["id"]}
        assert pipe_run["trigger"] == {"type": "schedule", "by": schedule["id"]}
        queued = _iso(job_run["queued_at"])
        due = queued.replace(microsecond=0)
        assert due.second % 2 == 0
        assert (queued - due).total_seconds() < 1.0
        assert abs((_iso(pipe_run["queued_at"]) - queued).total_seconds()) < 1.0
        done_job = wait_for(server, job_run["id"])
        done_pipe = wait_for(server, pipe_run["id"])
        assert done_job["state"] == done_pipe["state"] == "succeeded"
        step_run = wait_for(server, done_pipe["steps"][0]["run_id"])
        # Both `sleep 1` ran at the same time: their intervals overlap.
        assert _iso(step_run["started_at"]) < _iso(done_job["finished_at"])
        assert _iso(done_job["started_at"]) < _iso(step_run["finished_at"])

    def test_pause_stops_fires_and_resume_restarts_them(
        self, server: ServerProcess, tmp_path: Path
    ):
        """Paused, the schedule fires nothing and shows no next fire; resumed, it fires again."""
        job = make_job(server, tmp_path, max_concurrent=5)
        schedule = _schedule(server, cron="* * * * * *", targets=[job["id"]])
        status, paused = server.request("POST", f"/schedules/{schedule['id']}/pause")
        assert status == 200 and paused["enabled"] is False and paused["next_fire_at"] is None
        time.sleep(0.3)
        count = len(_runs_of(server, job["id"]))
        time.sleep(2.2)
        assert len(_runs_of(server, job["id"])) == count
        status, resumed = server.request("POST", f"/schedules/{schedule['id']}/resume")
        assert status == 200 and resumed["enabled"] is True and resumed["next_fire_at"]
        time.sleep(2.2)
        server.request("POST", f"/schedules/{schedule['id']}/pause")
        assert len(_runs_of(server, job["id"])) >= count + 1

    def test_trigger_fires_every_target_now(self, server: ServerProcess, tmp_path: Path):
        """`trigger` starts all targets at once and answers their runs."""
        first, second = make_job(server, tmp_path), make_job(server, tmp_path)
        schedule = _schedule(server, cron="0 0 1 1 *", targets=[first["id"], second["name"]])
        status, fired = server.request("POST", f"/schedules/{schedule['name']}/trigger")
        assert status == 202
        assert {run["owner_id"] for run in fired["runs"]} == {first["id"], second["id"]}
        assert fired["skipped"] == []
        for run in fired["runs"]:
            assert wait_for(server, run["id"])["state"] == "succeeded"

    def test_a_target_still_running_is_skipped(self, server: ServerProcess, tmp_path: Path):
        """With max_concurrent 1 and a run going, a fire skips that target and says why."""
        job = make_job(server, tmp_path, command="sleep 5")
        schedule = _schedule(server, cron="0 0 1 1 *", targets=[job["id"]])
        status, fired = server.request("POST", f"/schedules/{schedule['id']}/trigger")
        assert len(fired["runs"]) == 1
        status, again = server.request("POST", f"/schedules/{schedule['id']}/trigger")
        assert again["runs"] == []
        assert again["skipped"][0]["target"] == job["id"]
        assert "max_concurrent 1" in again["skipped"][0]["reason"]
        server.request("POST", f"/runs/{fired['runs'][0]['id']}/cancel")


class TestDefinition:
    def test_targets_can_be_added_and_removed(self, server: ServerProcess, tmp_path: Path):
        """Targets by name or ID; the job shows the schedule's next fire as next_run_at."""
        job = make_job(server, tmp_path)
        schedule = _schedule(server, cron="0 3 * * *", timezone="Europe/Paris")
        status, added = server.request(
            "POST", f"/schedules/{schedule['id']}/targets", {"target": job["name"]}
        )
        assert status == 200 and added["targets"] == [job["id"]]
        assert (
            server.request("GET", f"/jobs/{job['id']}")[1]["next_run_at"] == added["next_fire_at"]
        )
        assert _iso(added["next_fire_at"]).astimezone().hour is not None
        status, removed = server.request(
            "DELETE", f"/schedules/{schedule['id']}/targets/{job['name']}"
        )
        assert status == 200 and removed["targets"] == []
        assert server.request("GET", f"/jobs/{job['id']}")[1]["next_run_at"] is None

    def test_validation_names_the_problem(self, server: ServerProcess):
        """Bad cron, unknown zone, unknown target and unknown misfire policy are refused."""
        cases = [
            ({"cron": "61 * * * *"}, 400, "cron"),
            ({"cron": "* * * * *", "timezone": "Mars/Base"}, 400, "timezone"),
            ({"cron": "* * * * *", "misfire": "sometimes"}, 400, "misfire"),
        ]
        for body, status_code, field in cases:
            status, answer = server.request("POST", "/schedules", {"name": unique("s"), **body})
            assert status == status_code and field in answer["error"]["details"]["fields"]
        status, answer = server.request(
            "POST", "/schedules", {"name": unique("s"), "cron": "* * * * *", "targets": ["nope-x"]}
        )
        assert status == 422 and "nope-x" in answer["error"]["message"]

    def test_job_targeted_by_a_schedule_needs_force_to_delete(
        self, server: ServerProcess, tmp_path: Path
    ):
        """Deleting a scheduled job is refused; with force it also leaves the schedule."""
        job = make_job(server, tmp_path)
        schedule = _schedule(server, cron="0 3 * * *", targets=[job["id"]])
        assert server.request("DELETE", f"/jobs/{job['id']}")[0] == 409
        assert server.request("DELETE", f"/jobs/{job['id']}?force=true")[0] == 204
        assert server.request("GET", f"/schedules/{schedule['id']}")[1]["targets"] == []
