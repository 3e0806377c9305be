"""`orchestrator-cli jobs` end to end: the real CLI process against a real server."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.support import ServerProcess

Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """Run the CLI against the module's server with logs and config kept in this test's folder."""
    env = {"ORCH_CLI_LOG_DIR": str(tmp_path / "logs"), "ORCH_CLI_CONFIG": str(tmp_path / "c.yaml")}
    return lambda *args: server.cli(*args, env=env)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_job(cli: Cli, workdir: Path, command: str = "echo hello", *extra: str) -> dict:
    name = unique("job")
    result = cli(
        "--output",
        "json",
        "jobs",
        "create",
        "--name",
        name,
        "--command",
        command,
        "--workdir",
        str(workdir),
        *extra,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class TestJobDefinitions:
    def test_create_with_options(self, cli: Cli, tmp_path: Path):
        """Options become the job's fields, and json output is the API's job document."""
        job = create_job(
            cli,
            tmp_path,
            "echo hi",
            "--timeout",
            "30",
            "--max-attempts",
            "2",
            "--env",
            "A=1",
            "--tag",
            "x",
            "--tag",
            "y",
            "--description",
            "d",
        )
        assert job["id"].startswith("J")
        assert job["timeout"] == 30 and job["max_attempts"] == 2
        assert job["env"] == {"A": "1"} and job["tags"] == ["x", "y"]
        assert job["state"] == "never_run"

    def test_create_from_file(self, cli: Cli, tmp_path: Path):
        """-f FILE.yaml takes the API's body shape; options override its fields."""
        name = unique("file")
        file = tmp_path / "job.yaml"
        body = {"name": "overridden", "command": "echo f", "workdir": str(tmp_path), "tags": ["f"]}
        file.write_text(yaml.safe_dump(body))
        result = cli("--output", "json", "jobs", "create", "-f", str(file), "--name", name)
        assert result.returncode == 0, result.stderr
        job = json.loads(result.stdout)
        assert (job["name"], job["command"], job["tags"]) == (name, "echo f", ["f"])

    def test_list_and_get_by_name(self, cli: Cli, tmp_path: Path):
        """list shows the job in a table; get accepts the name and finds the same ID."""
        job = create_job(cli, tmp_path)
        table = cli("jobs", "list", "-q", job["name"])
        assert table.returncode == 0
        assert job["id"] in table.stdout and table.stdout.startswith("ID")
        assert all(len(row) <= 80 for row in table.stdout.splitlines())
        listed = json.loads(cli("--output", "json", "jobs", "list", "-q", job["name"]).stdout)
        assert [item["id"] for item in listed["items"]] == [job["id"]] and listed["total"] == 1
        got = json.loads(cli("--output", "json", "jobs", "get", job["name"]).stdout)
        assert got["id"] == job["id"]

    def test_yaml_output(self, cli: Cli, tmp_path: Path):
        """yaml output holds the same document as json output."""
        job = create_job(cli, tmp_path)
        as_yaml = yaml.safe_load(cli("--output", "yaml", "jobs", "get", job["id"]).stdout)
        as_json = json.loads(cli("--output", "json", "jobs", "get", job["id"]).stdout)
        assert as_yaml == as_json

    def test_update_sends_only_given_fields(self, cli: Cli, tmp_path: Path):
        """update changes the given fields and leaves the others as they were."""
        job = create_job(cli, tmp_path, "echo keep", "--description", "old")
        result = cli(
            "--output", "json", "jobs", "update", job["id"], "--timeout", "5", "--disabled"
        )
        assert result.returncode == 0, result.stderr
        updated = json.loads(result.stdout)
        assert updated["timeout"] == 5 and updated["enabled"] is False
        assert updated["command"] == "echo keep" and updated["description"] == "old"

    def test_copy(self, cli: Cli, tmp_path: Path):
        """copy makes a new job, named <name>-copy unless --name says otherwise."""
        job = create_job(cli, tmp_path)
        default = json.loads(cli("--output", "json", "jobs", "copy", job["id"]).stdout)
        named = json.loads(
            cli("--output", "json", "jobs", "copy", job["id"], "--name", job["name"] + "-b").stdout
        )
        assert default["name"] == job["name"] + "-copy" and default["id"] != job["id"]
        assert named["name"] == job["name"] + "-b" and named["command"] == job["command"]

    def test_delete(self, cli: Cli, tmp_path: Path):
        """delete removes the job; getting it afterwards is a one-line error with exit 1."""
        job = create_job(cli, tmp_path)
        result = cli("jobs", "delete", job["id"])
        assert result.returncode == 0 and job["id"] in result.stdout
        assert cli("jobs", "delete", job["id"], "--force").returncode == 1
        missing = cli("jobs", "get", job["id"])
        assert missing.returncode == 1
        assert missing.stderr.startswith("error: ") and missing.stderr.count("\n") == 1

    def test_duplicate_name_is_an_api_error(self, cli: Cli, tmp_path: Path):
        """The server's conflict message comes through as one line, exit code 1."""
        job = create_job(cli, tmp_path)
        again = cli(
            "jobs", "create", "--name", job["name"], "--command", "true", "--workdir", str(tmp_path)
        )
        assert again.returncode == 1
        assert again.stderr.startswith("error: ") and "Traceback" not in again.stderr


