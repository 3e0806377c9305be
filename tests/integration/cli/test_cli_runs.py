"""`orchestrator-cli` runs, contexts, logs, log-level, version and health against a real server."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import ServerProcess

Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """Run the CLI against the module's server with logs and config kept in this test's folder."""
    env = {"ORCH_CLI_LOG_DIR": str(tmp_path / "logs"), "ORCH_CLI_CONFIG": str(tmp_path / "c.yaml")}
    return lambda *args: server.cli(*args, env=env)


def finished_run(server: ServerProcess, workdir: Path, command: str) -> tuple[dict, dict]:
    """Create a job through the API, run it to the end, return (job, run)."""
    body = {"name": f"job-{uuid.uuid4().hex[:8]}", "command": command, "workdir": str(workdir)}
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true&timeout=60")
    assert status == 200 and run["state"] not in {"queued", "running"}, run
    return job, run


class TestRuns:
    def test_output_splits_streams(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """runs output prints the run's stdout on stdout and its stderr on stderr."""
        _, run = finished_run(server, tmp_path, "echo to-out; echo to-err 1>&2")
        result = cli("runs", "output", run["id"])
        assert result.returncode == 0
        assert result.stdout == "to-out\n"
        assert "to-err" in result.stderr

    def test_list_filters_by_owner(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """runs list --owner shows that job's runs only, in a table or as the API's list."""
        job, run = finished_run(server, tmp_path, "echo one")
        doc = json.loads(cli("--output", "json", "runs", "list", "--owner", job["id"]).stdout)
        assert [item["id"] for item in doc["items"]] == [run["id"]]
        table = cli("runs", "list", "--owner", job["id"], "--state", "succeeded")
        assert run["id"] in table.stdout and "succeeded" in table.stdout

    def test_get_and_wait_on_a_finished_run(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """get shows a run; wait on a failed run returns at once with exit code 1."""
        _, run = finished_run(server, tmp_path, "exit 4")
        shown = cli("runs", "get", run["id"])
        assert shown.returncode == 0 and run["id"] in shown.stdout and "failed" in shown.stdout
        waited = cli("runs", "wait", run["id"])
        assert waited.returncode == 1
        assert waited.stderr.startswith(f"error: run {run['id']} failed")

    def test_cancel_a_running_run(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """cancel stops a running run; cancelling it again is a conflict (exit 1)."""
        body = {"name": f"slow-{uuid.uuid4().hex[:8]}", "command": "sleep 30", "workdir": "/"}
        job = server.request("POST", "/jobs", body)[1]
        run = json.loads(cli("--output", "json", "jobs", "run", job["id"]).stdout)
        assert cli("runs", "cancel", run["id"]).returncode == 0
        waited = json.loads(cli("--output", "json", "runs", "wait", run["id"]).stdout)
        assert waited["state"] == "cancelled"
        assert cli("runs", "cancel", run["id"]).returncode == 1

    def test_wait_polls_until_the_end(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """runs wait follows a run that is still going and exits 0 once it succeeded."""
        body = {"name": f"job-{uuid.uuid4().hex[:8]}", "command": "sleep 1", "workdir": "/"}
        job = server.request("POST", "/jobs", body)[1]
        run = server.request("POST", f"/jobs/{job['id']}/run")[1]
        result = cli("--output", "json", "runs", "wait", run["id"], "--wait-timeout", "30")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["state"] == "succeeded"

    def test_retry_starts_a_new_run(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """retry of a failed run starts another run of the same job."""
        job, run = finished_run(server, tmp_path, "exit 1")
        result = cli("--output", "json", "runs", "retry", run["id"])
        assert result.returncode == 0, result.stderr
        again = json.loads(result.stdout)
        assert again["id"] != run["id"] and again["owner_id"] == job["id"]

    def test_unknown_run(self, cli: Cli):
        """A run that does not exist is one error line and exit code 1."""
        result = cli("runs", "get", "R000000000000")
        assert result.returncode == 1 and result.stderr.startswith("error: ")


class TestContexts:
    def test_get_shows_details_then_content(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """contexts get by job name shows the details, then the job's last stdout."""
        job, run = finished_run(server, tmp_path, "echo context-text")
        result = cli("contexts", "get", job["name"])
        assert result.returncode == 0
        details, _, content = result.stdout.partition("\n\n")
        assert run["id"] in details and "CJ" in details
        assert content == "context-text\n"

    def test_reset_empties_it(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """reset leaves the context empty, as if the job had never run."""
        job, _ = finished_run(server, tmp_path, "echo soon-gone")
        assert cli("contexts", "reset", job["id"]).returncode == 0
        doc = json.loads(cli("--output", "json", "contexts", "get", job["id"]).stdout)
        assert doc["content"] == ""

    def test_list(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """contexts list --kind job includes the context of a job that ran."""
        job, _ = finished_run(server, tmp_path, "echo listed")
        doc = json.loads(cli("--output", "json", "contexts", "list", "--kind", "job").stdout)
        assert job["id"] in {item["owner_id"] for item in doc["items"]}


class TestSystem:
    def test_log_level_set_and_get(self, cli: Cli):
        """log-level set changes the server's level; get reads it back."""
        assert cli("log-level", "set", "DEBUG").returncode == 0
        assert cli("log-level", "get").stdout.strip() == "debug"
        assert cli("log-level", "set", "info").returncode == 0
        doc = json.loads(cli("--output", "json", "log-level", "get").stdout)
        assert doc == {"level": "info"}

    def test_log_level_refuses_unknown_levels(self, cli: Cli):
        """An unknown level is a usage error, caught before the request."""
        assert cli("log-level", "set", "loud").returncode == 2

    def test_version_and_health(self, cli: Cli):
        """version shows client and server versions; health says ok."""
        version = cli("version")
        assert version.returncode == 0
        assert "client  0.3.0 Alpha" in version.stdout and "server  0.3.0 Alpha" in version.stdout
        health = cli("health")
        assert health.returncode == 0 and health.stdout.strip().endswith(": ok")

    def test_logs(self, cli: Cli):
        """logs prints recent records, and json output is the API's list document."""
        doc = json.loads(cli("--output", "json", "logs", "--limit", "5").stdout)
        assert set(doc) >= {"items", "total"} and len(doc["items"]) <= 5
        assert cli("logs", "--level", "info", "--limit", "5").returncode == 0

    def test_wrong_key_is_unauthorized(self, cli: Cli):
        """A bad API key gives the server's 401 message on one line, exit code 1."""
        result = cli("--api-key", "ork_wrong", "jobs", "list")
        assert result.returncode == 1
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
