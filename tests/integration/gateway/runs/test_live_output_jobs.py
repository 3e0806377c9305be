"""A job's side of live output, with the real server: its own cap set from the CLI, and its
runs' output removed when the job is deleted."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api_helpers import make_job, start_run, wait_for
from tests.support import ServerProcess


def output(server: ServerProcess, run_id: str) -> dict:
    status, body = server.request("GET", f"/runs/{run_id}/output")
    assert status == 200, body
    return body


class TestCliOption:
    """The CLI sets a job's own cap with `--max-output-bytes`."""

    def test_create_with_cap(self, server: ServerProcess, tmp_path: Path) -> None:
        """The option becomes the job's `max_output_bytes`."""
        args = ("--output", "json", "jobs", "create", "--name", "cli-capped", "--command", "true")
        result = server.cli(*args, "--workdir", str(tmp_path), "--max-output-bytes", "4096")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["max_output_bytes"] == 4096


class TestDeletion:
    """Deleting a job removes the output of its runs; the runs stay in the history."""

    def test_job_deletion_drops_output(self, server: ServerProcess, tmp_path: Path) -> None:
        """After the delete, the run is still there and its output is empty."""
        job = make_job(server, tmp_path, command="echo kept until the job goes")
        run = start_run(server, job["id"])
        wait_for(server, run["id"])
        assert output(server, run["id"])["stdout"] == "kept until the job goes\n"
        assert server.request("DELETE", f"/jobs/{job['id']}")[0] == 204
        assert output(server, run["id"])["stdout"] == ""
        assert server.request("GET", f"/runs/{run['id']}")[0] == 200