class TestRunWait:
    def test_success_exits_0(self, cli: Cli, tmp_path: Path):
        """run --wait prints the finished run and exits 0 when it succeeded."""
        job = create_job(cli, tmp_path, "echo waited")
        result = cli(
            "--output", "json", "jobs", "run", job["name"], "--wait", "--wait-timeout", "60"
        )
        assert result.returncode == 0, result.stderr
        run = json.loads(result.stdout)
        assert run["state"] == "succeeded" and run["exit_code"] == 0
        assert run["owner_id"] == job["id"]

    def test_failure_exits_1(self, cli: Cli, tmp_path: Path):
        """run --wait exits 1 when the run fails, still printing it, with the reason on stderr."""
        job = create_job(cli, tmp_path, "exit 3")
        result = cli("--output", "json", "jobs", "run", job["id"], "--wait", "--wait-timeout", "60")
        assert result.returncode == 1
        run = json.loads(result.stdout)
        assert (run["state"], run["exit_code"]) == ("failed", 3)
        assert result.stderr.startswith(f"error: run {run['id']} failed")
        assert result.stderr.count("\n") == 1

    def test_run_env(self, cli: Cli, tmp_path: Path):
        """--env K=V reaches the run's environment."""
        job = create_job(cli, tmp_path, "echo value=$GREETING")
        run = json.loads(
            cli(
                "--output", "json", "jobs", "run", job["id"], "--wait", "--env", "GREETING=bonjour"
            ).stdout
        )
        output = json.loads(cli("--output", "json", "runs", "output", run["id"]).stdout)
        assert output["stdout"].strip() == "value=bonjour"

    def test_run_without_wait_then_runs(self, cli: Cli, tmp_path: Path):
        """run returns at once; `jobs runs` then lists that run for the job."""
        job = create_job(cli, tmp_path)
        run = json.loads(cli("--output", "json", "jobs", "run", job["id"]).stdout)
        assert run["id"].startswith("R") and run["state"] in {"queued", "running", "succeeded"}
        assert cli("runs", "wait", run["id"], "--wait-timeout", "60").returncode == 0
        listed = json.loads(cli("--output", "json", "jobs", "runs", job["name"]).stdout)
        assert [item["id"] for item in listed["items"]] == [run["id"]]

    def test_wait_gives_up_after_timeout(self, cli: Cli, tmp_path: Path):
        """run --wait --timeout stops waiting for a longer run, prints it, and exits 1."""
        job = create_job(cli, tmp_path, "sleep 3")
        result = cli(
            "--output", "json", "jobs", "run", job["id"], "--wait", "--wait-timeout", "0.5"
        )
        assert result.returncode == 1
        assert json.loads(result.stdout)["state"] in {"queued", "running"}
        assert "still" in result.stderr and result.stderr.count("\n") == 1

    def test_run_at_a_later_time(self, cli: Cli, tmp_path: Path):
        """run --at 1h plans the run: it is scheduled for about an hour from now."""
        job = create_job(cli, tmp_path)
        run = json.loads(cli("--output", "json", "jobs", "run", job["id"], "--at", "1h").stdout)
        assert run["state"] == "scheduled" and run["scheduled_for"]
        assert cli("runs", "cancel", run["id"]).returncode == 0
