"""Run-time `secret_env`: reaches the job, sealed in the store, `***` in every answer, reused by a
retry and passed to the steps of a pipeline run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.api_helpers import assert_fields, make_job, run_and_wait, wait_for
from tests.pipeline_helpers import make_pipeline, run_pipeline, step_run
from tests.support import ServerProcess

SECRET = "run-secret-7f3a9c1e5b"
DIGEST = hashlib.sha256(SECRET.encode()).hexdigest()
# The job proves it saw the value without naming it: its command and output are stored in clear.
CHECK = (
    f'test "$(printf %s "$RUN_TOKEN" | sha256sum | cut -c1-64)" = {DIGEST} '
    '&& echo seen-secret && echo "plain=$PLAIN_X"'
)


def _store_bytes(data_dir: Path) -> bytes:
    files = [data_dir / "orchestrator.sqlite", data_dir / "orchestrator.sqlite-wal"]
    return b"".join(path.read_bytes() for path in files if path.exists())


def _stdout(server: ServerProcess, run_id: str) -> str:
    status, output = server.request("GET", f"/runs/{run_id}/output")
    assert status == 200, output
    return output["stdout"]


class TestRunSecretEnv:
    """A job run given `secret_env` at run time."""

    def test_the_job_sees_it_and_no_answer_or_file_holds_it(self, fresh_server, tmp_path: Path):
        """Masked in the run, the list and the retry; absent from the SQLite files."""
        job = make_job(fresh_server, tmp_path, command=CHECK)
        body = {"env": {"PLAIN_X": "visible"}, "secret_env": {"RUN_TOKEN": SECRET}}
        run = run_and_wait(fresh_server, job["id"], body)
        assert run["state"] == "succeeded", run
        assert run["secret_env"] == {"RUN_TOKEN": "***"}
        assert "seen-secret" in _stdout(fresh_server, run["id"])
        assert "plain=visible" in _stdout(fresh_server, run["id"])
        status, retry = fresh_server.request("POST", f"/runs/{run['id']}/retry")
        assert status == 202 and retry["secret_env"] == {"RUN_TOKEN": "***"}, retry
        retried = wait_for(fresh_server, retry["id"])
        assert retried["state"] == "succeeded", retried
        assert "seen-secret" in _stdout(fresh_server, retry["id"])
        answers = [
            run,
            retry,
            fresh_server.request("GET", f"/runs/{run['id']}")[1],
            fresh_server.request("GET", "/runs")[1],
            fresh_server.request("GET", f"/runs?owner={job['id']}")[1],
        ]
        assert SECRET not in json.dumps(answers)
        assert SECRET.encode() not in _store_bytes(fresh_server.data_dir)
        fresh_server.stop()
        assert SECRET.encode() not in _store_bytes(fresh_server.data_dir)

    def test_a_restart_opens_the_sealed_secret_for_a_retry(self, tmp_path: Path):
        """Sealed on disk, the secret is opened again after a restart and reused by a retry."""
        server = ServerProcess(tmp_path / "data").start()
        try:
            job = make_job(server, tmp_path, command=CHECK)
            run = run_and_wait(server, job["id"], {"secret_env": {"RUN_TOKEN": SECRET}})
            assert run["state"] == "succeeded", run
        finally:
            server.stop()
        again = ServerProcess(tmp_path / "data").start()
        try:
            status, retry = again.request("POST", f"/runs/{run['id']}/retry")
            assert status == 202, retry
            assert wait_for(again, retry["id"])["state"] == "succeeded"
            assert "seen-secret" in _stdout(again, retry["id"])
        finally:
            again.stop()

    def test_a_bad_secret_env_is_a_validation_error(self, server, tmp_path: Path):
        """Not an object of strings: 400 naming the field, and no run is made."""
        job = make_job(server, tmp_path)
        answer = server.request("POST", f"/jobs/{job['id']}/run", {"secret_env": {"A": 1}})
        assert_fields(answer, "secret_env")
        assert server.request("GET", f"/runs?owner={job['id']}")[1]["items"] == []


class TestPipelineRunSecretEnv:
    """A pipeline run given `secret_env` passes it to each step's job run."""

    def test_each_step_sees_it_masked(self, server, tmp_path: Path):
        """The step's job sees the value; the pipeline run and the step run show `***`."""
        job = make_job(server, tmp_path, command=CHECK)
        pipeline = make_pipeline(server, [{"id": "only", "job": job["id"]}])
        run = run_pipeline(server, pipeline["id"], {"secret_env": {"RUN_TOKEN": SECRET}})
        assert run["state"] == "succeeded", run
        assert run["secret_env"] == {"RUN_TOKEN": "***"}
        step = step_run(server, run, "only")
        assert step["secret_env"] == {"RUN_TOKEN": "***"}
        assert "seen-secret" in _stdout(server, step["id"])
        assert SECRET not in json.dumps([run, step])


class TestCliRunSecretEnv:
    """`jobs run --secret-env K=V` sends it; the answer shows it masked."""

    def test_the_cli_passes_it(self, server, tmp_path: Path):
        """The run succeeds only if the job saw the value; the CLI never prints it."""
        job = make_job(server, tmp_path, command=CHECK)
        done = server.cli(
            "--output", "json", "jobs", "run", job["id"], "--wait",
            "--secret-env", f"RUN_TOKEN={SECRET}", "--env", "PLAIN_X=v",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert SECRET not in done.stdout
        shown = json.loads(done.stdout)
        assert shown["secret_env"] == {"RUN_TOKEN": "***"} and shown["state"] == "succeeded"
