"""Integration tests of API.md's Runs section, part one: running a job now, waiting for it, what a
run records, its output, and the environment the process gets."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.api_helpers import (
    RUN_ID,
    assert_error,
    assert_fields,
    make_job,
    run_and_wait,
    start_run,
    wait_for,
    when,
)
from tests.support import ServerProcess

RUN_KEYS = {
    "id", "kind", "owner_id", "owner_name", "state", "trigger", "scheduled_for", "queued_at",
    "started_at", "finished_at", "duration", "exit_code", "error", "attempts", "pipeline_run_id",
}  # fmt: skip
ATTEMPT_KEYS = {"number", "started_at", "finished_at", "exit_code", "error"}


class TestRunNow:
    def test_run_is_accepted(self, server: ServerProcess, tmp_path: Path) -> None:
        """POST /jobs/{id}/run answers 202 with a queued or running run of that job."""
        job = make_job(server, tmp_path, command="sleep 0.2")
        run = start_run(server, job["id"])
        assert set(run) >= RUN_KEYS, set(run)
        assert "env" not in run
        assert RUN_ID.match(run["id"])
        assert run["state"] in ("queued", "running")
        assert (run["kind"], run["owner_id"], run["owner_name"]) == ("job", job["id"], job["name"])
        assert run["trigger"] == {"type": "api", "by": "admin"}
        assert run["scheduled_for"] is None and run["finished_at"] is None
        assert when(run["queued_at"])
        assert wait_for(server, run["id"])["state"] == "succeeded"

    def test_run_by_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """A job runs by its name as well as by its ID."""
        job = make_job(server, tmp_path)
        assert run_and_wait(server, job["name"])["owner_id"] == job["id"]

    def test_wait_returns_the_finished_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """`wait=true` answers 200 with a succeeded run, exit code 0 and one attempt."""
        job = make_job(server, tmp_path, command="echo done")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "succeeded"
        assert run["exit_code"] == 0 and run["error"] is None
        assert len(run["attempts"]) == 1
        attempt = run["attempts"][0]
        assert set(attempt) >= ATTEMPT_KEYS
        assert (attempt["number"], attempt["exit_code"], attempt["error"]) == (1, 0, None)
        assert when(run["queued_at"]) <= when(run["started_at"]) <= when(run["finished_at"])
        assert isinstance(run["duration"], float) and run["duration"] >= 0
        assert server.request("GET", f"/runs/{run['id']}") == (200, run)

    def test_wait_gives_up_after_its_timeout(self, server: ServerProcess, tmp_path: Path) -> None:
        """`wait=true&timeout=S` on a longer run answers 202 with the run still going."""
        job = make_job(server, tmp_path, command="sleep 0.6")
        status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true&timeout=0.2")
        assert status == 202 and run["state"] == "running"
        assert wait_for(server, run["id"])["state"] == "succeeded"

    def test_job_shows_its_latest_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """After a run the job's `state` and `last_run_id` follow that run."""
        job = make_job(server, tmp_path)
        run = run_and_wait(server, job["id"])
        status, shown = server.request("GET", f"/jobs/{job['id']}")
        assert status == 200
        assert (shown["state"], shown["last_run_id"]) == ("succeeded", run["id"])

    def test_failing_command(self, server: ServerProcess, tmp_path: Path) -> None:
        """A non-zero exit is a failed run carrying the exit code and an error message."""
        job = make_job(server, tmp_path, command="echo boom >&2; exit 3")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "failed"
        assert run["exit_code"] == 3
        assert isinstance(run["error"], str) and "3" in run["error"]
        assert [a["exit_code"] for a in run["attempts"]] == [3]
        assert server.request("GET", f"/jobs/{job['id']}")[1]["state"] == "failed"

    def test_missing_workdir(self, server: ServerProcess, tmp_path: Path) -> None:
        """A workdir that does not exist fails the run with an error naming the directory."""
        missing = tmp_path / "does-not-exist"
        job = make_job(server, missing, command="echo never")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "failed"
        assert str(missing) in run["error"]
        assert run["exit_code"] is None
        assert server.request("GET", "/health") == (200, {"status": "ok"})

    def test_unknown_job(self, server: ServerProcess) -> None:
        """Running a job that does not exist is a 404."""
        assert_error(server.request("POST", "/jobs/no-such-job/run"), 404, "not_found")

    def test_bad_run_body(self, server: ServerProcess, tmp_path: Path) -> None:
        """A bad `at`, a bad `env` and an unknown field are each named in a 400."""
        job = make_job(server, tmp_path)
        body = {"at": "tomorrow", "env": {"A": 1}, "priority": 1}
        answer = server.request("POST", f"/jobs/{job['id']}/run", body)
        assert_fields(answer, "at", "env", "priority")


