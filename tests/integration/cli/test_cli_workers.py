"""The CLI for placement and workers, end to end against a real server: `--resource` on jobs,
the worker of each attempt in `runs get` and `runs list`, and `workers list`."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, as_json, cli_for, field, make_job, unique
from tests.support import ServerProcess


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    return cli_for(server, tmp_path)


def create(cli: Cli, workdir: Path, *extra: str) -> dict:
    args = ["--name", unique("job"), "--command", "true", "--workdir", str(workdir), *extra]
    return as_json(cli("--output", "json", "jobs", "create", *args))


class TestResourceOption:
    """`--resource NAME=N` (repeatable) sets the job's resources; update replaces them."""

    def test_create_and_update(self, cli: Cli, tmp_path: Path) -> None:
        job = create(cli, tmp_path, "--resource", "gpu=1", "--resource", "mem=0.5")
        assert job["resources"] == {"gpu": 1, "mem": 0.5}
        updated = as_json(
            cli("--output", "json", "jobs", "update", job["id"], "--resource", "ssd=2")
        )
        assert updated["resources"] == {"ssd": 2}
        shown = cli("jobs", "get", job["id"])
        assert "ssd" in field(shown.stdout, "resources")

    def test_an_amount_that_is_not_a_number_is_a_usage_error(self, cli: Cli, tmp_path: Path):
        result = cli("jobs", "create", "--name", "x", "--command", "true", "--workdir",
                     str(tmp_path), "--resource", "gpu=lots")  # fmt: skip
        assert result.returncode == 2
        assert "gpu: 'lots' is not a number" in result.stderr

    def test_a_bad_name_is_the_servers_400(self, cli: Cli, tmp_path: Path) -> None:
        result = cli("jobs", "create", "--name", unique("job"), "--command", "true",
                     "--workdir", str(tmp_path), "--resource", "9gpu=1")  # fmt: skip
        assert result.returncode == 1
        assert "resources" in result.stderr and "9gpu" in result.stderr


class TestWorkerOfRuns:
    """`runs get` shows where each attempt ran; `runs list` the last attempt's worker."""

    def test_runs_get_and_list(self, cli: Cli, server: ServerProcess, tmp_path: Path) -> None:
        job = make_job(server, tmp_path)
        run = as_json(cli("--output", "json", "jobs", "run", job["id"], "--wait"))
        assert run["attempts"][0]["worker"] == {"name": "local", "host": socket.gethostname()}
        shown = cli("runs", "get", run["id"])
        assert shown.returncode == 0, shown.stderr
        assert f"on local ({socket.gethostname()})" in field(shown.stdout, "attempts")
        listed = cli("runs", "list", "--owner", job["id"])
        assert listed.returncode == 0, listed.stderr
        header, row = listed.stdout.splitlines()[:2]
        assert header.split()[-1] == "WORKER"
        assert row.split()[-1] == "local"


class TestWorkersList:
    """`workers list` names the executor; json prints the API's document."""

    def test_local(self, cli: Cli) -> None:
        result = cli("workers", "list")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("executor local")
        doc = json.loads(cli("--output", "json", "workers", "list").stdout)
        assert doc == {"executor": "local", "scheduler": None, "reachable": True, "items": []}