class TestRunOutput:
    def test_stdout_and_stderr_are_kept(self, server: ServerProcess, tmp_path: Path) -> None:
        """`/runs/{id}/output` holds both streams, separately."""
        job = make_job(server, tmp_path, command="echo out; echo err >&2")
        run = run_and_wait(server, job["id"])
        answer = server.request("GET", f"/runs/{run['id']}/output")
        dropped = {"stdout": 0, "stderr": 0}
        expected = {"stdout": "out\n", "stderr": "err\n", "truncated": False, "complete": True}
        assert answer == (200, {**expected, "dropped": dropped})

    def test_output_is_capped(self, server: ServerProcess, tmp_path: Path) -> None:
        """2 MiB on stdout keeps 1 MiB, its first 64 KiB and its end with the gap marked, and
        says `truncated` on run, output and context."""
        script = "import sys; sys.stdout.write('x' * 2 * 1024 * 1024)"
        job = make_job(server, tmp_path, command=f'"{sys.executable}" -c "{script}"')
        run = run_and_wait(server, job["id"])
        assert run["state"] == "succeeded" and run["truncated"] is True
        status, output = server.request("GET", f"/runs/{run['id']}/output")
        assert status == 200 and output["truncated"] is True
        kept = "x" * 65536 + "\n[... 1048576 bytes dropped ...]\n" + "x" * (1024 * 1024 - 65536)
        assert output["stdout"] == kept
        assert output["dropped"] == {"stdout": 1024 * 1024, "stderr": 0}
        status, context = server.request("GET", f"/contexts/{job['id']}")
        assert status == 200
        assert context["truncated"] is True and context["size"] == len(kept)

    def test_output_of_unknown_run(self, server: ServerProcess) -> None:
        """The output of a run that does not exist is a 404."""
        assert_error(server.request("GET", "/runs/R000000000000/output"), 404, "not_found")


class TestRunEnvironment:
    def test_env_and_secret_env_reach_the_process(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """The job's env, its secret env and the run's env are all in the process environment."""
        command = 'printf "%s|%s|%s" "$PLAIN" "$SECRET" "$EXTRA"'
        job = make_job(server, tmp_path, command=command, env={"PLAIN": "p"},
                       secret_env={"SECRET": "s"})  # fmt: skip
        run = run_and_wait(server, job["id"], {"env": {"EXTRA": "e"}})
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "p|s|e"

    def test_run_env_overrides_job_env(self, server: ServerProcess, tmp_path: Path) -> None:
        """A value given for one run wins over the job's value for that run only."""
        job = make_job(server, tmp_path, command='printf %s "$WHO"', env={"WHO": "job"})
        run = run_and_wait(server, job["id"], {"env": {"WHO": "run"}})
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "run"
        run = run_and_wait(server, job["id"])
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "job"

    def test_orch_variables_are_set(self, server: ServerProcess, tmp_path: Path) -> None:
        """ORCH_RUN_ID names the run itself; ORCH_JOB_ID the job."""
        job = make_job(server, tmp_path, command='printf "%s %s" "$ORCH_RUN_ID" "$ORCH_JOB_ID"')
        run = run_and_wait(server, job["id"])
        stdout = server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"]
        assert stdout == f"{run['id']} {job['id']}"

    def test_runs_in_the_workdir(self, server: ServerProcess, tmp_path: Path) -> None:
        """The command starts in the job's working directory."""
        (tmp_path / "marker.txt").write_text("here")
        job = make_job(server, tmp_path, command="cat marker.txt")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "succeeded"
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "here"
